package dev.clawgate.mcp.server;

import dev.clawgate.protocol.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 message shapes and error codes. */
final class JsonRpc {
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;

  /** The id of an answer to a message whose id could not be read. */
  static final JsonNode NO_ID = NullNode.getInstance();

  private JsonRpc() {}

  /** {@code {"jsonrpc":"2.0","id":id,"result":result}}. */
  static ObjectNode result(JsonNode id, ObjectNode result) {
    ObjectNode message = envelope();
    message.set("id", id);
    message.set("result", result);
    return message;
  }

  /** {@code {"jsonrpc":"2.0","id":id,"error":{"code":code,"message":text}}}. */
  static ObjectNode error(JsonNode id, int code, String text) {
    ObjectNode message = envelope();
    message.set("id", id);
    message.putObject("error").put("code", code).put("message", text);
    return message;
  }

  /** A -32600 error: {@code "Invalid Request: " + problem}. */
  static ObjectNode invalidRequest(JsonNode id, String problem) {
    return error(id, INVALID_REQUEST, "Invalid Request: " + problem);
  }

  /** A -32602 error: {@code "Invalid params: " + problem}. */
  static ObjectNode invalidParams(JsonNode id, String problem) {
    return error(id, INVALID_PARAMS, "Invalid params: " + problem);
  }

  /** {@code {"jsonrpc":"2.0","method":method,"params":params}}. */
  static ObjectNode notification(String method, ObjectNode params) {
    ObjectNode message = envelope();
    message.put("method", method);
    message.set("params", params);
    return message;
  }

  private static ObjectNode envelope() {
    return Json.mapper().createObjectNode().put("jsonrpc", "2.0");
  }
}
