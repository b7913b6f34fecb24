package dev.clawgate.protocol;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and writes {@link Frame frames}. Parsing is strict: a frame is one JSON object of a known
 * {@code type} with exactly the keys of that type, bounded ids and method names, and no duplicate
 * keys. Every failure is a {@link DetailCode#MALFORMED_FRAME} error that says what was wrong.
 *
 * <p>Size limits are the transport's job (the gateway checks bytes before parsing).
 */
public final class Frames {
  /** Longest accepted request id; the reference uses {@code "<n>:<uuid>"}, about 40 characters. */
  public static final int MAX_ID_LENGTH = 256;

  /** Longest accepted method or event name. */
  public static final int MAX_NAME_LENGTH = 128;

  private static final int MAX_ERROR_MESSAGE_LENGTH = 64 * 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");
  private static final Set<String> REQUEST_KEYS = Set.of("type", "id", "method", "params");
  private static final Set<String> RESPONSE_KEYS = Set.of("type", "id", "ok", "payload", "error");
  private static final Set<String> EVENT_KEYS =
      Set.of("type", "event", "payload", "seq", "stateVersion");
  private static final Set<String> ERROR_KEYS =
      Set.of("code", "message", "details", "retryable", "retryAfterMs");

  private Frames() {}

  /** Parses one text frame. */
  public static Frame parse(String text) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(text);
    } catch (JacksonException e) {
      throw malformed(describe(e));
    }
    if (root == null || !root.isObject()) {
      throw malformed("frame must be a JSON object");
    }
    try {
      Fields fields = Fields.object(root, "frame");
      String type = fields.string("type", 16);
      return switch (type) {
        case "req" -> request(fields.allowOnly(REQUEST_KEYS));
        case "res" -> response(fields.allowOnly(RESPONSE_KEYS));
        case "event" -> event(fields.allowOnly(EVENT_KEYS));
        default -> throw malformed("frame.type must be \"req\", \"res\" or \"event\"");
      };
    } catch (ClawgateException e) {
      if (e.detail() == DetailCode.MALFORMED_FRAME) {
        throw e;
      }
      throw malformed(e.getMessage());
    }
  }

  private static RequestFrame request(Fields fields) {
    String id = fields.string("id", MAX_ID_LENGTH);
    String method = name(fields, "method");
    return new RequestFrame(id, method, optionalNode(fields, "params"));
  }

  private static ResponseFrame response(Fields fields) {
    String id = fields.string("id", MAX_ID_LENGTH);
    boolean ok =
        fields
            .optBoolean("ok")
            .orElseThrow(() -> ClawgateException.invalidParams("frame.ok", "required"));
    Optional<ErrorShape> error = fields.optObject("error").map(Frames::error);
    if (!ok && error.isEmpty()) {
      throw malformed("frame.error: required when ok is false");
    }
    return new ResponseFrame(id, ok, optionalNode(fields, "payload"), error);
  }

  private static ErrorShape error(Fields fields) {
    fields.allowOnly(ERROR_KEYS);
    Optional<ObjectNode> details =
        fields.optObject("details").map(d -> (ObjectNode) d.node().deepCopy());
    return new ErrorShape(
        fields.string("code", MAX_NAME_LENGTH),
        message(fields),
        details,
        fields.optBoolean("retryable"),
        fields.optInteger("retryAfterMs", 0, Long.MAX_VALUE));
  }

  /**
   * {@code error.message}: any string, empty included, so that an error parsed without a message
   * (and written back with {@code "message":""}) parses again.
   */
  private static String message(Fields fields) {
    JsonNode message = fields.node().get("message");
    if (message == null || message.isNull()) {
      return "";
    }
    if (!message.isString()) {
      throw malformed(fields.path("message") + ": must be a string");
    }
    if (message.stringValue().length() > MAX_ERROR_MESSAGE_LENGTH) {
      throw malformed(
          fields.path("message") + ": longer than " + MAX_ERROR_MESSAGE_LENGTH + " characters");
    }
    return message.stringValue();
  }

  private static EventFrame event(Fields fields) {
    String event = name(fields, "event");
    return new EventFrame(
        event,
        optionalNode(fields, "payload"),
        fields.optInteger("seq", 0, Long.MAX_VALUE),
        optionalNode(fields, "stateVersion"));
  }

  private static String name(Fields fields, String key) {
    String value = fields.string(key, MAX_NAME_LENGTH);
    if (!NAME.matcher(value).matches()) {
      throw malformed(fields.path(key) + ": not a valid name");
    }
    return value;
  }

  private static Optional<JsonNode> optionalNode(Fields fields, String key) {
    JsonNode child = fields.node().get(key);
    return child == null || child.isMissingNode() ? Optional.empty() : Optional.of(child);
  }

  /** Writes a frame as compact JSON. */
  public static String write(Frame frame) {
    return toNode(frame).toString();
  }

  /** The JSON tree of a frame, in the field order of the reference implementation. */
  public static ObjectNode toNode(Frame frame) {
    ObjectNode node = Json.mapper().createObjectNode();
    switch (frame) {
      case RequestFrame req -> {
        node.put("type", "req");
        node.put("id", req.id());
        node.put("method", req.method());
        req.params().ifPresent(p -> node.set("params", p));
      }
      case ResponseFrame res -> {
        node.put("type", "res");
        node.put("id", res.id());
        node.put("ok", res.ok());
        res.payload().ifPresent(p -> node.set("payload", p));
        res.error().ifPresent(e -> node.set("error", errorNode(e)));
      }
      case EventFrame ev -> {
        node.put("type", "event");
        node.put("event", ev.event());
        ev.payload().ifPresent(p -> node.set("payload", p));
        ev.seq().ifPresent(s -> node.put("seq", s));
        ev.stateVersion().ifPresent(v -> node.set("stateVersion", v));
      }
    }
    return node;
  }

  private static ObjectNode errorNode(ErrorShape error) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("code", error.code());
    node.put("message", error.message());
    error.details().ifPresent(d -> node.set("details", d));
    error.retryable().ifPresent(r -> node.put("retryable", r));
    error.retryAfterMs().ifPresent(r -> node.put("retryAfterMs", r));
    return node;
  }

  /** A {@link DetailCode#MALFORMED_FRAME} error. */
  public static ClawgateException malformed(String message) {
    return ClawgateException.of(ErrorCode.INVALID_REQUEST, DetailCode.MALFORMED_FRAME, message)
        .build();
  }

  /**
   * Says what is wrong with unparsable text without Jackson's internals: its messages may name Java
   * classes and features (trailing tokens, nesting limits, source locations), which a client must
   * never read.
   */
  private static String describe(JacksonException e) {
    String original = e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      return original.contains("nesting depth")
          ? "frame is nested deeper than " + Json.MAX_NESTING_DEPTH + " levels"
          : "frame exceeds a size limit of the JSON parser";
    }
    if (original.startsWith("Trailing token")) {
      return "frame has data after the JSON value";
    }
    String line = firstLine(original);
    int location = line.indexOf(" (start marker at");
    if (location >= 0) {
      line = line.substring(0, location);
    }
    if (line.contains("`") || line.contains("[Source")) {
      return "frame is not valid JSON";
    }
    return "frame is not valid JSON (" + line + ")";
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
