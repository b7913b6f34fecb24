package dev.clawgate.gateway;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.ResponseFrame;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Turns one request of a connected client into one response: find the method, check role then
 * scope, call the handler. Never throws: every failure becomes an error response with the request's
 * id. Unexpected exceptions are reported to the client only as a reference id; the stack goes to
 * the server log under that id.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final MethodRegistry registry;

  Dispatcher(MethodRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "null registry");
  }

  ResponseFrame dispatch(RequestFrame request, Caller caller) {
    try {
      JsonNode payload =
          authorize(request.method(), caller).handler().handle(call(request, caller));
      return ResponseFrame.success(request.id(), Objects.requireNonNull(payload, "null payload"));
    } catch (ClawgateException e) {
      return ResponseFrame.failure(request.id(), e.toErrorShape());
    } catch (RuntimeException e) {
      String ref = Refs.next();
      LOG.error("method {} failed (ref {}, conn {})", request.method(), ref, caller.connId(), e);
      return ResponseFrame.failure(request.id(), Refs.internalError(ref).toErrorShape());
    }
  }

  /**
   * Runs one call of an in-process caller (no connection): the same role and scope checks and the
   * same handler as {@link #dispatch}, on the calling thread.
   *
   * @return the handler's answer
   * @throws ClawgateException the refusal or the handler's error, as a connection would receive it;
   *     any other failure becomes the same {@code INTERNAL} error with a reference id (the stack is
   *     logged under it)
   */
  JsonNode invoke(MethodCall call) {
    try {
      JsonNode payload =
          authorize(call.method(), call.role(), call.scopes()).handler().handle(call);
      return Objects.requireNonNull(payload, "null payload");
    } catch (ClawgateException e) {
      throw e;
    } catch (RuntimeException e) {
      String ref = Refs.next();
      LOG.error("method {} failed (ref {}, conn {})", call.method(), ref, call.connId(), e);
      throw Refs.internalError(ref);
    }
  }

  private MethodSpec authorize(String method, Caller caller) {
    return authorize(method, caller.role(), caller.scopes());
  }

  private MethodSpec authorize(String method, Role role, ScopeSet scopes) {
    if (method.equals("connect")) {
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.ALREADY_CONNECTED,
              "already connected: connect is only valid as the first frame")
          .build();
    }
    MethodSpec spec =
        registry
            .find(method)
            .orElseThrow(() ->
                ClawgateException.of(
                        ErrorCode.INVALID_REQUEST,
                        DetailCode.UNKNOWN_METHOD,
                        "unknown method: " + method)
                    .detail("method", method)
                    .build());
    if (!spec.roles().contains(role)) {
      throw ClawgateException.of(
              ErrorCode.FORBIDDEN,
              DetailCode.ROLE_NOT_ALLOWED,
              method + " is not available to role " + role)
          .detail("role", role.wireName())
          .detail("allowedRoles", spec.roles().stream().map(Role::wireName).sorted().toList())
          .build();
    }
    // Node connections carry no scopes; for them the role is the whole check.
    if (role == Role.OPERATOR && !scopes.allows(spec.effectiveScope())) {
      Scope required = spec.effectiveScope();
      String held = scopes.isEmpty() ? "no scopes" : scopes.toString();
      throw ClawgateException.of(
              ErrorCode.FORBIDDEN,
              DetailCode.MISSING_SCOPE,
              method + " requires " + required + "; this connection holds " + held)
          .detail("required", required.name())
          .detail("held", scopes.names())
          .build();
    }
    return spec;
  }

  private static MethodCall call(RequestFrame request, Caller caller) {
    return new MethodCall(
        request.method(),
        request.id(),
        request.params(),
        caller.connId(),
        caller.role(),
        caller.scopes(),
        caller.deviceId(),
        caller.peer().remoteAddress(),
        caller.peer().local(),
        caller.clientName());
  }
}
