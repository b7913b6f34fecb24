package dev.clawgate.core.pairing;

import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pairing tables at one moment, read straight from the database (not through the service), so
 * invariants are checked against what is really stored.
 */
record StoreSnapshot(
    long atMs,
    Set<String> devices,
    Map<RoleKey, ScopeSet> baselines,
    Map<RoleKey, TokenState> tokens,
    Map<String, RequestRow> requests) {

  record RoleKey(String deviceId, Role role) {
    @Override
    public String toString() {
      return deviceId.substring(0, 8) + "/" + role;
    }
  }

  record TokenState(ScopeSet scopes, Optional<String> hashHex, boolean revoked) {
    boolean live() {
      return hashHex.isPresent() && !revoked;
    }
  }

  record RequestRow(
      String requestId,
      String deviceId,
      RequestState state,
      int revision,
      Set<Role> roles,
      ScopeSet scopes,
      long expiresAtMs,
      Optional<Long> resolvedAtMs,
      Optional<String> approvedVia) {
    boolean livePending(long nowMs) {
      return state == RequestState.PENDING && expiresAtMs > nowMs;
    }
  }

  static StoreSnapshot read(StateStore store, long nowMs) {
    return store.read(tx -> read(tx, nowMs));
  }

  private static StoreSnapshot read(Tx tx, long nowMs) {
    Set<String> devices =
        new HashSet<>(tx.list("SELECT device_id FROM devices", rs -> rs.getString(1)));
    Map<RoleKey, ScopeSet> baselines = new HashMap<>();
    tx.list(
            "SELECT device_id, role, baseline_scopes FROM device_roles",
            rs ->
                Map.entry(
                    new RoleKey(rs.getString(1), Role.parse(rs.getString(2), "role")),
                    PairingRepository.scopes(rs.getString(3))))
        .forEach(e -> baselines.put(e.getKey(), e.getValue()));
    Map<RoleKey, TokenState> tokens = new HashMap<>();
    tx.list(
            "SELECT device_id, role, scopes, token_hash, revoked_at_ms FROM device_tokens",
            rs -> {
              byte[] hash = rs.getBytes(4);
              rs.getLong(5);
              boolean revoked = !rs.wasNull();
              return Map.entry(
                  new RoleKey(rs.getString(1), Role.parse(rs.getString(2), "role")),
                  new TokenState(
                      PairingRepository.scopes(rs.getString(3)),
                      Optional.ofNullable(hash).map(h -> HexFormat.of().formatHex(h)),
                      revoked));
            })
        .forEach(e -> tokens.put(e.getKey(), e.getValue()));
    Map<String, RequestRow> requests = new HashMap<>();
    List<RequestRow> rows =
        tx.list(
            "SELECT * FROM pairing_requests",
            rs ->
                new RequestRow(
                    rs.getString("request_id"),
                    rs.getString("device_id"),
                    RequestState.fromWire(rs.getString("state")),
                    rs.getInt("revision"),
                    PairingRepository.roles(rs.getString("roles")),
                    PairingRepository.scopes(rs.getString("scopes")),
                    rs.getLong("expires_at_ms"),
                    Tx.optLong(rs, "resolved_at_ms"),
                    Tx.optString(rs, "approved_via")));
    rows.forEach(r -> requests.put(r.requestId(), r));
    return new StoreSnapshot(nowMs, devices, baselines, tokens, requests);
  }

  /** A request that must exist. */
  RequestRow request(String requestId) {
    return Optional.ofNullable(requests.get(requestId))
        .orElseThrow(() -> new AssertionError("no request " + requestId + " in the store"));
  }

  Optional<ScopeSet> baseline(String deviceId, Role role) {
    return Optional.ofNullable(baselines.get(new RoleKey(deviceId, role)));
  }

  Optional<TokenState> token(String deviceId, Role role) {
    return Optional.ofNullable(tokens.get(new RoleKey(deviceId, role)));
  }

  boolean liveToken(String deviceId, Role role) {
    return token(deviceId, role).map(TokenState::live).orElse(false);
  }

  /** The device's request in state pending, expired or not. */
  Optional<RequestRow> pendingOf(String deviceId) {
    return requests.values().stream()
        .filter(r -> r.deviceId().equals(deviceId) && r.state() == RequestState.PENDING)
        .findFirst();
  }

  List<RequestRow> pendingRequests() {
    return requests.values().stream().filter(r -> r.state() == RequestState.PENDING).toList();
  }
}
