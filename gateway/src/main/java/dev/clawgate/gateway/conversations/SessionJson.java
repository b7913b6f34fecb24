package dev.clawgate.gateway.conversations;

import dev.clawgate.core.conversations.Media;
import dev.clawgate.core.conversations.Origin;
import dev.clawgate.core.conversations.Route;
import dev.clawgate.core.conversations.SessionRow;
import dev.clawgate.core.conversations.TranscriptMessage;
import dev.clawgate.protocol.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire shapes of sessions and transcript messages, as the reference's clients read them: the
 * session row ({@code GatewaySessionRow}), the transcript message with {@code __openclaw}, and the
 * {@code session.message} event payload.
 */
public final class SessionJson {
  private SessionJson() {}

  /** Which optional row fields to include. */
  public record Include(boolean derivedTitle, boolean lastMessage) {
    /** Everything. */
    public static final Include ALL = new Include(true, true);
  }

  /** A session row. */
  public static ObjectNode row(SessionRow row, Include include) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("key", row.key());
    node.put("sessionId", row.sessionId());
    node.put("agentId", row.agentId());
    node.put("kind", row.kind());
    node.put("chatType", row.kind());
    row.label().ifPresent(v -> node.put("label", v));
    row.displayName().ifPresent(v -> node.put("displayName", v));
    if (include.derivedTitle()) {
      row.derivedTitle().ifPresent(v -> node.put("derivedTitle", v));
    }
    if (include.lastMessage()) {
      row.lastMessagePreview().ifPresent(v -> node.put("lastMessagePreview", v));
    }
    node.put("updatedAt", row.updatedAtMs());
    node.put("createdAt", row.createdAtMs());
    node.put("messageCount", row.messageCount());
    row.channel().ifPresent(v -> node.put("channel", v));
    row.origin().ifPresent(o -> node.set("origin", origin(o)));
    row.deliveryContext().ifPresent(r -> node.set("deliveryContext", route(r)));
    row.lastRoute()
        .ifPresent(r -> {
          node.put("lastChannel", r.channel());
          node.put("lastTo", r.to());
          r.accountId().ifPresent(v -> node.put("lastAccountId", v));
          r.threadId().ifPresent(v -> node.put("lastThreadId", v));
        });
    return node;
  }

  static ObjectNode origin(Origin origin) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("provider", origin.provider());
    origin.accountId().ifPresent(v -> node.put("accountId", v));
    origin.threadId().ifPresent(v -> node.put("threadId", v));
    origin.label().ifPresent(v -> node.put("label", v));
    origin.from().ifPresent(v -> node.put("from", v));
    origin.to().ifPresent(v -> node.put("to", v));
    return node;
  }

  /** A route as {@code deliveryContext}. */
  public static ObjectNode route(Route route) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("channel", route.channel());
    node.put("to", route.to());
    route.accountId().ifPresent(v -> node.put("accountId", v));
    route.threadId().ifPresent(v -> node.put("threadId", v));
    return node;
  }

  /** A transcript message as stored, with {@code __openclaw {id, seq, idempotencyKey?, media?}}. */
  public static ObjectNode message(TranscriptMessage message) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", message.id());
    node.put("role", message.role());
    node.set("content", message.content().deepCopy());
    node.put("timestamp", message.timestampMs());
    message.senderIsOwner().ifPresent(v -> node.put("senderIsOwner", v));
    ObjectNode meta = node.putObject("__openclaw");
    meta.put("id", message.id());
    meta.put("seq", message.seq());
    message.idempotencyKey().ifPresent(v -> meta.put("idempotencyKey", v));
    if (!message.media().isEmpty()) {
      ArrayNode media = meta.putArray("media");
      for (Media m : message.media()) {
        ObjectNode fact = media.addObject();
        fact.put("url", m.url());
        fact.put("contentType", m.contentType());
        fact.put("kind", m.kind());
        m.fileName().ifPresent(v -> fact.put("fileName", v));
        m.sizeBytes().ifPresent(v -> fact.put("sizeBytes", v));
      }
    }
    return node;
  }

  /**
   * The {@code session.message} payload: the message, its position, and the session row both nested
   * ({@code session}) and flattened, as the reference sends it.
   */
  public static ObjectNode sessionMessage(SessionRow row, TranscriptMessage message) {
    ObjectNode sessionNode = row(row, Include.ALL);
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("sessionKey", row.key());
    node.put("agentId", row.agentId());
    message.senderIsOwner().ifPresent(v -> node.put("senderIsOwner", v));
    node.set("message", message(message));
    node.put("messageId", message.id());
    node.put("messageSeq", message.seq());
    node.set("session", sessionNode);
    // The flat copy: every row field except the key (already sessionKey).
    for (var field : sessionNode.properties()) {
      if (!field.getKey().equals("key")) {
        node.set(field.getKey(), copy(field.getValue()));
      }
    }
    return node;
  }

  private static JsonNode copy(JsonNode value) {
    return value.isContainer() ? value.deepCopy() : value;
  }
}
