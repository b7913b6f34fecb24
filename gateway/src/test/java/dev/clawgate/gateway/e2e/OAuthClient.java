package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * An OAuth 2.1 public client as an MCP client runs it, over real HTTP: discovery from the 401
 * challenge, dynamic registration, authorization with PKCE S256 (following the gateway's redirects
 * by hand, as a browser would), the token endpoint, and calls to {@code /mcp} with the bearer.
 */
final class OAuthClient {
  static final String REDIRECT = "http://127.0.0.1:43117/callback";

  /** A browser of its own: it keeps the gateway's cookies, as the owner's browser would. */
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .cookieHandler(new java.net.CookieManager())
          .build();

  private static final SecureRandom RANDOM = new SecureRandom();

  final String base;
  JsonNode serverMetadata;
  String clientId = "";

  OAuthClient(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.serverMetadata = Json.mapper().createObjectNode();
  }

  /** Discovery as the spec orders it: the challenge, the resource metadata, the server metadata. */
  OAuthClient discover() throws Exception {
    HttpResponse<String> challenge = mcp("", McpEndpointCalls.INITIALIZE, Optional.empty());
    assertThat(challenge.statusCode()).isEqualTo(401);
    String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
    Matcher m = Pattern.compile("resource_metadata=\"([^\"]+)\"").matcher(header);
    assertThat(m.find()).as(header).isTrue();
    JsonNode resource = getJson(m.group(1));
    assertThat(resource.path("resource").asString()).isEqualTo(base + "/mcp");
    String issuer = resource.path("authorization_servers").get(0).asString();
    serverMetadata = getJson(issuer + "/.well-known/oauth-authorization-server");
    assertThat(serverMetadata.path("issuer").asString()).isEqualTo(issuer);
    return this;
  }

  JsonNode register(String name, String... redirects) throws Exception {
    StringBuilder uris = new StringBuilder();
    for (String redirect : redirects) {
      uris.append(uris.isEmpty() ? "" : ",").append('"').append(redirect).append('"');
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint("registration_endpoint")))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"client_name\":\""
                            + name
                            + "\",\"redirect_uris\":["
                            + uris
                            + "],\"token_endpoint_auth_method\":\"none\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode body = Json.mapper().readTree(response.body());
    clientId = body.path("client_id").asString();
    return body;
  }

  /** One authorization attempt: its PKCE verifier, state and the gateway's first answer. */
  record Attempt(String verifier, String state, HttpResponse<String> response) {
    String location() {
      return response.headers().firstValue("Location").orElse("");
    }
  }

  Attempt authorize(String scope) throws Exception {
    return authorize(scope, REDIRECT, base + "/mcp");
  }

  Attempt authorize(String scope, String redirect, String resource) throws Exception {
    String verifier = random(48);
    String state = random(12);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", clientId);
    query.put("redirect_uri", redirect);
    query.put("state", state);
    query.put("code_challenge", s256(verifier));
    query.put("code_challenge_method", "S256");
    query.put("scope", scope);
    query.put("resource", resource);
    return new Attempt(
        verifier, state, get(endpoint("authorization_endpoint") + "?" + form(query)));
  }

  /** Follows a same-server redirect (the consent page) and returns the answer. */
  HttpResponse<String> follow(String location) throws Exception {
    return get(location.startsWith("/") ? base + location : location);
  }

  /** The parameters of a redirect to the client's callback. */
  static Map<String, String> callback(String location) {
    assertThat(location).startsWith(REDIRECT.substring(0, REDIRECT.indexOf("/callback")));
    return parse(URI.create(location).getRawQuery());
  }

  HttpResponse<String> token(Map<String, String> params) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(endpoint("token_endpoint")))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(params)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode exchange(String code, String verifier) throws Exception {
    HttpResponse<String> response =
        token(
            Map.of(
                "grant_type", "authorization_code",
                "code", code,
                "redirect_uri", REDIRECT,
                "client_id", clientId,
                "code_verifier", verifier,
                "resource", base + "/mcp"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.mapper().readTree(response.body());
  }

  HttpResponse<String> refresh(String refreshToken) throws Exception {
    return token(
        Map.of(
            "grant_type",
            "refresh_token",
            "refresh_token",
            refreshToken,
            "client_id",
            clientId,
            "resource",
            base + "/mcp"));
  }

  HttpResponse<String> consentDecision(String id, String secret, String decision) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/oauth/consent"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    form(Map.of("id", id, "secret", secret, "decision", decision))))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** POST to {@code /mcp} with an optional bearer and session. */
  HttpResponse<String> mcp(String session, String body, Optional<String> bearer) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/mcp"))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    if (!session.isEmpty()) {
      request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(String url) throws Exception {
    HttpResponse<String> response = get(url);
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return Json.mapper().readTree(response.body());
  }

  private String endpoint(String name) {
    String url = serverMetadata.path(name).asString("");
    assertThat(url).as(name).isNotEmpty();
    return url;
  }

  static String s256(String verifier) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  static String random(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  static String form(Map<String, String> params) {
    StringBuilder out = new StringBuilder();
    params.forEach((k, v) ->
        out.append(out.isEmpty() ? "" : "&")
            .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return out.toString();
  }

  static Map<String, String> parse(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** JSON-RPC bodies for {@code /mcp}. */
  static final class McpEndpointCalls {
    static final String INITIALIZE =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    static String call(int id, String tool, String arguments) {
      return "{\"jsonrpc\":\"2.0\",\"id\":"
          + id
          + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
          + tool
          + "\",\"arguments\":"
          + arguments
          + "}}";
    }

    private McpEndpointCalls() {}
  }
}
