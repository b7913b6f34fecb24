package dev.clawgate.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The gateway's state database ({@code <state dir>/state.db}, schema in core's {@code
 * db/migration/V1.sql}) read straight from the file, outside the gateway, in one read transaction:
 * SQLite's own integrity checks, the per-device {@link DeviceRecord}s, and the consistency rules
 * that hold whatever was acknowledged.
 *
 * @param integrity the rows of {@code PRAGMA integrity_check} ({@code [ok]} when sound)
 * @param devices the record of every device any table mentions, by device id
 * @param pendingRequests ids of the requests in state pending
 * @param violations broken consistency rules, one line each (empty when consistent)
 */
record StateDb(
    List<String> integrity,
    Map<String, DeviceRecord> devices,
    Set<String> pendingRequests,
    List<String> violations) {

  /** Reads {@code file} read-only; the gateway may be running (WAL readers never block it). */
  static StateDb read(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection db =
        DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties())) {
      db.setAutoCommit(false); // every query below sees the same snapshot
      try {
        return read(db);
      } finally {
        db.rollback();
      }
    }
  }

  private static StateDb read(Connection db) throws SQLException {
    List<String> integrity = strings(db, "PRAGMA integrity_check");
    List<String> violations = new ArrayList<>();
    strings(db, "PRAGMA foreign_key_check")
        .forEach(table -> violations.add("foreign key violated in " + table));

    Set<String> paired = new HashSet<>(strings(db, "SELECT device_id FROM devices"));
    Map<String, Set<String>> baselines = new HashMap<>();
    Map<String, DeviceRecord.Token> tokens = new HashMap<>();
    Map<String, Map<String, DeviceRecord.Request>> requests = new HashMap<>();
    Map<String, Map<String, Integer>> audit = new HashMap<>();
    Set<String> pending = new HashSet<>();

    query(
        db,
        "SELECT device_id, role, baseline_scopes FROM device_roles",
        rs -> {
          if (!rs.getString(2).equals("operator")) {
            violations.add("unexpected role " + rs.getString(2) + " of " + rs.getString(1));
          }
          baselines.put(rs.getString(1), scopes(rs.getString(3)));
        });
    query(
        db,
        "SELECT device_id, role, scopes, lower(hex(token_hash)), token_hash IS NULL,"
            + " revoked_at_ms IS NOT NULL FROM device_tokens",
        rs ->
            tokens.put(
                rs.getString(1),
                new DeviceRecord.Token(
                    scopes(rs.getString(3)),
                    rs.getBoolean(5) ? Optional.empty() : Optional.of(rs.getString(4)),
                    rs.getBoolean(6))));
    query(
        db,
        "SELECT request_id, device_id, state, roles, scopes FROM pairing_requests",
        rs -> {
          if (!rs.getString(4).equals("operator")) {
            violations.add("request " + rs.getString(1) + " has roles " + rs.getString(4));
          }
          requests
              .computeIfAbsent(rs.getString(2), d -> new HashMap<>())
              .put(
                  rs.getString(1),
                  new DeviceRecord.Request(rs.getString(3), scopes(rs.getString(5))));
          if (rs.getString(3).equals("pending")) {
            pending.add(rs.getString(1));
          }
        });
    query(
        db,
        "SELECT device_id, action, COUNT(*) FROM audit_log WHERE device_id IS NOT NULL"
            + " GROUP BY device_id, action",
        rs -> {
          if (DeviceRecord.COUNTED_ACTIONS.contains(rs.getString(2))) {
            audit
                .computeIfAbsent(rs.getString(1), d -> new HashMap<>())
                .put(rs.getString(2), rs.getInt(3));
          }
        });

    Set<String> ids = new HashSet<>(paired);
    ids.addAll(baselines.keySet());
    ids.addAll(tokens.keySet());
    ids.addAll(requests.keySet());
    ids.addAll(audit.keySet());
    Map<String, DeviceRecord> devices = new HashMap<>();
    for (String id : ids) {
      devices.put(
          id,
          new DeviceRecord(
              paired.contains(id),
              Optional.ofNullable(baselines.get(id)),
              Optional.ofNullable(tokens.get(id)),
              requests.getOrDefault(id, Map.of()),
              audit.getOrDefault(id, Map.of())));
    }
    devices.forEach((id, record) -> violations.addAll(tokenRules(id, record)));
    violations.addAll(crossTableRules(db));
    return new StateDb(integrity, devices, pending, violations);
  }

  /** spec/pairing.md: a token's scopes lie within its role's baseline; a role always has one. */
  private static List<String> tokenRules(String id, DeviceRecord record) {
    List<String> broken = new ArrayList<>();
    if (record.baseline().isPresent()) {
      Set<String> baseline = record.baseline().get();
      if (record.token().isEmpty()) {
        broken.add(id + ": approved role without a token row");
      } else if (record.token().get().revoked()) {
        broken.add(id + ": approved role with a revoked token");
      } else if (!baseline.containsAll(record.token().get().scopes())) {
        broken.add(id + ": token scopes " + record.token().get() + " exceed baseline " + baseline);
      }
    } else if (record.token().isPresent() && !record.token().get().revoked()) {
      broken.add(id + ": live token without an approved role");
    }
    return broken;
  }

  /**
   * Rules across tables that hold because each change and its audit entry are one transaction:
   * every request has its request entry, an approval or rejection has exactly one entry of its own,
   * a paired device came from an approval, and a device has at most one pending request.
   */
  private static List<String> crossTableRules(Connection db) throws SQLException {
    List<String> broken = new ArrayList<>();
    rule(
        db,
        broken,
        "more than one pending request for device",
        "SELECT device_id FROM pairing_requests WHERE state = 'pending' GROUP BY device_id"
            + " HAVING COUNT(*) > 1");
    rule(
        db,
        broken,
        "request without exactly one pairing.request audit entry",
        "SELECT r.request_id FROM pairing_requests r WHERE (SELECT COUNT(*) FROM audit_log a"
            + " WHERE a.action = 'pairing.request'"
            + " AND json_extract(a.detail, '$.requestId') = r.request_id) <> 1");
    rule(
        db,
        broken,
        "approval state and pairing.approve audit entries disagree for request",
        "SELECT r.request_id FROM pairing_requests r WHERE (SELECT COUNT(*) FROM audit_log a"
            + " WHERE a.action = 'pairing.approve' AND a.request_id = r.request_id)"
            + " <> (CASE WHEN r.state = 'approved' THEN 1 ELSE 0 END)");
    rule(
        db,
        broken,
        "pairing.approve audit entry for a request that is not approved",
        "SELECT a.request_id FROM audit_log a WHERE a.action = 'pairing.approve' AND NOT EXISTS"
            + " (SELECT 1 FROM pairing_requests r WHERE r.request_id = a.request_id"
            + " AND r.state = 'approved')");
    rule(
        db,
        broken,
        "rejection state and pairing.reject audit entries disagree for request",
        "SELECT r.request_id FROM pairing_requests r WHERE (SELECT COUNT(*) FROM audit_log a"
            + " WHERE a.action = 'pairing.reject'"
            + " AND json_extract(a.detail, '$.requestId') = r.request_id)"
            + " <> (CASE WHEN r.state = 'rejected' THEN 1 ELSE 0 END)");
    rule(
        db,
        broken,
        "approved request whose device row is missing",
        "SELECT r.request_id FROM pairing_requests r WHERE r.state = 'approved' AND NOT EXISTS"
            + " (SELECT 1 FROM devices d WHERE d.device_id = r.device_id)");
    rule(
        db,
        broken,
        "device paired without any approved request",
        "SELECT d.device_id FROM devices d WHERE NOT EXISTS (SELECT 1 FROM pairing_requests r"
            + " WHERE r.device_id = d.device_id AND r.state = 'approved')");
    rule(
        db,
        broken,
        "role or token of a device that is not paired",
        "SELECT device_id FROM device_roles WHERE device_id NOT IN (SELECT device_id FROM devices)"
            + " UNION SELECT device_id FROM device_tokens"
            + " WHERE device_id NOT IN (SELECT device_id FROM devices)");
    return broken;
  }

  private static void rule(Connection db, List<String> broken, String what, String sql)
      throws SQLException {
    strings(db, sql).forEach(id -> broken.add(what + " " + id));
  }

  private static Set<String> scopes(String encoded) {
    return encoded.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(encoded.split(" ")));
  }

  private static List<String> strings(Connection db, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    query(db, sql, rs -> values.add(String.valueOf(rs.getString(1))));
    return values;
  }

  @FunctionalInterface
  private interface RowHandler {
    void handle(ResultSet rs) throws SQLException;
  }

  private static void query(Connection db, String sql, RowHandler handler) throws SQLException {
    try (PreparedStatement statement = db.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        handler.handle(rs);
      }
    }
  }
}
