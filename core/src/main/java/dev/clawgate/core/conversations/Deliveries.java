package dev.clawgate.core.conversations;

import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The {@code deliveries} table: one row per idempotency key, moving {@code sending → delivered} or
 * {@code sending → failed}; {@code failed} and {@code interrupted} (left in flight by a process
 * that stopped) may be claimed again.
 */
final class Deliveries {
  private Deliveries() {}

  record Row(
      String fingerprint,
      String state,
      Optional<String> resultJson,
      Optional<String> messageId,
      long updatedAtMs) {}

  static DeliveryClaim claim(StateStore store, Clock clock, DeliveryRequest request) {
    String fingerprint = request.fingerprint();
    return store.write(tx -> {
      long now = clock.millis();
      Optional<Row> row =
          tx.first(
              "SELECT fingerprint, state, result_json, message_id, updated_at_ms FROM deliveries"
                  + " WHERE idempotency_key = ?",
              rs ->
                  new Row(
                      rs.getString(1),
                      rs.getString(2),
                      Tx.optString(rs, "result_json"),
                      Tx.optString(rs, "message_id"),
                      rs.getLong(5)),
              request.idempotencyKey());
      if (row.isEmpty()) {
        tx.update(
            "INSERT INTO deliveries (idempotency_key, fingerprint, session_key, channel,"
                + " account_id, target, thread_id, state, created_at_ms, updated_at_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?)",
            request.idempotencyKey(),
            fingerprint,
            request.sessionKey(),
            request.route().channel(),
            request.route().accountId(),
            request.route().to(),
            request.route().threadId(),
            now,
            now);
        return new DeliveryClaim.Claimed();
      }
      Row existing = row.get();
      if (!existing.fingerprint().equals(fingerprint)) {
        throw ClawgateException.of(
                ErrorCode.CONFLICT,
                DetailCode.IDEMPOTENCY_KEY_REUSED,
                "idempotencyKey "
                    + request.idempotencyKey()
                    + " was already used for a different message or route; use a new key")
            .build();
      }
      return switch (existing.state()) {
        case "delivered" ->
            new DeliveryClaim.Delivered(
                existing.resultJson().map(Deliveries::ids).orElse(List.of()),
                existing.messageId(),
                existing.updatedAtMs());
        case "sending" -> new DeliveryClaim.InFlight();
        default -> {
          tx.update(
              "UPDATE deliveries SET state = 'sending', error = NULL, updated_at_ms = ?"
                  + " WHERE idempotency_key = ?",
              now,
              request.idempotencyKey());
          yield new DeliveryClaim.Claimed();
        }
      };
    });
  }

  static void complete(
      Tx tx,
      DeliveryRequest request,
      List<String> platformIds,
      int attempts,
      Optional<String> messageId,
      long now) {
    ArrayNode ids = Json.mapper().createArrayNode();
    platformIds.forEach(ids::add);
    tx.update(
        "UPDATE deliveries SET state = 'delivered', result_json = ?, message_id = ?,"
            + " attempts = attempts + ?, updated_at_ms = ? WHERE idempotency_key = ?",
        ids.toString(),
        messageId,
        attempts,
        now,
        request.idempotencyKey());
  }

  static void fail(Tx tx, DeliveryRequest request, String error, int attempts, long now) {
    tx.update(
        "UPDATE deliveries SET state = 'failed', error = ?, attempts = attempts + ?,"
            + " updated_at_ms = ? WHERE idempotency_key = ?",
        error,
        attempts,
        now,
        request.idempotencyKey());
  }

  private static List<String> ids(String json) {
    List<String> ids = new ArrayList<>();
    for (JsonNode id : Json.mapper().readTree(json)) {
      ids.add(id.isString() ? id.stringValue() : id.toString());
    }
    return ids;
  }
}
