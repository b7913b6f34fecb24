package dev.clawgate.mcp.tools;

import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads tool arguments. The session has validated them against the schema already; these readers
 * still clamp and default the way the reference does for direct callers (§4.2), so a value outside
 * the schema can never widen a window.
 */
final class Args {
  private Args() {}

  /** A string argument, or "" when absent. */
  static String string(ObjectNode args, String name) {
    JsonNode value = args.path(name);
    return value.isString() ? value.stringValue() : "";
  }

  /** A trimmed, non-blank string argument; blank counts as absent. */
  static Optional<String> text(ObjectNode args, String name) {
    return Optional.ofNullable(JsonValues.text(args.path(name)));
  }

  static boolean bool(ObjectNode args, String name, boolean fallback) {
    JsonNode value = args.path(name);
    return value.isBoolean() ? value.booleanValue() : fallback;
  }

  /** A positive count: {@code fallback} when absent or not finite, else floored into [1, max]. */
  static int limit(ObjectNode args, String name, int fallback, int max) {
    JsonNode value = args.path(name);
    if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
      return fallback;
    }
    return (int) Math.min(max, Math.max(1, Math.floor(value.asDouble())));
  }

  /** A cursor: 0 when absent, else floored and at least 0. */
  static long cursor(ObjectNode args, String name) {
    JsonNode value = args.path(name);
    if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
      return 0;
    }
    return value.isIntegralNumber() && value.canConvertToLong()
        ? Math.max(0, value.asLong())
        : (long) Math.max(0, Math.floor(value.asDouble()));
  }
}
