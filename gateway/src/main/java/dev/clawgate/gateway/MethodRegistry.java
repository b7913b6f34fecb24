package dev.clawgate.gateway;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The methods a gateway implements, each declared once, in registration order. {@code
 * hello-ok.features.methods} is exactly {@link #names()}; anything else answers "unknown method".
 */
public final class MethodRegistry {
  private final Map<String, MethodSpec> specs;

  private MethodRegistry(Map<String, MethodSpec> specs) {
    this.specs = specs;
  }

  /**
   * A registry of {@code specs} in the given order.
   *
   * @throws IllegalArgumentException when a name is declared twice
   */
  public static MethodRegistry of(Collection<MethodSpec> specs) {
    Map<String, MethodSpec> byName = new LinkedHashMap<>();
    for (MethodSpec spec : specs) {
      if (byName.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalArgumentException("method declared twice: " + spec.name());
      }
    }
    return new MethodRegistry(byName);
  }

  /** The declaration of {@code name}, if this gateway implements it. */
  public Optional<MethodSpec> find(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /** Every method name, in registration order. */
  public List<String> names() {
    return List.copyOf(specs.keySet());
  }

  /** Every declaration, in registration order. */
  public List<MethodSpec> specs() {
    return List.copyOf(specs.values());
  }
}
