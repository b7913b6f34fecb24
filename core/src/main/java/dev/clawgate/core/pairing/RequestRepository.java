package dev.clawgate.core.pairing;

import static dev.clawgate.core.pairing.PairingRepository.encode;
import static dev.clawgate.core.pairing.PairingRepository.encodeRoles;
import static dev.clawgate.core.pairing.PairingRepository.roles;
import static dev.clawgate.core.pairing.PairingRepository.scopes;

import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL for pairing requests and their revisions. No rules live here. */
final class RequestRepository {
  private RequestRepository() {}

  /** What one revision of a request asked for. */
  record Revision(Set<Role> roles, ScopeSet scopes) {}

  static Optional<PairingRequest> byId(Tx tx, String requestId) {
    return tx.first(
        "SELECT * FROM pairing_requests WHERE request_id = ?", RequestRepository::map, requestId);
  }

  static Optional<PairingRequest> pendingFor(Tx tx, String deviceId) {
    return tx.first(
        "SELECT * FROM pairing_requests WHERE device_id = ? AND state = 'pending'",
        RequestRepository::map,
        deviceId);
  }

  static List<PairingRequest> pending(Tx tx) {
    return tx.list(
        "SELECT * FROM pairing_requests WHERE state = 'pending' ORDER BY created_at_ms",
        RequestRepository::map);
  }

  static List<PairingRequest> expiredPending(Tx tx, long nowMs) {
    return tx.list(
        "SELECT * FROM pairing_requests WHERE state = 'pending' AND expires_at_ms <= ?",
        RequestRepository::map,
        nowMs);
  }

  /** Live pending requests (an expired one awaiting the sweep holds no place under the caps). */
  static long pendingCount(Tx tx, long nowMs) {
    return tx.scalar(
        "SELECT COUNT(*) FROM pairing_requests WHERE state = 'pending' AND expires_at_ms > ?",
        nowMs);
  }

  /** Live pending requests from {@code remoteAddress}. */
  static long pendingCountFrom(Tx tx, String remoteAddress, long nowMs) {
    return tx.scalar(
        "SELECT COUNT(*) FROM pairing_requests WHERE state = 'pending' AND remote_address = ?"
            + " AND expires_at_ms > ?",
        remoteAddress,
        nowMs);
  }

  static void insert(Tx tx, PairingRequest r) {
    tx.update(
        "INSERT INTO pairing_requests (request_id, device_id, public_key, kind, display_name,"
            + " platform, device_family, client_id, client_mode, remote_address, reason, roles,"
            + " scopes, revision, is_repair, state, created_at_ms, refreshed_at_ms, expires_at_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        r.requestId(),
        r.deviceId(),
        r.publicKey(),
        r.kind().wireName(),
        r.displayName(),
        r.platform(),
        r.deviceFamily(),
        r.clientId(),
        r.clientMode(),
        r.remoteAddress(),
        r.reason().wireName(),
        encodeRoles(r.roles()),
        encode(r.scopes()),
        r.revision(),
        r.isRepair() ? 1 : 0,
        r.createdAtMs(),
        r.refreshedAtMs(),
        r.expiresAtMs());
    insertRevision(tx, r);
  }

  /** Keeps the same id and revision; restarts the TTL. */
  static void refresh(Tx tx, String requestId, long nowMs, long expiresAtMs) {
    tx.update(
        "UPDATE pairing_requests SET refreshed_at_ms = ?, expires_at_ms = ? WHERE request_id = ?",
        nowMs,
        expiresAtMs,
        requestId);
  }

  /** Writes a new revision in place: same id, merged roles and scopes. */
  static void amend(Tx tx, PairingRequest r) {
    tx.update(
        "UPDATE pairing_requests SET roles = ?, scopes = ?, revision = ?, reason = ?,"
            + " refreshed_at_ms = ?, expires_at_ms = ?, remote_address = ? WHERE request_id = ?",
        encodeRoles(r.roles()),
        encode(r.scopes()),
        r.revision(),
        r.reason().wireName(),
        r.refreshedAtMs(),
        r.expiresAtMs(),
        r.remoteAddress(),
        r.requestId());
    insertRevision(tx, r);
  }

  static void resolve(
      Tx tx,
      String requestId,
      RequestState state,
      long nowMs,
      String resolvedBy,
      Optional<String> approvedVia) {
    tx.update(
        "UPDATE pairing_requests SET state = ?, resolved_at_ms = ?, resolved_by = ?,"
            + " approved_via = ? WHERE request_id = ?",
        state.wireName(),
        nowMs,
        resolvedBy,
        approvedVia,
        requestId);
  }

  static Optional<Revision> revision(Tx tx, String requestId, int revision) {
    return tx.first(
        "SELECT roles, scopes FROM pairing_request_revisions WHERE request_id = ? AND revision = ?",
        rs -> new Revision(roles(rs.getString("roles")), scopes(rs.getString("scopes"))),
        requestId,
        revision);
  }

  /** Deletes resolved requests older than the retention; returns how many. */
  static int pruneResolved(Tx tx, long cutoffMs) {
    return tx.update(
        "DELETE FROM pairing_requests WHERE state <> 'pending' AND resolved_at_ms < ?", cutoffMs);
  }

  private static void insertRevision(Tx tx, PairingRequest r) {
    tx.update(
        "INSERT INTO pairing_request_revisions (request_id, revision, roles, scopes, at_ms)"
            + " VALUES (?, ?, ?, ?, ?)",
        r.requestId(),
        r.revision(),
        encodeRoles(r.roles()),
        encode(r.scopes()),
        r.refreshedAtMs());
  }

  private static PairingRequest map(ResultSet rs) throws SQLException {
    return new PairingRequest(
        rs.getString("request_id"),
        rs.getString("device_id"),
        rs.getString("public_key"),
        DeviceKind.fromWire(rs.getString("kind")),
        Tx.optString(rs, "display_name"),
        Tx.optString(rs, "platform"),
        Tx.optString(rs, "device_family"),
        Tx.optString(rs, "client_id"),
        Tx.optString(rs, "client_mode"),
        rs.getString("remote_address"),
        PairingReason.fromWire(rs.getString("reason")),
        roles(rs.getString("roles")),
        scopes(rs.getString("scopes")),
        rs.getInt("revision"),
        rs.getInt("is_repair") != 0,
        RequestState.fromWire(rs.getString("state")),
        rs.getLong("created_at_ms"),
        rs.getLong("refreshed_at_ms"),
        rs.getLong("expires_at_ms"),
        Tx.optLong(rs, "resolved_at_ms"),
        Tx.optString(rs, "resolved_by"),
        Tx.optString(rs, "approved_via"));
  }
}
