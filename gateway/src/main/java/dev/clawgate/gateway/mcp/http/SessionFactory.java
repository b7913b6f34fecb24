package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.Outbound;
import java.util.Objects;

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
   * A session and what to release when it ends (subscriptions, ports). The handler closes {@code
   * session} first, then {@code resources}.
   */
  record Opened(McpSession session, AutoCloseable resources) {
    public Opened {
      Objects.requireNonNull(session, "null session");
      Objects.requireNonNull(resources, "null resources");
    }

    /** A session with nothing else to release. */
    public static Opened of(McpSession session) {
      return new Opened(session, () -> {});
    }
  }
}
