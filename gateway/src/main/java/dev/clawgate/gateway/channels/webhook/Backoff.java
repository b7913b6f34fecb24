package dev.clawgate.gateway.channels.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of {@code
 * min(max, initial * 2^(n-1))}, so senders that failed together do not retry together.
 *
 * @param initial the wait after the first failure
 * @param max the longest wait
 * @param maxRetryAfter the longest {@code Retry-After} honoured
 */
record Backoff(Duration initial, Duration max, Duration maxRetryAfter) {
  /** What production uses: 500 ms doubling to 30 s; {@code Retry-After} up to 60 s. */
  static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60));

  /** The wait after failed attempt {@code attempt} (1-based). */
  Duration delay(int attempt) {
    long ceiling = initial.toMillis() << Math.min(20, Math.max(0, attempt - 1));
    long capped = Math.max(1, Math.min(max.toMillis(), ceiling));
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
