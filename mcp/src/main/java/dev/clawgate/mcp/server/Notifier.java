package dev.clawgate.mcp.server;

import java.io.IOException;
import tools.jackson.databind.node.ObjectNode;

/** Sends a server-to-client notification on a session. */
@FunctionalInterface
public interface Notifier {

  /**
   * Sends {@code {"jsonrpc":"2.0","method":method,"params":params}}.
   *
   * @throws IOException when it could not be written (the transport is gone or closed)
   */
  void notify(String method, ObjectNode params) throws IOException;
}
