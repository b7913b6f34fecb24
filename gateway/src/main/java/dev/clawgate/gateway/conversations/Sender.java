package dev.clawgate.gateway.conversations;

import dev.clawgate.core.conversations.Appended;
import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.DeliveryClaim;
import dev.clawgate.core.conversations.DeliveryRequest;
import dev.clawgate.core.conversations.Route;
import dev.clawgate.gateway.channels.Channel;
import dev.clawgate.gateway.channels.ChannelHub;
import dev.clawgate.gateway.channels.Delivery;
import dev.clawgate.gateway.channels.OutboundText;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers {@code send} requests exactly once per idempotency key: the key is claimed in the store
 * before the channel is asked, the outcome is recorded with the transcript mirror in one
 * transaction, and a second call with the same key returns the first one's result (waiting for it
 * while it is still being delivered).
 */
final class Sender {
  /** How long a duplicate waits for the first call's delivery before answering "in progress". */
  static final Duration DUPLICATE_PATIENCE = Duration.ofSeconds(60);

  /** The outcome of one send. */
  record Sent(
      Route route,
      Optional<String> sessionKey,
      List<String> platformIds,
      Optional<String> messageId,
      Optional<Long> messageSeq,
      boolean duplicate) {}

  private final ConversationService conversations;
  private final ChannelHub channels;
  private final ConcurrentHashMap<String, CompletableFuture<Sent>> inFlight =
      new ConcurrentHashMap<>();

  Sender(ConversationService conversations, ChannelHub channels) {
    this.conversations = conversations;
    this.channels = channels;
  }

  Sent send(DeliveryRequest request) {
    Channel channel = channels.channelFor(request.route());
    DeliveryClaim claim = conversations.claimDelivery(request);
    return switch (claim) {
      case DeliveryClaim.Delivered d ->
          new Sent(
              request.route(),
              request.sessionKey(),
              d.platformIds(),
              d.messageId(),
              Optional.empty(),
              true);
      case DeliveryClaim.InFlight f -> awaitFirst(request);
      case DeliveryClaim.Claimed c -> deliver(channel, request);
    };
  }

  private Sent deliver(Channel channel, DeliveryRequest request) {
    CompletableFuture<Sent> outcome = new CompletableFuture<>();
    inFlight.put(request.idempotencyKey(), outcome);
    try {
      Delivery delivery =
          channel.send(new OutboundText(request.route(), request.text(), request.idempotencyKey()));
      if (!delivery.delivered()) {
        String error = delivery.error().orElse("not delivered");
        conversations.failDelivery(request, error, delivery.attempts());
        ClawgateException failure =
            ClawgateException.of(
                    ErrorCode.UNAVAILABLE,
                    DetailCode.CHANNEL_DELIVERY_FAILED,
                    channel.type()
                        + "/"
                        + channel.accountId()
                        + " could not deliver: "
                        + error
                        + (delivery.messageIds().isEmpty()
                            ? ""
                            : " (" + delivery.messageIds().size() + " part(s) were sent)"))
                .detail("attempts", delivery.attempts())
                .detail("sentParts", delivery.messageIds().size())
                .retryable(delivery.retryable())
                .build();
        outcome.completeExceptionally(failure);
        throw failure;
      }
      Optional<Appended> mirror =
          conversations.completeDelivery(request, delivery.messageIds(), delivery.attempts());
      Sent sent =
          new Sent(
              request.route(),
              request.sessionKey(),
              delivery.messageIds(),
              mirror.map(a -> a.message().id()),
              mirror.map(a -> a.message().seq()),
              false);
      outcome.complete(sent);
      return sent;
    } catch (RuntimeException e) {
      outcome.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(request.idempotencyKey(), outcome);
    }
  }

  private Sent awaitFirst(DeliveryRequest request) {
    CompletableFuture<Sent> first = inFlight.get(request.idempotencyKey());
    if (first != null) {
      try {
        Sent sent = first.get(DUPLICATE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        return new Sent(
            sent.route(),
            sent.sessionKey(),
            sent.platformIds(),
            sent.messageId(),
            sent.messageSeq(),
            true);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ClawgateException ce) {
          throw ce;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (TimeoutException e) {
        // fall through: still in progress
      }
    }
    throw ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.IDEMPOTENCY_KEY_REUSED,
            "a send with idempotencyKey "
                + request.idempotencyKey()
                + " is still being delivered; ask again for its outcome")
        .retryable(true)
        .retryAfterMs(1_000)
        .build();
  }
}
