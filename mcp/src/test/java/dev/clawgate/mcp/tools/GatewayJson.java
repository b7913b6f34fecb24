package dev.clawgate.mcp.tools;

import dev.clawgate.protocol.Json;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gateway payloads as clawgate's gateway builds them ({@code SessionJson}, {@code ApprovalJson}): a
 * session row, a transcript message with {@code __openclaw}, the {@code session.message} payload
 * (row nested and flattened), and approval events.
 */
final class GatewayJson {
  static final String KEY = "agent:main:main";
  static final long NOW = 1_700_000_000_000L;

  private GatewayJson() {}

  record Route(String channel, String to, @Nullable String accountId, @Nullable String threadId) {
    static final Route IMESSAGE = new Route("imessage", "+15551234567", "imessage-default", null);
    static final Route TELEGRAM_TOPIC = new Route("telegram", "-100123", "acct-1", "42");
  }

  static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }

  /** A row whose delivery context and last route are both {@code route}, when there is one. */
  static ObjectNode row(String key, @Nullable Route route) {
    ObjectNode row = object();
    row.put("key", key);
    row.put("sessionId", "sess-" + Integer.toHexString(key.hashCode()));
    row.put("agentId", "main");
    row.put("kind", "direct");
    row.put("chatType", "direct");
    row.put("displayName", "Docker MCP Channel Smoke");
    row.put("derivedTitle", "hello");
    row.put("lastMessagePreview", "seeded transcript");
    row.put("updatedAt", NOW);
    row.put("createdAt", NOW - 1000);
    row.put("messageCount", 2);
    if (route != null) {
      row.put("channel", route.channel());
      ObjectNode delivery = row.putObject("deliveryContext");
      delivery.put("channel", route.channel());
      delivery.put("to", route.to());
      if (route.accountId() != null) {
        delivery.put("accountId", route.accountId());
      }
      if (route.threadId() != null) {
        delivery.put("threadId", route.threadId());
      }
      row.put("lastChannel", route.channel());
      row.put("lastTo", route.to());
      if (route.accountId() != null) {
        row.put("lastAccountId", route.accountId());
      }
      if (route.threadId() != null) {
        row.put("lastThreadId", route.threadId());
      }
    }
    return row;
  }

  /** A transcript message with {@code __openclaw {id, seq}}. */
  static ObjectNode transcript(String id, long seq, String role, JsonNode content) {
    ObjectNode message = object();
    message.put("id", id);
    message.put("role", role);
    message.set("content", content);
    message.put("timestamp", NOW + seq);
    ObjectNode meta = message.putObject("__openclaw");
    meta.put("id", id);
    meta.put("seq", seq);
    return message;
  }

  static ObjectNode transcript(String id, long seq, String role, String text) {
    return transcript(id, seq, role, Json.mapper().getNodeFactory().stringNode(text));
  }

  /** The {@code session.message} payload for {@code message} appended to {@code row}. */
  static ObjectNode sessionMessage(ObjectNode row, ObjectNode message, Optional<Boolean> owner) {
    ObjectNode payload = object();
    payload.set("sessionKey", row.get("key"));
    payload.put("agentId", "main");
    owner.ifPresent(o -> {
      payload.put("senderIsOwner", o);
      message.put("senderIsOwner", o);
    });
    payload.set("message", message);
    payload.set("messageId", message.get("id"));
    payload.set("messageSeq", message.get("__openclaw").get("seq"));
    payload.set("session", row);
    for (Map.Entry<String, JsonNode> field : row.properties()) {
      if (!field.getKey().equals("key")) {
        payload.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    return payload;
  }

  /** A user message with text {@code text} on the imessage route. */
  static ObjectNode userText(String id, String text, Optional<Boolean> owner) {
    return sessionMessage(row(KEY, Route.IMESSAGE), transcript(id, 3, "user", text), owner);
  }

  static ObjectNode approvalRequested(String id, long createdAtMs, long expiresAtMs) {
    ObjectNode payload = object();
    payload.put("id", id);
    ObjectNode request = payload.putObject("request");
    request.put("command", "npm test");
    request.put("sessionKey", KEY);
    payload.put("createdAtMs", createdAtMs);
    payload.put("expiresAtMs", expiresAtMs);
    return payload;
  }

  static ObjectNode approvalResolved(String id, String decision) {
    ObjectNode payload = object();
    payload.put("id", id);
    payload.put("decision", decision);
    payload.put("resolvedBy", "OpenClaw MCP");
    payload.put("ts", NOW);
    payload.putObject("request").put("command", "npm test");
    return payload;
  }
}
