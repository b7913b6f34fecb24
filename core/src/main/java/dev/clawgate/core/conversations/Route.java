package dev.clawgate.core.conversations;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a conversation is delivered: a channel, the peer or chat on it, and optionally the channel
 * account and a thread (a Telegram forum topic). The wire form is {@code deliveryContext}.
 *
 * @param channel the channel type, lower case ({@code telegram}, {@code webhook})
 * @param to the chat or peer id on that channel
 * @param accountId the channel account, when the channel has several
 * @param threadId the thread or topic id, as the channel spells it
 */
public record Route(
    String channel, String to, Optional<String> accountId, Optional<String> threadId) {
  public Route {
    Objects.requireNonNull(channel, "null channel");
    Objects.requireNonNull(to, "null to");
    Objects.requireNonNull(accountId, "null accountId");
    Objects.requireNonNull(threadId, "null threadId");
    if (channel.isBlank() || to.isBlank()) {
      throw new IllegalArgumentException("a route needs a channel and a peer");
    }
  }
}
