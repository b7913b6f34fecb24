package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * What a session of either MCP HTTP transport is: an id, the principal it is bound to (its owner),
 * the {@link McpSession} and resources a {@link SessionFactory} opened for it, and a close that
 * ends the MCP session, then the transport's streams, then the resources. Thread-safe.
 */
abstract class McpHttpSession {
  final String id;
  final McpPrincipal principal;
  private final Logger log;
  private final String label;
  private final AtomicReference<McpPrincipal> lastSeen;

  // Set once by bind(), before the session is published.
  private volatile @Nullable McpSession bound;
  private volatile AutoCloseable resources = () -> {};
  private volatile Consumer<McpPrincipal> principalChanged = changed -> {};

  // Guarded by this.
  private boolean closed;

  /**
   * @param log where the session's troubles are logged
   * @param label what the logs call it ({@code MCP session}, {@code MCP SSE session})
   */
  McpHttpSession(String id, McpPrincipal principal, Logger log, String label) {
    this.id = Objects.requireNonNull(id, "null id");
    this.principal = Objects.requireNonNull(principal, "null principal");
    this.log = log;
    this.label = label;
    this.lastSeen = new AtomicReference<>(principal);
  }

  /** Binds the MCP session the factory built for this transport session. */
  final void bind(SessionFactory.Opened opened) {
    this.resources = opened.resources();
    this.principalChanged = opened.principalChanged();
    this.bound = opened.session();
  }

  /** The bound MCP session; null before {@link #bind}. */
  final @Nullable McpSession boundSession() {
    return bound;
  }

  /** Whether {@code other} may use this session: the principal that opened it. */
  final boolean ownedBy(McpPrincipal other) {
    return principal.id().equals(other.id());
  }

  /**
   * Notes the principal of a request of the owner: when its scopes differ from the last seen (a
   * step-up, or a narrower token), tells the factory's {@code principalChanged} hook, once per
   * change even when requests race.
   */
  final void observe(McpPrincipal current) {
    while (true) {
      McpPrincipal last = lastSeen.get();
      if (last.scopes().equals(current.scopes())) {
        return;
      }
      if (lastSeen.compareAndSet(last, current)) {
        break;
      }
    }
    log.debug(
        "{} {}: {} now holds {} (was other scopes)",
        label,
        logId(),
        current.id(),
        current.scopes().names());
    try {
      principalChanged.accept(current);
    } catch (RuntimeException e) {
      log.warn("{} {}: adjusting to new scopes failed", label, logId(), e);
    }
  }

  final synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Closes the MCP session (cancelling its tool calls), then the transport's streams ({@link
   * #closeStreams}), and releases the factory's resources. Idempotent.
   */
  final void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    McpSession session = bound;
    if (session != null) {
      try {
        session.close();
      } catch (RuntimeException e) {
        log.warn("{} {}: close failed", label, logId(), e);
      }
    }
    closeStreams();
    try {
      resources.close();
    } catch (Exception e) {
      log.warn("{} {}: releasing its resources failed", label, logId(), e);
    }
  }

  /** Ends the transport's streams with what they have, once the MCP session is closed. */
  abstract void closeStreams();

  /** A prefix of the id, enough to tell sessions apart in logs without leaking the credential. */
  final String logId() {
    return id.substring(0, Math.min(6, id.length()));
  }
}
