package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.Outbound;
import java.util.Objects;
import java.util.function.Consumer;

/** Builds the {@link McpSession} behind a new Streamable HTTP session. */
@FunctionalInterface
public interface SessionFactory {

  /**
   * A new session for {@code principal}, called when a client sends {@code initialize} without a
   * session id. {@code notifications} is where the session's unsolicited messages go (build the
   * session with {@code .outbound(notifications)}): they are delivered on the client's GET stream,
   * buffered while none is open. A RuntimeException is answered with 500.
   */
  Opened open(McpPrincipal principal, Outbound notifications);

  /**
   * A session, what to release when it ends (subscriptions, ports), and what to do when its owner
   * comes back with other scopes. The handler closes {@code session} first, then {@code resources}.
   *
   * @param principalChanged called when a request of the session's owner (same principal id) holds
   *     other scopes than the last one seen, typically after a step-up authorization widened them
   *     or a new token narrowed them: once per change, with the new principal, on the request's
   *     thread before the request is handed to the session; must not block long. A RuntimeException
   *     it throws is logged and otherwise ignored.
   */
  record Opened(
      McpSession session, AutoCloseable resources, Consumer<McpPrincipal> principalChanged) {
    public Opened {
      Objects.requireNonNull(session, "null session");
      Objects.requireNonNull(resources, "null resources");
      Objects.requireNonNull(principalChanged, "null principalChanged");
    }

    /** A session whose owner's scopes do not matter once it is open. */
    public Opened(McpSession session, AutoCloseable resources) {
      this(session, resources, principal -> {});
    }

    /** A session with nothing else to release. */
    public static Opened of(McpSession session) {
      return new Opened(session, () -> {});
    }
  }
}
