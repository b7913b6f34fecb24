package dev.clawgate.gateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One metric family: a name, a type, a help text and its samples, written in one block. */
abstract sealed class Family permits Counter, Histogram, Gauge {
  private final String name;
  private final String help;
  private final List<BoundedLabel> labels;
  private final List<String> labelNames;

  Family(String name, String help, List<BoundedLabel> labels) {
    this.name = TextFormat.checkMetricName(name);
    this.help = help;
    this.labels = List.copyOf(labels);
    List<String> names = new ArrayList<>();
    for (BoundedLabel label : this.labels) {
      if (names.contains(label.name())) {
        throw new IllegalArgumentException(name + ": label " + label.name() + " twice");
      }
      names.add(label.name());
    }
    this.labelNames = List.copyOf(names);
  }

  final String name() {
    return name;
  }

  final String help() {
    return help;
  }

  final List<String> labelNames() {
    return labelNames;
  }

  /** The series key of {@code values}: each bounded by its label's declared values. */
  final List<String> key(String... values) {
    if (values.length != labels.size()) {
      throw new IllegalArgumentException(
          name + " takes " + labels.size() + " label values, not " + values.length);
    }
    String[] bounded = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      bounded[i] = labels.get(i).bound(values[i]);
    }
    return List.of(bounded);
  }

  /** The series of a family, in the lexicographic order of their label values. */
  static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> series) {
    List<Map.Entry<List<String>, V>> entries = new ArrayList<>(series.entrySet());
    entries.sort((a, b) -> TextFormat.compareKeys(a.getKey(), b.getKey()));
    return entries;
  }

  /** Appends the family's {@code # HELP}, {@code # TYPE} and sample lines. */
  abstract void write(StringBuilder out);
}
