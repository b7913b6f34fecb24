package dev.clawgate.gateway;

import dev.clawgate.gateway.metrics.GatewayMetrics;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.ResponseFrame;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Turns one request of a connected client into one response: find the method, check role then
 * scope, call the handler. Never throws: every failure becomes an error response with the request's
 * id. Unexpected exceptions are reported to the client only as a reference id; the stack goes to
 * the server log under that id.
 *
 * <p>With metrics, every call (over a connection or in process) is counted by method and outcome
 * ({@code ok} when answered with a payload, else {@code error}) and timed.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final MethodRegistry registry;
  private final @Nullable GatewayMetrics metrics;

  Dispatcher(MethodRegistry registry) {
    this(registry, null);
  }

  /** A dispatcher recording every call in {@code metrics} (none when null). */
  Dispatcher(MethodRegistry registry, @Nullable GatewayMetrics metrics) {
    this.registry = Objects.requireNonNull(registry, "null registry");
    this.metrics = metrics;
  }

  ResponseFrame dispatch(RequestFrame request, Caller caller) {
    long started = System.nanoTime();
    boolean ok = false;
    try {
      JsonNode payload =
          authorize(request.method(), caller).handler().handle(call(request, caller));
      ResponseFrame answer =
          ResponseFrame.success(request.id(), Objects.requireNonNull(payload, "null payload"));
      ok = true;
      return answer;
    } catch (ClawgateException e) {
      return ResponseFrame.failure(request.id(), e.toErrorShape());
    } catch (RuntimeException e) {
      String ref = Refs.next();
      LOG.error("method {} failed (ref {}, conn {})", request.method(), ref, caller.connId(), e);
      return ResponseFrame.failure(request.id(), Refs.internalError(ref).toErrorShape());
    } finally {
      record(request.method(), ok, started);
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
    long started = System.nanoTime();
    boolean ok = false;
    try {
      JsonNode payload =
          authorize(call.method(), call.role(), call.scopes()).handler().handle(call);
      JsonNode answer = Objects.requireNonNull(payload, "null payload");
      ok = true;
      return answer;
    } catch (ClawgateException e) {
      throw e;
    } catch (RuntimeException e) {
      String ref = Refs.next();
      LOG.error("method {} failed (ref {}, conn {})", call.method(), ref, call.connId(), e);
      throw Refs.internalError(ref);
    } finally {
      record(call.method(), ok, started);
    }
  }

  /** Counts one call; the metrics bound the method name to the registered ones. */
  private void record(String method, boolean ok, long started) {
    GatewayMetrics current = metrics;
    if (current != null) {
      try {
        current.rpcFinished(method, ok, System.nanoTime() - started);
      } catch (RuntimeException e) {
        LOG.warn("recording metrics failed: {}", e.toString());
      }
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
