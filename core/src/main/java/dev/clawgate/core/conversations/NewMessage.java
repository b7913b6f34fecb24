package dev.clawgate.core.conversations;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A message to append to a session's transcript.
 *
 * @param sessionKey the session
 * @param role {@code user}, {@code assistant}, {@code system} or {@code tool}
 * @param content a string or content blocks
 * @param media attachment facts
 * @param senderIsOwner whether the sender is the owner, when known
 * @param idempotencyKey the caller's key, if any
 * @param source how it got here ({@code send}, {@code chat.send}, {@code chat.inject})
 */
public record NewMessage(
    String sessionKey,
    String role,
    JsonNode content,
    List<Media> media,
    Optional<Boolean> senderIsOwner,
    Optional<String> idempotencyKey,
    String source) {
  public NewMessage {
    Objects.requireNonNull(sessionKey, "null sessionKey");
    Objects.requireNonNull(role, "null role");
    Objects.requireNonNull(content, "null content");
    media = List.copyOf(media);
    Objects.requireNonNull(senderIsOwner, "null senderIsOwner");
    Objects.requireNonNull(idempotencyKey, "null idempotencyKey");
    Objects.requireNonNull(source, "null source");
  }
}
