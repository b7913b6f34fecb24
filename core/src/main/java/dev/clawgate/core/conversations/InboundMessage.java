package dev.clawgate.core.conversations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message a channel received from a peer, as it enters the session router.
 *
 * @param channel the channel type ({@code telegram}, {@code webhook})
 * @param accountId the channel account it arrived on
 * @param externalId the channel's unique id of this message within the account (Telegram: {@code
 *     <chatId>:<message_id>}; webhook: the sender's event id); a second message with the same id is
 *     a duplicate and is ignored
 * @param chatType direct or group
 * @param chatId the conversation on the channel: the peer for a direct chat, the group otherwise;
 *     replies go here
 * @param threadId the thread or topic inside the chat, if any
 * @param senderId who sent it
 * @param senderName the sender's display name, if the channel gives one
 * @param chatTitle the group's title, if any
 * @param text the text (may be empty when the message is only media)
 * @param media attachment facts
 * @param senderIsOwner whether the sender is one of the account's configured owners
 * @param timestampMs when the channel says it was sent
 * @param sessionKey the session it belongs to, from {@link SessionKeys#forInbound}
 */
public record InboundMessage(
    String channel,
    String accountId,
    String externalId,
    ChatType chatType,
    String chatId,
    Optional<String> threadId,
    String senderId,
    Optional<String> senderName,
    Optional<String> chatTitle,
    String text,
    List<Media> media,
    boolean senderIsOwner,
    long timestampMs,
    String sessionKey) {
  public InboundMessage {
    Objects.requireNonNull(channel, "null channel");
    Objects.requireNonNull(accountId, "null accountId");
    Objects.requireNonNull(externalId, "null externalId");
    Objects.requireNonNull(chatType, "null chatType");
    Objects.requireNonNull(chatId, "null chatId");
    Objects.requireNonNull(threadId, "null threadId");
    Objects.requireNonNull(senderId, "null senderId");
    Objects.requireNonNull(senderName, "null senderName");
    Objects.requireNonNull(chatTitle, "null chatTitle");
    Objects.requireNonNull(text, "null text");
    media = List.copyOf(media);
    Objects.requireNonNull(sessionKey, "null sessionKey");
  }

  /** The route replies to this message take. */
  public Route replyRoute() {
    return new Route(channel, chatId, Optional.of(accountId), threadId);
  }
}
