package dev.clawgate.gateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram family with fixed upper bounds: per series, {@code _bucket{le="..."}} (cumulative,
 * ending with {@code le="+Inf"}), {@code _sum} and {@code _count}. {@code _count} is written as the
 * {@code +Inf} bucket, so the two always agree within a scrape.
 */
final class Histogram extends Family {
  private final double[] bounds;
  private final ConcurrentHashMap<List<String>, Series> series = new ConcurrentHashMap<>();

  /**
   * @param bounds the finite upper bounds, strictly increasing; {@code +Inf} is implied
   */
  Histogram(String name, String help, List<BoundedLabel> labels, double... bounds) {
    super(name, help, labels);
    if (labelNames().contains("le")) {
      throw new IllegalArgumentException(name + ": le is the bucket label");
    }
    if (bounds.length == 0) {
      throw new IllegalArgumentException(name + ": no buckets");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        throw new IllegalArgumentException(name + ": bounds must be finite and increasing");
      }
    }
    this.bounds = bounds.clone();
  }

  /** Records {@code value} in the series of {@code labelValues}. */
  void observe(double value, String... labelValues) {
    Series target = series.computeIfAbsent(key(labelValues), k -> new Series(bounds.length + 1));
    int bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) {
      bucket++;
    }
    target.counts[bucket].increment();
    target.sum.add(value);
  }

  /** How many values a series recorded (0 when none). */
  long count(String... labelValues) {
    Series found = series.get(key(labelValues));
    if (found == null) {
      return 0;
    }
    long total = 0;
    for (LongAdder count : found.counts) {
      total += count.sum();
    }
    return total;
  }

  @Override
  void write(StringBuilder out) {
    TextFormat.header(out, name(), "histogram", help());
    for (Map.Entry<List<String>, Series> entry : sorted(series)) {
      write(out, entry.getKey(), entry.getValue());
    }
  }

  private void write(StringBuilder out, List<String> key, Series values) {
    long cumulative = 0;
    for (int i = 0; i <= bounds.length; i++) {
      cumulative += values.counts[i].sum();
      String le = i < bounds.length ? TextFormat.number(bounds[i]) : "+Inf";
      TextFormat.sample(
          out, name() + "_bucket", labelNames(), key, "le", le, Long.toString(cumulative));
    }
    TextFormat.sample(
        out, name() + "_sum", labelNames(), key, null, "", TextFormat.number(values.sum.sum()));
    TextFormat.sample(
        out, name() + "_count", labelNames(), key, null, "", Long.toString(cumulative));
  }

  private static final class Series {
    final LongAdder[] counts;
    final DoubleAdder sum = new DoubleAdder();

    Series(int buckets) {
      counts = new LongAdder[buckets];
      for (int i = 0; i < buckets; i++) {
        counts[i] = new LongAdder();
      }
    }
  }
}
