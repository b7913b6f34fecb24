package dev.clawgate.gateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** A monotonic counter family; a series appears on its first increment (or {@link #touch}). */
final class Counter extends Family {
  private final ConcurrentHashMap<List<String>, LongAdder> series = new ConcurrentHashMap<>();

  Counter(String name, String help, List<BoundedLabel> labels) {
    super(name, help, labels);
    if (!name.endsWith("_total")) {
      throw new IllegalArgumentException("counter names end in _total: " + name);
    }
  }

  /** Adds one to the series of {@code labelValues} (undeclared values count as other). */
  void inc(String... labelValues) {
    series.computeIfAbsent(key(labelValues), k -> new LongAdder()).increment();
  }

  /** Makes the series of {@code labelValues} appear at 0 before its first increment. */
  void touch(String... labelValues) {
    series.computeIfAbsent(key(labelValues), k -> new LongAdder());
  }

  /** The current count of a series (0 when it never counted). */
  long value(String... labelValues) {
    LongAdder adder = series.get(key(labelValues));
    return adder == null ? 0 : adder.sum();
  }

  @Override
  void write(StringBuilder out) {
    TextFormat.header(out, name(), "counter", help());
    for (Map.Entry<List<String>, LongAdder> entry : sorted(series)) {
      TextFormat.sample(
          out,
          name(),
          labelNames(),
          entry.getKey(),
          null,
          "",
          Long.toString(entry.getValue().sum()));
    }
  }
}
