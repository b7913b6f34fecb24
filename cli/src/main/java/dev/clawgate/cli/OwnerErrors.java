package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Turns a failure of an owner command into a message that names its cause and the next step: the
 * address and where it came from for an unreachable gateway, the source of a refused secret. The
 * code and detail code stay, so the exit code does not change ({@link Main#exitCode}).
 */
final class OwnerErrors {
  /** {@code details.reason} values of the client's transport errors that mean "not reachable". */
  static final Set<String> UNREACHABLE_REASONS =
      Set.of("unreachable", "handshake-timeout", "connection-closed");

  private static final Set<DetailCode> SECRET_REFUSED =
      Set.of(
          DetailCode.AUTH_TOKEN_MISMATCH,
          DetailCode.AUTH_TOKEN_MISSING,
          DetailCode.AUTH_PASSWORD_MISMATCH,
          DetailCode.AUTH_PASSWORD_MISSING);

  private OwnerErrors() {}

  static ClawgateException explain(ClawgateException e, GatewayTarget target) {
    if (unreachable(e)) {
      return rewrite(
          e,
          e.getMessage()
              + " (address from "
              + target.urlSource()
              + "; start it with `clawgate gateway run`, or pass --url)");
    }
    if (secretRefused(e)) {
      return rewrite(e, e.getMessage() + " (clawgate sent " + target.describeCredential() + ")");
    }
    return e;
  }

  /** Whether the gateway refused the shared secret sent (wrong or missing token or password). */
  static boolean secretRefused(ClawgateException e) {
    return SECRET_REFUSED.contains(e.detail());
  }

  static boolean unreachable(ClawgateException e) {
    return e.code() == ErrorCode.UNAVAILABLE
        && UNREACHABLE_REASONS.contains(String.valueOf(e.details().get("reason")));
  }

  /**
   * Connects to the running gateway only, for commands that have nothing to do without one
   * (sessions, channels, approvals live there). A gateway that does not answer is the same exit 3
   * error as for the other commands, its message prefixed with {@code why}.
   */
  static GatewayClient connectRunning(
      GatewayTarget target, Duration timeout, String why, String... scopes) {
    try {
      return GatewayClient.connect(target.ownerOptions(timeout, scopes));
    } catch (ClawgateException e) {
      ClawgateException explained = explain(e, target);
      if (!unreachable(e)) {
        throw explained;
      }
      throw rewrite(explained, why + ": " + explained.getMessage());
    }
  }

  /** {@code e} with another message; code, detail code and details stay (so the exit code does). */
  static ClawgateException rewrite(ClawgateException e, String message) {
    ClawgateException.Builder builder = ClawgateException.of(e.code(), e.detail(), message);
    for (Map.Entry<String, Object> entry : e.details().entrySet()) {
      builder.detail(entry.getKey(), entry.getValue());
    }
    return builder.retryable(e.retryable()).cause(e).build();
  }
}
