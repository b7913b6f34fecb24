package dev.clawgate.core.pairing;

import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** SQL for devices, role grants, tokens and pairing requests. No rules live here. */
final class PairingRepository {
  private PairingRepository() {}

  // ---- encoding -------------------------------------------------------------------------------

  static String encode(ScopeSet scopes) {
    return scopes.spaceSeparated();
  }

  static ScopeSet scopes(String encoded) {
    return ScopeSet.ofSpaceSeparated(encoded);
  }

  static String encodeRoles(Set<Role> roles) {
    return roles.stream().sorted().map(Role::wireName).collect(Collectors.joining(" "));
  }

  static Set<Role> roles(String encoded) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Arrays.stream(encoded.split(" "))
        .filter(s -> !s.isBlank())
        .forEach(s -> roles.add(Role.parse(s, "store.roles")));
    return roles;
  }

  // ---- devices --------------------------------------------------------------------------------

  static Optional<PairedDevice> device(Tx tx, String deviceId) {
    return tx.first("SELECT * FROM devices WHERE device_id = ?", rs -> mapDevice(tx, rs), deviceId);
  }

  static List<PairedDevice> devices(Tx tx) {
    return tx.list("SELECT * FROM devices ORDER BY approved_at_ms DESC", rs -> mapDevice(tx, rs));
  }

  private static PairedDevice mapDevice(Tx tx, ResultSet rs) throws SQLException {
    String deviceId = rs.getString("device_id");
    Map<Role, PairedDevice.RoleGrant> grants = new EnumMap<>(Role.class);
    tx.list(
            "SELECT role, baseline_scopes, approved_at_ms FROM device_roles WHERE device_id = ?",
            r ->
                Map.entry(
                    Role.parse(r.getString("role"), "store.role"),
                    new PairedDevice.RoleGrant(
                        scopes(r.getString("baseline_scopes")), r.getLong("approved_at_ms"))),
            deviceId)
        .forEach(e -> grants.put(e.getKey(), e.getValue()));
    List<PairedDevice.TokenInfo> tokens =
        tx.list(
            "SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role",
            r -> mapToken(r).info(),
            deviceId);
    return new PairedDevice(
        deviceId,
        rs.getString("public_key"),
        DeviceKind.fromWire(rs.getString("kind")),
        Tx.optString(rs, "display_name"),
        Tx.optString(rs, "label"),
        Tx.optString(rs, "platform"),
        Tx.optString(rs, "device_family"),
        Tx.optString(rs, "client_id"),
        Tx.optString(rs, "client_mode"),
        Tx.optString(rs, "remote_address"),
        rs.getString("approved_via"),
        rs.getLong("created_at_ms"),
        rs.getLong("approved_at_ms"),
        Tx.optLong(rs, "last_seen_at_ms"),
        Tx.optString(rs, "last_seen_reason"),
        grants,
        tokens);
  }

  /** Creates the device from a request, or refreshes its pinned metadata on a later approval. */
  static void upsertDevice(Tx tx, PairingRequest request, String approvedVia, long nowMs) {
    int updated =
        tx.update(
            "UPDATE devices SET public_key = ?, display_name = ?, platform = ?, device_family = ?,"
                + " client_id = ?, client_mode = ?, remote_address = ?, approved_at_ms = ?,"
                + " approved_via = CASE WHEN approved_via = 'owner' THEN 'owner' ELSE ? END"
                + " WHERE device_id = ?",
            request.publicKey(),
            request.displayName(),
            request.platform(),
            request.deviceFamily(),
            request.clientId(),
            request.clientMode(),
            request.remoteAddress(),
            nowMs,
            approvedVia,
            request.deviceId());
    if (updated == 0) {
      tx.update(
          "INSERT INTO devices (device_id, public_key, kind, display_name, platform, device_family,"
              + " client_id, client_mode, remote_address, approved_via, created_at_ms,"
              + " approved_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          request.deviceId(),
          request.publicKey(),
          request.kind().wireName(),
          request.displayName(),
          request.platform(),
          request.deviceFamily(),
          request.clientId(),
          request.clientMode(),
          request.remoteAddress(),
          approvedVia,
          nowMs,
          nowMs);
    }
  }

  static void setBaseline(Tx tx, String deviceId, Role role, ScopeSet baseline, long nowMs) {
    tx.update(
        "INSERT INTO device_roles (device_id, role, baseline_scopes, approved_at_ms)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (device_id, role) DO UPDATE SET"
            + " baseline_scopes = excluded.baseline_scopes, approved_at_ms = excluded.approved_at_ms",
        deviceId,
        role.wireName(),
        encode(baseline),
        nowMs);
  }

  static void deleteRole(Tx tx, String deviceId, Role role) {
    tx.update(
        "DELETE FROM device_roles WHERE device_id = ? AND role = ?", deviceId, role.wireName());
  }

  static void rename(Tx tx, String deviceId, String label) {
    tx.update("UPDATE devices SET label = ? WHERE device_id = ?", label, deviceId);
  }

  /**
   * Deletes a device with its roles and tokens (cascade); an OAuth client's registration goes with
   * it, so the client's next token request is {@code invalid_client} and it registers again.
   */
  static void deleteDevice(Tx tx, String deviceId) {
    tx.update("DELETE FROM devices WHERE device_id = ?", deviceId);
    tx.update("DELETE FROM oauth_clients WHERE device_id = ?", deviceId);
  }

  static void touchLastSeen(Tx tx, String deviceId, long nowMs, String reason) {
    tx.update(
        "UPDATE devices SET last_seen_at_ms = ?, last_seen_reason = ? WHERE device_id = ?",
        nowMs,
        reason,
        deviceId);
  }

  // ---- tokens ---------------------------------------------------------------------------------

  /** A token row including its hash (never leaves this package). */
  record TokenRow(PairedDevice.TokenInfo info, Optional<byte[]> hash) {
    boolean live() {
      return hash.isPresent() && info.revokedAtMs().isEmpty();
    }
  }

  static Optional<TokenRow> token(Tx tx, String deviceId, Role role) {
    return tx.first(
        "SELECT * FROM device_tokens WHERE device_id = ? AND role = ?",
        PairingRepository::mapToken,
        deviceId,
        role.wireName());
  }

  private static TokenRow mapToken(ResultSet rs) throws SQLException {
    return new TokenRow(
        new PairedDevice.TokenInfo(
            Role.parse(rs.getString("role"), "store.role"),
            scopes(rs.getString("scopes")),
            rs.getLong("created_at_ms"),
            Tx.optLong(rs, "issued_at_ms"),
            Tx.optLong(rs, "rotated_at_ms"),
            Tx.optLong(rs, "revoked_at_ms"),
            Tx.optLong(rs, "last_used_at_ms")),
        Optional.ofNullable(rs.getBytes("token_hash")));
  }

  /** Sets a token's scopes, creating an un-issued token row when there is none. */
  static void setTokenScopes(Tx tx, String deviceId, Role role, ScopeSet scopes, long nowMs) {
    tx.update(
        "INSERT INTO device_tokens (device_id, role, scopes, created_at_ms) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (device_id, role) DO UPDATE SET scopes = excluded.scopes",
        deviceId,
        role.wireName(),
        encode(scopes),
        nowMs);
  }

  /** Resets a revoked token to un-issued, so the device receives a new value at next connect. */
  static void unrevoke(Tx tx, String deviceId, Role role) {
    tx.update(
        "UPDATE device_tokens SET token_hash = NULL, issued_at_ms = NULL, revoked_at_ms = NULL"
            + " WHERE device_id = ? AND role = ? AND revoked_at_ms IS NOT NULL",
        deviceId,
        role.wireName());
  }

  static void issue(Tx tx, String deviceId, Role role, byte[] hash, long nowMs) {
    tx.update(
        "UPDATE device_tokens SET token_hash = ?, issued_at_ms = ?, revoked_at_ms = NULL"
            + " WHERE device_id = ? AND role = ?",
        hash,
        nowMs,
        deviceId,
        role.wireName());
  }

  static void markRotated(Tx tx, String deviceId, Role role, long nowMs) {
    tx.update(
        "UPDATE device_tokens SET rotated_at_ms = ? WHERE device_id = ? AND role = ?",
        nowMs,
        deviceId,
        role.wireName());
  }

  /**
   * Marks a token revoked and clears its scopes: the role's baseline is withdrawn with it, so a
   * later re-approval must start the token from what is approved then, not from what it held.
   */
  static void revoke(Tx tx, String deviceId, Role role, long nowMs) {
    tx.update(
        "UPDATE device_tokens SET revoked_at_ms = ?, scopes = '' WHERE device_id = ? AND role = ?",
        nowMs,
        deviceId,
        role.wireName());
  }

  static void touchToken(Tx tx, String deviceId, Role role, long nowMs) {
    tx.update(
        "UPDATE device_tokens SET last_used_at_ms = ? WHERE device_id = ? AND role = ?",
        nowMs,
        deviceId,
        role.wireName());
  }
}
