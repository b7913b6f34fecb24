package dev.clawgate.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link ReconnectingGatewayClient} tries again.
 *
 * @param initialDelay the first backoff delay (doubles per failed attempt)
 * @param maxDelay the largest backoff delay
 * @param jitter the fraction (0 to 1) by which each delay is randomly varied, so that many clients
 *     restarted together do not reconnect in lockstep
 * @param pausedRetry how often a PAUSED session (auth or pairing failure) tries again by itself
 */
public record ReconnectPolicy(
    Duration initialDelay, Duration maxDelay, double jitter, Duration pausedRetry) {

  public ReconnectPolicy {
    Objects.requireNonNull(initialDelay, "null initialDelay");
    Objects.requireNonNull(maxDelay, "null maxDelay");
    Objects.requireNonNull(pausedRetry, "null pausedRetry");
    if (initialDelay.isNegative()
        || initialDelay.isZero()
        || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("need 0 < initialDelay <= maxDelay");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
    if (pausedRetry.isNegative() || pausedRetry.isZero()) {
      throw new IllegalArgumentException("pausedRetry must be positive");
    }
  }

  /** 1 s doubling to 30 s with 20% jitter; paused sessions retry every 30 s. */
  public static ReconnectPolicy defaults() {
    return new ReconnectPolicy(
        Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2, Duration.ofSeconds(30));
  }

  /** The delay before attempt {@code failures + 1}, given a random number in [0, 1). */
  Duration delay(int failures, double random) {
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    double max = (double) maxDelay.toMillis();
    double base = Math.min(max, (double) initialDelay.toMillis() * Math.pow(2, doublings));
    double varied = base * (1 - jitter + 2 * jitter * random);
    return Duration.ofMillis(Math.max(1, Math.round(Math.min(varied, max))));
  }
}
