package dev.clawgate.mcp.tools;

import dev.clawgate.protocol.Json;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reading the gateway's JSON the way the reference bridge does: a "text" is a string that is not
 * blank once trimmed, anything else counts as absent.
 */
final class JsonValues {
  private JsonValues() {}

  static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }

  static ArrayNode array() {
    return Json.mapper().createArrayNode();
  }

  /** The trimmed string, or null when {@code node} is not a string or is blank. */
  static @Nullable String text(JsonNode node) {
    if (!node.isString()) {
      return null;
    }
    String trimmed = node.stringValue().strip();
    return trimmed.isEmpty() ? null : trimmed;
  }

  /** The first non-null of {@code values}. */
  @SafeVarargs
  static <T> @Nullable T first(@Nullable T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  /** A thread id as the {@code send} method wants it: a string, whether it came as one or not. */
  static String asWireString(JsonNode value) {
    return value.isString() ? value.stringValue() : value.toString();
  }
}
