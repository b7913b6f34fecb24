package dev.clawgate.gateway.mcp.http;

import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stateless form of revision 2026-07-28 on the Streamable HTTP endpoint: no {@code initialize},
 * no session; each POST is one request that carries its protocol version in {@code
 * MCP-Protocol-Version} and in {@code params._meta}, and mirrors its method (and the name of what
 * {@code tools/call}, {@code resources/read} and {@code prompts/get} address) into {@code
 * Mcp-Method} and {@code Mcp-Name}. This class validates such a request against its headers and
 * shapes the answers (every result carries {@code resultType}; list results carry {@code ttlMs} and
 * {@code cacheScope}; {@code _meta} names the server).
 */
final class StatelessRequests {
  /** The revision served statelessly. */
  static final String VERSION = "2026-07-28";

  static final String METHOD_HEADER = "Mcp-Method";
  static final String NAME_HEADER = "Mcp-Name";
  static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
  static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
  static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
  static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

  /** The methods served in this form; anything else is 404 with -32601. */
  static final Set<String> METHODS = Set.of("server/discover", "tools/list", "tools/call");

  /** The revisions {@code server/discover} and {@code UnsupportedProtocolVersionError} list. */
  static final List<String> SUPPORTED_VERSIONS = supportedVersions();

  private static final String BASE64_PREFIX = "=?base64?";
  private static final String BASE64_SUFFIX = "?=";

  private StatelessRequests() {}

  /** A refusal: the HTTP status and the JSON-RPC error body. */
  record Refusal(int status, String body) {}

  /**
   * Why a stateless POST body cannot be served, or null when it is one well-formed request or
   * notification whose headers match it and whose method is served.
   */
  static @Nullable Refusal check(JsonNode message, HttpFields headers) {
    if (!message.isObject()) {
      return invalid(null, "a 2026-07-28 request is one JSON-RPC object, not a batch");
    }
    JsonNode id = message.path("id");
    boolean validId = id.isString() || id.isIntegralNumber();
    JsonNode replyId = validId ? id : null;
    JsonNode jsonrpc = message.path("jsonrpc");
    if (!jsonrpc.isString() || !jsonrpc.stringValue().equals("2.0")) {
      return invalid(replyId, "jsonrpc must be \"2.0\"");
    }
    JsonNode method = message.path("method");
    if (!method.isString()) {
      return invalid(
          replyId,
          method.isMissingNode()
              ? "a 2026-07-28 client sends requests and notifications only"
              : "method must be a string");
    }
    if (!id.isMissingNode() && !validId) {
      return invalid(null, "id must be a string or an integer");
    }
    String methodName = method.stringValue();
    JsonNode params = message.path("params");
    if (!params.isMissingNode() && !params.isObject()) {
      return new Refusal(
          HttpStatus.BAD_REQUEST_400,
          Messages.error(replyId, -32602, "Invalid params: params must be an object", null));
    }
    // Mcp-Method: required for requests; for notifications this revision defines no header rules,
    // so it is only checked when present.
    Header methodHeader = header(headers, METHOD_HEADER);
    if (methodHeader.malformed()) {
      return mismatch(replyId, "more than one Mcp-Method header");
    }
    String methodValue = methodHeader.value();
    if (methodValue == null) {
      if (validId) {
        return mismatch(replyId, "the Mcp-Method header is required");
      }
    } else if (!methodValue.equals(methodName)) {
      return mismatch(
          replyId,
          "Mcp-Method header value '"
              + printable(methodValue)
              + "' does not match body value '"
              + printable(methodName)
              + "'");
    }
    if (!validId) {
      return null; // a notification: accepted, nothing to check further
    }
    String version = headers.get(StreamableHttpHandler.PROTOCOL_VERSION_HEADER);
    JsonNode metaVersion = params.path("_meta").path(META_PROTOCOL_VERSION);
    if (!metaVersion.isString() || !metaVersion.stringValue().equals(version)) {
      return mismatch(
          replyId,
          metaVersion.isString()
              ? "MCP-Protocol-Version header value '"
                  + printable(String.valueOf(version))
                  + "' does not match _meta value '"
                  + printable(metaVersion.stringValue())
                  + "'"
              : "params._meta[\"" + META_PROTOCOL_VERSION + "\"] is required");
    }
    @Nullable String nameField =
        switch (methodName) {
          case "tools/call", "prompts/get" -> "name";
          case "resources/read" -> "uri";
          default -> null;
        };
    if (nameField != null) {
      Header nameHeader = header(headers, NAME_HEADER);
      if (nameHeader.malformed()) {
        return mismatch(replyId, "more than one Mcp-Name header");
      }
      String raw = nameHeader.value();
      if (raw == null) {
        return mismatch(replyId, "the Mcp-Name header is required for " + methodName);
      }
      String decoded = decode(raw);
      if (decoded == null) {
        return mismatch(replyId, "the Mcp-Name header is not valid Base64");
      }
      JsonNode bodyValue = params.path(nameField);
      if (!bodyValue.isString() || !bodyValue.stringValue().equals(decoded)) {
        return mismatch(
            replyId,
            "Mcp-Name header value '"
                + printable(decoded)
                + "' does not match body value '"
                + (bodyValue.isString() ? printable(bodyValue.stringValue()) : "")
                + "'");
      }
    }
    if (!METHODS.contains(methodName)) {
      return new Refusal(
          HttpStatus.NOT_FOUND_404,
          Messages.error(
              id,
              Messages.METHOD_NOT_FOUND,
              "Method not found: "
                  + printable(methodName)
                  + (methodName.equals("initialize")
                      ? " (2026-07-28 has no initialize; send it without MCP-Protocol-Version"
                          + " to open a session of an earlier revision)"
                      : ""),
              null));
    }
    return null;
  }

  /** 400 with {@code UnsupportedProtocolVersionError} (-32022) naming what is served. */
  static Refusal unsupportedVersion(@Nullable JsonNode id, String requested) {
    ObjectNode data = Json.mapper().createObjectNode();
    ArrayNode supported = data.putArray("supported");
    SUPPORTED_VERSIONS.forEach(supported::add);
    data.put("requested", requested);
    return new Refusal(
        HttpStatus.BAD_REQUEST_400,
        Messages.error(
            id, Messages.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version", data));
  }

  /** 400 with {@code HeaderMismatch} (-32020). */
  static Refusal mismatch(@Nullable JsonNode id, String problem) {
    return new Refusal(
        HttpStatus.BAD_REQUEST_400,
        Messages.error(id, Messages.HEADER_MISMATCH, "Header mismatch: " + problem, null));
  }

  /** The request id of a message, or null when it has no valid one. */
  static @Nullable JsonNode idOf(JsonNode message) {
    JsonNode id = message.path("id");
    return id.isString() || id.isIntegralNumber() ? id : null;
  }

  /**
   * The {@code initialize} a stateless request stands for: the newest revision the session speaks,
   * with the client's info and capabilities from the request's {@code _meta}.
   */
  static ObjectNode initialize(JsonNode message) {
    JsonNode meta = message.path("params").path("_meta");
    ObjectNode request = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
    request.put("id", "clawgate-stateless");
    request.put("method", "initialize");
    ObjectNode params = request.putObject("params");
    params.put("protocolVersion", McpSession.LATEST_PROTOCOL_VERSION);
    JsonNode capabilities = meta.path(META_CLIENT_CAPABILITIES);
    params.set(
        "capabilities",
        capabilities.isObject() ? capabilities.deepCopy() : Json.mapper().createObjectNode());
    JsonNode clientInfo = meta.path(META_CLIENT_INFO);
    if (clientInfo.isObject()) {
      params.set("clientInfo", clientInfo.deepCopy());
    } else {
      params.putObject("clientInfo").put("name", "stateless client").put("version", "0");
    }
    return request;
  }

  /** {@code notifications/initialized}. */
  static ObjectNode initialized() {
    return Json.mapper()
        .createObjectNode()
        .put("jsonrpc", "2.0")
        .put("method", "notifications/initialized");
  }

  /** The answer to {@code server/discover}, from the session's {@code initialize} result. */
  static ObjectNode discover(JsonNode id, JsonNode initializeResult) {
    ObjectNode result = Json.mapper().createObjectNode();
    ArrayNode versions = result.putArray("supportedVersions");
    SUPPORTED_VERSIONS.forEach(versions::add);
    JsonNode capabilities = initializeResult.path("capabilities");
    result.set(
        "capabilities",
        capabilities.isObject() ? capabilities.deepCopy() : Json.mapper().createObjectNode());
    JsonNode instructions = initializeResult.path("instructions");
    if (instructions.isString()) {
      result.put("instructions", instructions.stringValue());
    }
    ObjectNode answer = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
    answer.set("id", id);
    answer.set("result", result);
    return decorator("server/discover", initializeResult.path("serverInfo")).apply(answer);
  }

  /**
   * Shapes a session's answer for this revision: a result gets {@code resultType: "complete"} and
   * {@code _meta} naming the server, a cacheable one ({@code tools/list}, {@code server/discover})
   * also {@code ttlMs: 0} and {@code cacheScope: "private"} (what is listed depends on the caller
   * and may change at any time). Fields already set are kept; errors pass unchanged.
   */
  static UnaryOperator<ObjectNode> decorator(String method, JsonNode serverInfo) {
    boolean cacheable = method.equals("tools/list") || method.equals("server/discover");
    return answer -> {
      if (!(answer.get("result") instanceof ObjectNode result)) {
        return answer;
      }
      if (!result.has("resultType")) {
        result.put("resultType", "complete");
      }
      if (cacheable) {
        if (!result.has("ttlMs")) {
          result.put("ttlMs", 0);
        }
        if (!result.has("cacheScope")) {
          result.put("cacheScope", "private");
        }
      }
      if (serverInfo.isObject()) {
        JsonNode meta = result.path("_meta");
        ObjectNode metaObject = meta.isObject() ? (ObjectNode) meta : result.putObject("_meta");
        if (!metaObject.has(META_SERVER_INFO)) {
          metaObject.set(META_SERVER_INFO, serverInfo.deepCopy());
        }
      }
      return answer;
    };
  }

  private static Refusal invalid(@Nullable JsonNode id, String problem) {
    return new Refusal(
        HttpStatus.BAD_REQUEST_400,
        Messages.error(id, Messages.INVALID_REQUEST, "Invalid Request: " + problem, null));
  }

  private record Header(@Nullable String value, boolean malformed) {}

  private static Header header(HttpFields headers, String name) {
    List<String> values = headers.getValuesList(name);
    if (values.isEmpty()) {
      return new Header(null, false);
    }
    return values.size() > 1 ? new Header(null, true) : new Header(values.get(0).strip(), false);
  }

  /** A header value, Base64-decoded when it has the {@code =?base64?...?=} sentinel form. */
  private static @Nullable String decode(String value) {
    if (!value.startsWith(BASE64_PREFIX)
        || !value.endsWith(BASE64_SUFFIX)
        || value.length() < BASE64_PREFIX.length() + BASE64_SUFFIX.length()) {
      return value;
    }
    String encoded =
        value.substring(BASE64_PREFIX.length(), value.length() - BASE64_SUFFIX.length());
    try {
      return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** At most 100 printable ASCII characters of a client's value, for an error message. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 100; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }

  private static List<String> supportedVersions() {
    List<String> versions = new ArrayList<>();
    versions.add(VERSION);
    List<String> legacy = new ArrayList<>(StreamableHttpHandler.TRANSPORT_VERSIONS);
    legacy.sort((a, b) -> b.compareTo(a));
    versions.addAll(legacy);
    return List.copyOf(versions);
  }
}
