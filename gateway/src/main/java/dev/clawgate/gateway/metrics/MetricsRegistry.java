package dev.clawgate.gateway.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The families of one scrape, written in the order registered. */
final class MetricsRegistry {
  private final List<Family> families = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  /**
   * Adds a family.
   *
   * @throws IllegalArgumentException when a family of that name (or of a name its samples use) is
   *     registered
   */
  synchronized <T extends Family> T register(T family) {
    List<String> used = new ArrayList<>(List.of(family.name()));
    if (family instanceof Histogram) {
      used.addAll(
          List.of(family.name() + "_bucket", family.name() + "_sum", family.name() + "_count"));
    }
    for (String name : used) {
      if (names.contains(name)) {
        throw new IllegalArgumentException("metric " + name + " registered twice");
      }
    }
    names.addAll(used);
    families.add(family);
    return family;
  }

  /** Every family in the text format 0.0.4. */
  String scrape() {
    List<Family> current;
    synchronized (this) {
      current = List.copyOf(families);
    }
    StringBuilder out = new StringBuilder(4096);
    for (Family family : current) {
      family.write(out);
    }
    return out.toString();
  }
}
