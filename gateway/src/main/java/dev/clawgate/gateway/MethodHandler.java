package dev.clawgate.gateway;

import tools.jackson.databind.JsonNode;

/**
 * Handles one gateway method. Runs on its own virtual thread, so it may block. Refuse a call by
 * throwing {@link dev.clawgate.protocol.ClawgateException}; any other exception becomes an {@code
 * INTERNAL} error whose details stay in the server log.
 */
@FunctionalInterface
public interface MethodHandler {
  /**
   * Answers one call.
   *
   * @return the response payload
   */
  JsonNode handle(MethodCall call);
}
