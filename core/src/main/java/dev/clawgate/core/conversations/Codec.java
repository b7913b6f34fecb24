package dev.clawgate.core.conversations;

import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Rows and JSON columns of the conversation tables. */
final class Codec {
  static final String SESSION_COLUMNS =
      "session_key, session_id, agent_id, kind, channel, label, display_name, derived_title,"
          + " last_preview, origin_json, delivery_json, last_channel, last_to, last_account_id,"
          + " last_thread_id, message_count, created_at_ms, updated_at_ms";

  static final String MESSAGE_COLUMNS =
      "session_key, session_id, seq, message_id, role, content_json, timestamp_ms, media_json,"
          + " sender_is_owner, idempotency_key, source";

  private Codec() {}

  static SessionRow session(ResultSet rs) throws SQLException {
    Optional<String> lastChannel = Tx.optString(rs, "last_channel");
    Optional<String> lastTo = Tx.optString(rs, "last_to");
    Optional<Route> last =
        lastChannel.isPresent() && lastTo.isPresent()
            ? Optional.of(
                new Route(
                    lastChannel.get(),
                    lastTo.get(),
                    Tx.optString(rs, "last_account_id"),
                    Tx.optString(rs, "last_thread_id")))
            : Optional.empty();
    return new SessionRow(
        rs.getString("session_key"),
        rs.getString("session_id"),
        rs.getString("agent_id"),
        rs.getString("kind"),
        Tx.optString(rs, "channel"),
        Tx.optString(rs, "label"),
        Tx.optString(rs, "display_name"),
        Tx.optString(rs, "derived_title"),
        Tx.optString(rs, "last_preview"),
        Tx.optString(rs, "origin_json").map(Codec::origin),
        Tx.optString(rs, "delivery_json").map(Codec::route),
        last,
        rs.getLong("message_count"),
        rs.getLong("created_at_ms"),
        rs.getLong("updated_at_ms"));
  }

  static TranscriptMessage message(ResultSet rs) throws SQLException {
    long owner = rs.getLong("sender_is_owner");
    Optional<Boolean> senderIsOwner = rs.wasNull() ? Optional.empty() : Optional.of(owner != 0);
    return new TranscriptMessage(
        rs.getString("session_key"),
        rs.getString("session_id"),
        rs.getLong("seq"),
        rs.getString("message_id"),
        rs.getString("role"),
        Json.mapper().readTree(rs.getString("content_json")),
        rs.getLong("timestamp_ms"),
        Tx.optString(rs, "media_json").map(Codec::media).orElse(List.of()),
        senderIsOwner,
        Tx.optString(rs, "idempotency_key"),
        rs.getString("source"));
  }

  static String originJson(Origin origin) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("provider", origin.provider());
    origin.accountId().ifPresent(v -> node.put("accountId", v));
    origin.threadId().ifPresent(v -> node.put("threadId", v));
    origin.label().ifPresent(v -> node.put("label", v));
    origin.from().ifPresent(v -> node.put("from", v));
    origin.to().ifPresent(v -> node.put("to", v));
    return node.toString();
  }

  static Origin origin(String json) {
    JsonNode node = Json.mapper().readTree(json);
    return new Origin(
        text(node, "provider").orElse(""),
        text(node, "accountId"),
        text(node, "threadId"),
        text(node, "label"),
        text(node, "from"),
        text(node, "to"));
  }

  static String routeJson(Route route) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("channel", route.channel());
    node.put("to", route.to());
    route.accountId().ifPresent(v -> node.put("accountId", v));
    route.threadId().ifPresent(v -> node.put("threadId", v));
    return node.toString();
  }

  static Route route(String json) {
    JsonNode node = Json.mapper().readTree(json);
    return new Route(
        text(node, "channel").orElse("unknown"),
        text(node, "to").orElse("unknown"),
        text(node, "accountId"),
        text(node, "threadId"));
  }

  static String mediaJson(List<Media> media) {
    ArrayNode array = Json.mapper().createArrayNode();
    for (Media m : media) {
      ObjectNode node = array.addObject();
      node.put("url", m.url());
      node.put("contentType", m.contentType());
      node.put("kind", m.kind());
      m.fileName().ifPresent(v -> node.put("fileName", v));
      m.sizeBytes().ifPresent(v -> node.put("sizeBytes", v));
    }
    return array.toString();
  }

  static List<Media> media(String json) {
    List<Media> media = new ArrayList<>();
    for (JsonNode node : Json.mapper().readTree(json)) {
      JsonNode size = node.get("sizeBytes");
      media.add(
          new Media(
              text(node, "url").orElse(""),
              text(node, "contentType").orElse("application/octet-stream"),
              text(node, "kind").orElse("file"),
              text(node, "fileName"),
              size != null && size.isNumber() ? Optional.of(size.longValue()) : Optional.empty()));
    }
    return media;
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isString() ? Optional.of(value.stringValue()) : Optional.empty();
  }
}
