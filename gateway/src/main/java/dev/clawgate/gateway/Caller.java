package dev.clawgate.gateway;

import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import java.util.Optional;

/**
 * What a connection was granted at connect, fixed for its lifetime.
 *
 * @param connId the connection id
 * @param role the granted role
 * @param scopes the connection's scopes (least privilege: what it requested and was granted)
 * @param deviceId its device, if any
 * @param peer who it is
 * @param clientName the client's display name, else its client id (for {@code resolvedBy})
 */
record Caller(
    String connId,
    Role role,
    ScopeSet scopes,
    Optional<String> deviceId,
    PeerInfo peer,
    String clientName) {
  Caller {
    Objects.requireNonNull(connId, "null connId");
    Objects.requireNonNull(role, "null role");
    Objects.requireNonNull(scopes, "null scopes");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(peer, "null peer");
    Objects.requireNonNull(clientName, "null clientName");
  }
}
