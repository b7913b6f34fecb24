package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.Outbound;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One session of the legacy HTTP+SSE transport: the SSE stream it lives on, the principal it is
 * bound to, and the {@link McpSession} behind it once opened. Everything the session writes
 * (answers to POSTed messages and its own notifications) goes onto the stream as {@code message}
 * events; when the stream is gone the writes fail. The session ends with its stream. Thread-safe.
 */
final class LegacySseSession extends McpHttpSession implements Outbound {
  private static final Logger LOG = LoggerFactory.getLogger(LegacySseSession.class);

  private final StreamedBody stream;

  LegacySseSession(String id, McpPrincipal principal, StreamedBody stream) {
    super(id, principal, LOG, "MCP SSE session");
    this.stream = Objects.requireNonNull(stream, "null stream");
  }

  /**
   * Hands a client message to the MCP session; its answers go onto the stream.
   *
   * @return false when the session is closed (nothing was handled)
   */
  boolean handle(JsonNode message) {
    McpSession session = boundSession();
    if (session == null || isClosed()) {
      return false;
    }
    session.handle(message, this);
    return true;
  }

  /** Queues one JSON-RPC message as a {@code message} event on the stream. */
  @Override
  public void write(ObjectNode message) throws IOException {
    String json = Replies.encode(message, "a message");
    if (isClosed() || !stream.send(event("message", json))) {
      throw new IOException("the SSE stream is closed");
    }
  }

  /** Ends the stream with what it has queued. */
  @Override
  void closeStreams() {
    stream.end();
  }

  /** One SSE event without an id; {@code data} must hold no line break. */
  static byte[] event(String name, String data) {
    return Replies.event(null, name, data);
  }
}
