package dev.clawgate.gateway.channels;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Channel#send}.
 *
 * @param delivered whether the platform accepted every part
 * @param messageIds the platform's ids of the parts sent (in order)
 * @param attempts how many requests were made in total
 * @param error why it failed (no secrets), when it did
 * @param retryable whether trying again later might succeed
 */
public record Delivery(
    boolean delivered,
    List<String> messageIds,
    int attempts,
    Optional<String> error,
    boolean retryable) {
  public Delivery {
    messageIds = List.copyOf(messageIds);
    Objects.requireNonNull(error, "null error");
  }

  /** Every part was delivered. */
  public static Delivery ok(List<String> messageIds, int attempts) {
    return new Delivery(true, messageIds, attempts, Optional.empty(), false);
  }

  /** Delivery failed; {@code sentBefore} lists parts that did go out before the failure. */
  public static Delivery failed(
      String error, boolean retryable, List<String> sentBefore, int attempts) {
    return new Delivery(false, sentBefore, attempts, Optional.of(error), retryable);
  }
}
