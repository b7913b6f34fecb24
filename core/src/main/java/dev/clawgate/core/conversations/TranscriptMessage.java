package dev.clawgate.core.conversations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One transcript entry.
 *
 * @param sessionKey the session
 * @param sessionId the transcript it belongs to
 * @param seq its 1-based position in the transcript
 * @param id its message id
 * @param role {@code user}, {@code assistant}, {@code system} or {@code tool}
 * @param content a string or an array of content blocks
 * @param timestampMs when it was appended (or sent, for inbound messages)
 * @param media attachment facts
 * @param senderIsOwner whether the sender is the owner, when known
 * @param idempotencyKey the key it was sent with, if any
 * @param source how it got here: {@code inbound}, {@code send}, {@code chat.send}, {@code
 *     chat.inject}
 */
public record TranscriptMessage(
    String sessionKey,
    String sessionId,
    long seq,
    String id,
    String role,
    JsonNode content,
    long timestampMs,
    List<Media> media,
    Optional<Boolean> senderIsOwner,
    Optional<String> idempotencyKey,
    String source) {
  public TranscriptMessage {
    Objects.requireNonNull(sessionKey, "null sessionKey");
    Objects.requireNonNull(sessionId, "null sessionId");
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(role, "null role");
    Objects.requireNonNull(content, "null content");
    media = List.copyOf(media);
    Objects.requireNonNull(senderIsOwner, "null senderIsOwner");
    Objects.requireNonNull(idempotencyKey, "null idempotencyKey");
    Objects.requireNonNull(source, "null source");
  }

  /** The message's text: the string content, or its text blocks joined by newlines. */
  public String text() {
    return Texts.of(content);
  }
}
