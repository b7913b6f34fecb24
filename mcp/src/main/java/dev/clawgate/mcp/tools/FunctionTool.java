package dev.clawgate.mcp.tools;

import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolResult;
import dev.clawgate.mcp.server.ToolSpec;
import tools.jackson.databind.node.ObjectNode;

/** A tool made of its spec and a function. */
record FunctionTool(ToolSpec spec, Body body) implements Tool {

  /** What a call runs. */
  @FunctionalInterface
  interface Body {
    ToolResult run(ObjectNode arguments) throws InterruptedException;
  }

  static FunctionTool of(String name, String description, ObjectNode inputSchema, Body body) {
    return new FunctionTool(new ToolSpec(name, description, inputSchema), body);
  }

  @Override
  public ToolResult call(ObjectNode arguments) throws InterruptedException {
    return body.run(arguments);
  }
}
