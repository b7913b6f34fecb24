package dev.clawgate.gateway.metrics;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A label whose values are declared up front: {@link #bound} maps every value outside the declared
 * set to {@value #OTHER}, so the series of a family can never outgrow the product of its labels'
 * sets, whatever a client sends. The set may grow through {@link #allow}, which only code calls
 * (with method or tool names it registered), never with a value taken from a request.
 */
final class BoundedLabel {
  /** The value every undeclared value is counted under. */
  static final String OTHER = "other";

  private final String name;
  private volatile Set<String> values;

  private BoundedLabel(String name, Set<String> values) {
    this.name = TextFormat.checkLabelName(name);
    this.values = values;
  }

  /** The label {@code name} with exactly {@code values} (plus {@value #OTHER}). */
  static BoundedLabel of(String name, Collection<String> values) {
    return new BoundedLabel(name, copy(Set.of(), values));
  }

  /** The label {@code name} with exactly {@code values} (plus {@value #OTHER}). */
  static BoundedLabel of(String name, String... values) {
    return of(name, Arrays.asList(values));
  }

  String name() {
    return name;
  }

  /** The declared values, in the order declared. */
  Set<String> values() {
    return values;
  }

  /** {@code value} when declared, else {@value #OTHER}. */
  String bound(String value) {
    return values.contains(value) ? value : OTHER;
  }

  /** Declares more values; only for values the code itself registered. */
  synchronized void allow(Collection<String> more) {
    values = copy(values, more);
  }

  private static Set<String> copy(Set<String> current, Collection<String> more) {
    LinkedHashSet<String> all = new LinkedHashSet<>(current);
    for (String value : more) {
      all.add(Objects.requireNonNull(value, "null label value"));
    }
    return Collections.unmodifiableSet(all);
  }
}
