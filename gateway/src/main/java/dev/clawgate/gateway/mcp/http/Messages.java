package dev.clawgate.gateway.mcp.http;

import dev.clawgate.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What a POSTed message holds, as {@code McpSession} will see it, and JSON-RPC error bodies. */
final class Messages {
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int SERVER_ERROR = -32000;
  static final int SESSION_NOT_FOUND = -32001;
  static final int REQUEST_CANCELLED = -32800;

  /** 2026-07-28: the HTTP headers do not match the body, or a required one is missing. */
  static final int HEADER_MISMATCH = -32020;

  /** 2026-07-28: the request's protocol version is not served; data lists those that are. */
  static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

  private Messages() {}

  /**
   * A message's content.
   *
   * @param batch whether it is an array
   * @param requestIds the ids of its well-formed requests, in order, each answered once
   * @param otherAnswers how many malformed elements it has, each answered once with an error
   * @param initializes how many of its requests open a session
   * @param cancelledKeys the {@link #key}s of the requests its {@code notifications/cancelled} name
   */
  record Analysis(
      boolean batch,
      List<JsonNode> requestIds,
      int otherAnswers,
      int initializes,
      List<String> cancelledKeys) {

    /** How many answers the session will write for it (unless a call is cancelled). */
    int expectedAnswers() {
      return requestIds.size() + otherAnswers;
    }

    /** A single {@code initialize} request. */
    boolean isInitialize() {
      return !batch && initializes == 1;
    }
  }

  /** Classifies a message (an object or an array) the way {@code McpSession.handle} does. */
  static Analysis analyze(JsonNode message) {
    List<JsonNode> requestIds = new ArrayList<>();
    List<String> cancelled = new ArrayList<>();
    int others = 0;
    int initializes = 0;
    List<JsonNode> elements = new ArrayList<>();
    if (message.isArray()) {
      message.forEach(elements::add);
      if (elements.isEmpty()) {
        others = 1; // answered "empty batch"
      }
    } else {
      elements.add(message);
    }
    for (JsonNode element : elements) {
      if (!element.isObject()) {
        others++;
        continue;
      }
      JsonNode id = element.path("id");
      JsonNode version = element.path("jsonrpc");
      if (!version.isString() || !version.stringValue().equals("2.0")) {
        others++;
        continue;
      }
      JsonNode method = element.path("method");
      if (method.isMissingNode()
          && !id.isMissingNode()
          && (element.has("result") || element.has("error"))) {
        continue; // a response from the client
      }
      if (!method.isString()) {
        others++;
      } else if (id.isMissingNode()) {
        if (method.stringValue().equals("notifications/cancelled")) {
          String key = key(element.path("params").path("requestId"));
          if (key != null) {
            cancelled.add(key);
          }
        }
      } else if (key(id) == null) {
        others++;
      } else {
        requestIds.add(id);
        if (method.stringValue().equals("initialize")) {
          initializes++;
        }
      }
    }
    return new Analysis(message.isArray(), requestIds, others, initializes, cancelled);
  }

  /** A request id as a key: the string "7" and the number 7 differ; null for no valid id. */
  static @Nullable String key(JsonNode id) {
    if (id.isString()) {
      return "s" + id.stringValue();
    }
    if (id.isIntegralNumber()) {
      return "n" + id.bigIntegerValue();
    }
    return null;
  }

  /** The {@code notifications/cancelled} a client would send for {@code requestId}. */
  static ObjectNode cancelled(JsonNode requestId, String reason) {
    ObjectNode message = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
    message.put("method", "notifications/cancelled");
    ObjectNode params = message.putObject("params");
    params.set("requestId", requestId);
    params.put("reason", reason);
    return message;
  }

  /** {@code {"jsonrpc":"2.0","id":null,"error":{"code":code,"message":text}}}. */
  static String error(int code, String text) {
    return error(null, code, text, null);
  }

  /**
   * {@code {"jsonrpc":"2.0","id":id,"error":{"code":code,"message":text,"data":data}}}; a null id
   * is written as {@code null}, a null data is left out.
   */
  static String error(@Nullable JsonNode id, int code, String text, @Nullable JsonNode data) {
    ObjectNode message = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
    if (id == null) {
      message.putNull("id");
    } else {
      message.set("id", id);
    }
    ObjectNode error = message.putObject("error").put("code", code).put("message", text);
    if (data != null) {
      error.set("data", data);
    }
    return message.toString();
  }
}
