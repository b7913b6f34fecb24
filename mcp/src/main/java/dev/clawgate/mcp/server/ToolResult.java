package dev.clawgate.mcp.server;

import dev.clawgate.protocol.Json;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a {@code tools/call} answers: {@code content} blocks, optional {@code structuredContent},
 * and {@code isError}.
 */
public record ToolResult(
    ArrayNode content, Optional<ObjectNode> structuredContent, boolean isError) {
  public ToolResult {
    Objects.requireNonNull(content, "null content");
    Objects.requireNonNull(structuredContent, "null structuredContent");
  }

  /** A successful result: one text block and {@code structured}. */
  public static ToolResult of(String text, ObjectNode structured) {
    return new ToolResult(textContent(text), Optional.of(structured), false);
  }

  /** A failed result with one text block and no structured content. */
  public static ToolResult error(String text) {
    return new ToolResult(textContent(text), Optional.empty(), true);
  }

  private static ArrayNode textContent(String text) {
    ArrayNode content = Json.mapper().createArrayNode();
    content.addObject().put("type", "text").put("text", text);
    return content;
  }

  /** The result as the JSON-RPC {@code result} object. */
  public ObjectNode toJson() {
    ObjectNode result = Json.mapper().createObjectNode();
    result.set("content", content);
    structuredContent.ifPresent(s -> result.set("structuredContent", s));
    if (isError) {
      result.put("isError", true);
    }
    return result;
  }
}
