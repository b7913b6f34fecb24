package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void percentilesUseTheNearestRank() {
    long[] sorted = new long[100];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i + 1;
    }
    assertThat(Latencies.percentile(sorted, 50)).isEqualTo(50);
    assertThat(Latencies.percentile(sorted, 90)).isEqualTo(90);
    assertThat(Latencies.percentile(sorted, 99)).isEqualTo(99);
    assertThat(Latencies.percentile(sorted, 100)).isEqualTo(100);
    assertThat(Latencies.percentile(sorted, 0)).isEqualTo(1);
  }

  @Test
  void percentileOfOneSampleIsThatSample() {
    assertThat(Latencies.percentile(new long[] {7}, 99)).isEqualTo(7);
  }

  @Test
  void percentileOfNothingIsZero() {
    assertThat(Latencies.percentile(new long[0], 50)).isZero();
  }

  @Test
  void percentileOutsideZeroToHundredIsRefused() {
    assertThatThrownBy(() -> Latencies.percentile(new long[] {1}, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void summaryIsInMillisecondsOverUnsortedSamples() {
    Latencies latencies = new Latencies(10);
    for (long ms : new long[] {5, 1, 3, 2, 4}) {
      latencies.record(ms * 1_000_000);
    }
    Latencies.Summary summary = latencies.summary();
    assertThat(summary.count()).isEqualTo(5);
    assertThat(summary.meanMs()).isEqualTo(3.0);
    assertThat(summary.p50Ms()).isEqualTo(3.0);
    assertThat(summary.maxMs()).isEqualTo(5.0);
  }

  @Test
  void samplesBeyondCapacityStillCountTowardsMeanAndMax() {
    Latencies latencies = new Latencies(2);
    latencies.record(1_000_000);
    latencies.record(1_000_000);
    latencies.record(10_000_000);
    Latencies.Summary summary = latencies.summary();
    assertThat(summary.count()).isEqualTo(3);
    assertThat(summary.kept()).isEqualTo(2);
    assertThat(summary.p99Ms()).isEqualTo(1.0);
    assertThat(summary.maxMs()).isEqualTo(10.0);
    assertThat(summary.meanMs()).isEqualTo(4.0);
  }
}
