package dev.clawgate.mcp.server;

import tools.jackson.databind.node.ObjectNode;

/** One MCP tool: what {@code tools/list} shows of it and what {@code tools/call} runs. */
public interface Tool {

  /** Name, description and input schema, as {@code tools/list} lists them. */
  ToolSpec spec();

  /**
   * Runs one call on its own virtual thread. The session has already checked {@code arguments}
   * against {@link ToolSpec#inputSchema()} (types, required keys, enums, bounds, no unknown keys).
   *
   * @return the result; a failure the caller should read is a result with {@code isError}, or a
   *     thrown {@link ToolFailure} whose message becomes that result's text
   * @throws InterruptedException when the call was cancelled ({@code notifications/cancelled}, or
   *     the session closed): no result is sent for it
   */
  ToolResult call(ObjectNode arguments) throws InterruptedException;
}
