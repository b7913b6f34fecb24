package dev.clawgate.benchmarks.load;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds. Memory is bounded: the first {@code capacity} samples are kept
 * for percentiles, while count, mean and max cover every sample. Thread-safe.
 */
final class Latencies {
  /**
   * Percentiles and mean in milliseconds.
   *
   * @param count samples recorded
   * @param kept samples the percentiles were computed from
   */
  record Summary(
      long count,
      int kept,
      double meanMs,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double maxMs) {}

  private final long[] samples;
  private int kept; // guarded by this
  private long count; // guarded by this
  private long sum; // guarded by this
  private long max; // guarded by this

  Latencies(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.samples = new long[capacity];
  }

  synchronized void record(long nanos) {
    if (kept < samples.length) {
      samples[kept++] = nanos;
    }
    count++;
    sum += nanos;
    max = Math.max(max, nanos);
  }

  synchronized Summary summary() {
    long[] sorted = Arrays.copyOf(samples, kept);
    Arrays.sort(sorted);
    return new Summary(
        count,
        kept,
        count == 0 ? 0 : ms((double) sum / count),
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 90)),
        ms(percentile(sorted, 99)),
        ms(max));
  }

  /** Nearest-rank percentile of ascending {@code sorted}; 0 when it is empty. */
  static long percentile(long[] sorted, double p) {
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException("percentile out of range: " + p);
    }
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double ms(double nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
