package dev.clawgate.core.audit;

import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.type.TypeReference;

/**
 * The append-only audit log in the state database. Entries are written inside the transaction of
 * the change they describe, so an acknowledged change always has its entry and a rolled-back one
 * never does. Retention is bounded by age and count so failed-auth floods cannot fill the disk.
 */
public final class AuditLog {
  /** Entries older than this are pruned. */
  public static final Duration RETENTION = Duration.ofDays(90);

  /** At most this many entries are kept. */
  public static final int MAX_ENTRIES = 100_000;

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private AuditLog() {}

  /** Appends an entry within {@code tx}. */
  public static void append(Tx tx, AuditEntry entry) {
    tx.update(
        "INSERT INTO audit_log (at_ms, action, actor, outcome, device_id, request_id, role,"
            + " remote_address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry.atMs(),
        entry.action(),
        entry.actor(),
        entry.outcome(),
        entry.deviceId(),
        entry.requestId(),
        entry.role(),
        entry.remoteAddress(),
        entry.detail().isEmpty() ? null : Json.mapper().writeValueAsString(entry.detail()));
  }

  /**
   * A filter for {@link #list}.
   *
   * @param deviceId only entries about this device
   * @param actionPrefix only actions starting with this (e.g. {@code pairing.})
   * @param sinceMs only entries at or after this time
   * @param limit most entries returned, newest first
   */
  public record Filter(
      Optional<String> deviceId, Optional<String> actionPrefix, Optional<Long> sinceMs, int limit) {
    public static Filter latest(int limit) {
      return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), limit);
    }
  }

  /** Entries matching {@code filter}, newest first. */
  public static List<AuditEntry> list(StateStore store, Filter filter) {
    StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    filter
        .deviceId()
        .ifPresent(d -> {
          sql.append(" AND device_id = ?");
          args.add(d);
        });
    filter
        .actionPrefix()
        .ifPresent(p -> {
          sql.append(" AND substr(action, 1, ?) = ?");
          args.add(p.length());
          args.add(p);
        });
    filter
        .sinceMs()
        .ifPresent(s -> {
          sql.append(" AND at_ms >= ?");
          args.add(s);
        });
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(Math.max(1, Math.min(filter.limit(), 10_000)));
    return store.read(tx -> tx.list(sql.toString(), AuditLog::map, args.toArray()));
  }

  /** Removes entries past the retention age or beyond the count bound; returns how many. */
  public static int prune(Tx tx, long nowMs) {
    int aged = tx.update("DELETE FROM audit_log WHERE at_ms < ?", nowMs - RETENTION.toMillis());
    int counted =
        tx.update(
            "DELETE FROM audit_log WHERE id <= (SELECT MAX(id) FROM audit_log) - ?", MAX_ENTRIES);
    return aged + counted;
  }

  private static AuditEntry map(java.sql.ResultSet rs) throws java.sql.SQLException {
    String detail = rs.getString("detail");
    return new AuditEntry(
        rs.getLong("id"),
        rs.getLong("at_ms"),
        rs.getString("action"),
        rs.getString("actor"),
        rs.getString("outcome"),
        Tx.optString(rs, "device_id"),
        Tx.optString(rs, "request_id"),
        Tx.optString(rs, "role"),
        Tx.optString(rs, "remote_address"),
        detail == null ? Map.of() : Json.mapper().readValue(detail, MAP));
  }
}
