package dev.clawgate.gateway;

import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One authorized call of a method: the request and who made it. The role and scope checks of the
 * method's {@link MethodSpec} have already passed when a handler sees this.
 *
 * @param method the method name
 * @param requestId the caller's request id
 * @param params the request params, when sent
 * @param connId the calling connection's id (as announced in {@code hello-ok.server.connId})
 * @param role the connection's granted role
 * @param scopes the scopes granted to this connection
 * @param deviceId the connection's device, when it connected with one
 * @param remoteAddress the client address (after trusted-proxy resolution)
 * @param local whether the connection is local (loopback, not forwarded, no browser origin)
 * @param clientName the client's display name, else its client id
 */
public record MethodCall(
    String method,
    String requestId,
    Optional<JsonNode> params,
    String connId,
    Role role,
    ScopeSet scopes,
    Optional<String> deviceId,
    String remoteAddress,
    boolean local,
    String clientName) {

  public MethodCall {
    Objects.requireNonNull(method, "null method");
    Objects.requireNonNull(requestId, "null requestId");
    Objects.requireNonNull(params, "null params");
    Objects.requireNonNull(connId, "null connId");
    Objects.requireNonNull(role, "null role");
    Objects.requireNonNull(scopes, "null scopes");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(remoteAddress, "null remoteAddress");
    Objects.requireNonNull(clientName, "null clientName");
  }
}
