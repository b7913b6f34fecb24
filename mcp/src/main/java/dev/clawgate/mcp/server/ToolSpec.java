package dev.clawgate.mcp.server;

import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool as {@code tools/list} lists it.
 *
 * @param name the tool name ({@code conversations_list})
 * @param description one line for the model
 * @param inputSchema a JSON Schema object ({@code type: object}, {@code properties}, {@code
 *     required}, {@code additionalProperties: false})
 */
public record ToolSpec(String name, String description, ObjectNode inputSchema) {
  public ToolSpec {
    Objects.requireNonNull(name, "null name");
    Objects.requireNonNull(description, "null description");
    Objects.requireNonNull(inputSchema, "null inputSchema");
  }
}
