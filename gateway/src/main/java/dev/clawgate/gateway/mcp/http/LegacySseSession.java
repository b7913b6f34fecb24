package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.Outbound;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One session of the legacy HTTP+SSE transport: the SSE stream it lives on, the principal it is
 * bound to, and the {@link McpSession} behind it once opened. Everything the session writes
 * (answers to POSTed messages and its own notifications) goes onto the stream as {@code message}
 * events; when the stream is gone the writes fail. The session ends with its stream. Thread-safe.
 */
final class LegacySseSession implements Outbound {
  private static final Logger LOG = LoggerFactory.getLogger(LegacySseSession.class);

  final String id;
  final McpPrincipal principal;
  private final StreamedBody stream;

  // Set once by open(), before the session is published.
  private volatile @Nullable McpSession mcp;
  private volatile AutoCloseable resources = () -> {};
  private volatile Consumer<McpPrincipal> principalChanged = changed -> {};
  private final AtomicReference<McpPrincipal> lastSeen;

  // Guarded by this.
  private boolean closed;

  LegacySseSession(String id, McpPrincipal principal, StreamedBody stream) {
    this.id = Objects.requireNonNull(id, "null id");
    this.principal = Objects.requireNonNull(principal, "null principal");
    this.stream = Objects.requireNonNull(stream, "null stream");
    this.lastSeen = new AtomicReference<>(principal);
  }

  /** Binds the MCP session the factory built for this transport session. */
  void open(SessionFactory.Opened opened) {
    this.resources = opened.resources();
    this.principalChanged = opened.principalChanged();
    this.mcp = opened.session();
  }

  /** Whether {@code other} may use this session: the principal that opened it. */
  boolean ownedBy(McpPrincipal other) {
    return principal.id().equals(other.id());
  }

  /**
   * Notes the principal of a request of the owner: when its scopes differ from the last seen (a
   * step-up, or a narrower token), tells the factory's {@code principalChanged} hook, once per
   * change even when requests race.
   */
  void observe(McpPrincipal current) {
    while (true) {
      McpPrincipal last = lastSeen.get();
      if (last.scopes().equals(current.scopes())) {
        return;
      }
      if (lastSeen.compareAndSet(last, current)) {
        break;
      }
    }
    LOG.debug("MCP SSE session {}: {} now holds other scopes", logId(), current.id());
    try {
      principalChanged.accept(current);
    } catch (RuntimeException e) {
      LOG.warn("MCP SSE session {}: adjusting to new scopes failed", logId(), e);
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Hands a client message to the MCP session; its answers go onto the stream.
   *
   * @return false when the session is closed (nothing was handled)
   */
  boolean handle(JsonNode message) {
    McpSession session = mcp;
    if (session == null || isClosed()) {
      return false;
    }
    session.handle(message, this);
    return true;
  }

  /** Queues one JSON-RPC message as a {@code message} event on the stream. */
  @Override
  public void write(ObjectNode message) throws IOException {
    String json;
    try {
      json = Json.mapper().writeValueAsString(message);
    } catch (JacksonException e) {
      throw new IOException("could not encode a message: " + e.getOriginalMessage(), e);
    }
    if (isClosed() || !stream.send(event("message", json))) {
      throw new IOException("the SSE stream is closed");
    }
  }

  /**
   * Closes the MCP session (cancelling its tool calls), ends the stream with what it has queued,
   * and releases the factory's resources. Idempotent.
   */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    McpSession session = mcp;
    if (session != null) {
      try {
        session.close();
      } catch (RuntimeException e) {
        LOG.warn("MCP SSE session {}: close failed", logId(), e);
      }
    }
    stream.end();
    try {
      resources.close();
    } catch (Exception e) {
      LOG.warn("MCP SSE session {}: releasing its resources failed", logId(), e);
    }
  }

  /** A prefix of the id, enough to tell sessions apart in logs without leaking it. */
  String logId() {
    return id.substring(0, Math.min(6, id.length()));
  }

  /** One SSE event; {@code data} must hold no line break (compact JSON and our URIs do not). */
  static byte[] event(String name, String data) {
    return ("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}
