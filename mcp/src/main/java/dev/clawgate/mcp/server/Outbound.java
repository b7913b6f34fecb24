package dev.clawgate.mcp.server;

import java.io.IOException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a session writes: one complete JSON-RPC message per call. The transport behind it
 * serializes concurrent writes (tool calls finish on their own threads), so a message is never
 * interleaved with another.
 */
@FunctionalInterface
public interface Outbound {

  /**
   * Writes one message.
   *
   * @throws IOException when it could not be written (the peer is gone or the stream is closed)
   */
  void write(ObjectNode message) throws IOException;
}
