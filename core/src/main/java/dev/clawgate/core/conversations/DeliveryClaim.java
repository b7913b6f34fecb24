package dev.clawgate.core.conversations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The answer to {@link ConversationService#claimDelivery}. */
public sealed interface DeliveryClaim {
  /** The caller owns the delivery now and must complete or fail it. */
  record Claimed() implements DeliveryClaim {}

  /** Another call is delivering this key right now. */
  record InFlight() implements DeliveryClaim {}

  /**
   * It was delivered before.
   *
   * @param platformIds the platform's message ids
   * @param messageId the transcript mirror's message id, if it was mirrored
   * @param deliveredAtMs when
   */
  record Delivered(List<String> platformIds, Optional<String> messageId, long deliveredAtMs)
      implements DeliveryClaim {
    public Delivered {
      platformIds = List.copyOf(platformIds);
      Objects.requireNonNull(messageId, "null messageId");
    }
  }
}
