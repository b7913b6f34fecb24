package dev.clawgate.gateway.channels.telegram;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the channel waits after failures. Backoff is exponential with jitter: failure n waits a
 * random time between half and all of {@code min(max, initial * 2^(n-1))}.
 *
 * @param initial the wait after the first failure
 * @param max the longest backoff wait
 * @param maxRetryAfter the longest {@code retry_after} waited for; beyond it a send fails
 *     (retryable) instead of blocking
 * @param unauthorized the wait between polls while Telegram refuses the token
 * @param sendAttempts attempts per message part on network errors and 5xx
 */
record Retries(
    Duration initial,
    Duration max,
    Duration maxRetryAfter,
    Duration unauthorized,
    int sendAttempts) {
  /** What production uses. */
  static final Retries DEFAULT =
      new Retries(
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          5);

  /** The wait after failure {@code failures} (1-based) in a row. */
  Duration backoff(int failures) {
    long ceiling = initial.toMillis() << Math.min(20, Math.max(0, failures - 1));
    long capped = Math.max(1, Math.min(max.toMillis(), ceiling));
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
