package dev.clawgate.gateway.oauth;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.oauth.OAuthException;
import dev.clawgate.core.oauth.OAuthServer;
import dev.clawgate.core.pairing.Approver;
import dev.clawgate.core.pairing.Secrets;
import dev.clawgate.gateway.AuthRateLimiter;
import dev.clawgate.gateway.HttpEndpoint;
import dev.clawgate.gateway.mcp.McpEndpoint;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OAuth endpoints on the gateway port: metadata under {@code /.well-known/} (protected
 * resource, RFC 9728, in both the path-inserted and the root form; authorization server, RFC 8414),
 * and under {@code /oauth/}: {@code register} (RFC 7591), {@code authorize}, the consent page
 * {@code consent}, {@code token} and {@code revoke} (RFC 7009).
 *
 * <p>Errors follow the RFCs: the token endpoint answers {@code {"error", "error_description"}} with
 * 400 (401 for {@code invalid_client}); an authorization request that cannot be trusted to redirect
 * (unknown client, unregistered redirect URI) gets an error page and no redirect.
 */
public final class OAuthEndpoints {
  /** The prefix of the OAuth endpoints. */
  public static final String OAUTH_PREFIX = "/oauth/";

  /** The prefix of the metadata documents. */
  public static final String WELL_KNOWN_PREFIX = "/.well-known/";

  /** The body limit of both mounts. */
  public static final long MAX_BODY = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(OAuthEndpoints.class);
  private static final String BROWSER_COOKIE = "clawgate_browser";

  private final OAuthServer server;
  private final GatewayConfig.AuthConfig auth;
  private final AuthRateLimiter limiter;

  /** The endpoints of {@code server}. */
  public OAuthEndpoints(OAuthServer server, GatewayConfig.AuthConfig auth, Clock clock) {
    this.server = server;
    this.auth = auth;
    this.limiter = new AuthRateLimiter(auth.rateLimit(), clock);
  }

  /** The handler of {@value #OAUTH_PREFIX}. */
  public HttpEndpoint oauth() {
    return this::oauth;
  }

  /** The handler of {@value #WELL_KNOWN_PREFIX}. */
  public HttpEndpoint wellKnown() {
    return this::wellKnown;
  }

  // ---- metadata -------------------------------------------------------------------------------

  private HttpEndpoint.Reply wellKnown(HttpEndpoint.Request request) {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return methodNotAllowed("GET, HEAD");
    }
    String path = request.path();
    if (path.equals(McpEndpoint.RESOURCE_METADATA_PATH)
        || path.equals("/.well-known/oauth-protected-resource")) {
      return metadata(protectedResource());
    }
    if (path.equals("/.well-known/oauth-authorization-server")) {
      return metadata(authorizationServer());
    }
    return json(404, error("not_found", "no such metadata document"));
  }

  /** RFC 9728 protected resource metadata of {@code /mcp}. */
  ObjectNode protectedResource() {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("resource", server.resource());
    body.putArray("authorization_servers").add(server.issuer());
    scopes(body.putArray("scopes_supported"));
    body.putArray("bearer_methods_supported").add("header");
    body.put("resource_name", "clawgate");
    return body;
  }

  /** RFC 8414 authorization server metadata. */
  ObjectNode authorizationServer() {
    String issuer = server.issuer();
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("issuer", issuer);
    body.put("authorization_endpoint", issuer + "/oauth/authorize");
    body.put("token_endpoint", issuer + "/oauth/token");
    body.put("registration_endpoint", issuer + "/oauth/register");
    body.put("revocation_endpoint", issuer + "/oauth/revoke");
    scopes(body.putArray("scopes_supported"));
    body.putArray("response_types_supported").add("code");
    body.putArray("response_modes_supported").add("query");
    body.putArray("grant_types_supported").add("authorization_code").add("refresh_token");
    body.putArray("code_challenge_methods_supported").add("S256");
    body.putArray("token_endpoint_auth_methods_supported").add("none");
    body.putArray("revocation_endpoint_auth_methods_supported").add("none");
    body.put("client_id_metadata_document_supported", true);
    body.put("authorization_response_iss_parameter_supported", true);
    return body;
  }

  private static void scopes(ArrayNode array) {
    OAuthServer.SCOPES_SUPPORTED.names().forEach(array::add);
  }

  private static HttpEndpoint.Reply metadata(ObjectNode body) {
    return new HttpEndpoint.Reply(
        200,
        "application/json",
        body.toString().getBytes(StandardCharsets.UTF_8),
        Map.of("Access-Control-Allow-Origin", "*"));
  }

  // ---- /oauth/* -------------------------------------------------------------------------------

  private HttpEndpoint.Reply oauth(HttpEndpoint.Request request) {
    String path = request.path();
    String method = request.method();
    return switch (path) {
      case "/oauth/register" ->
          method.equals("POST") ? register(request) : methodNotAllowed("POST");
      case "/oauth/authorize" ->
          method.equals("GET") ? authorize(request) : methodNotAllowed("GET");
      case "/oauth/consent" ->
          switch (method) {
            case "GET" -> consentPage(request);
            case "POST" -> consentDecision(request);
            default -> methodNotAllowed("GET, POST");
          };
      case "/oauth/token" -> method.equals("POST") ? token(request) : methodNotAllowed("POST");
      case "/oauth/revoke" -> method.equals("POST") ? revoke(request) : methodNotAllowed("POST");
      default -> json(404, error("not_found", "no such OAuth endpoint"));
    };
  }

  private HttpEndpoint.Reply register(HttpEndpoint.Request request) {
    if (!isMediaType(request, "application/json")) {
      return json(400, error("invalid_client_metadata", "the body must be application/json"));
    }
    JsonNode metadata;
    try {
      metadata = Json.mapper().readTree(request.body());
    } catch (JacksonException e) {
      return json(400, error("invalid_client_metadata", "the body is not valid JSON"));
    }
    try {
      OAuthServer.Registered registered = server.register(metadata, request.remoteAddress());
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("client_id", registered.client().clientId());
      body.put("client_id_issued_at", registered.client().createdAtMs() / 1000);
      body.setAll((ObjectNode) registered.metadata());
      return json(201, body);
    } catch (OAuthException e) {
      return oauthError(e);
    }
  }

  private HttpEndpoint.Reply authorize(HttpEndpoint.Request request) {
    Map<String, String> query;
    try {
      query = Forms.parse(request.query());
    } catch (IllegalArgumentException e) {
      return page(400, "Bad authorization request", String.valueOf(e.getMessage()));
    }
    String browser = browser(request).orElseGet(() -> Forms.randomId());
    OAuthServer.Authorization outcome =
        server.authorize(
            new OAuthServer.AuthorizeRequest(
                opt(query, "response_type"),
                opt(query, "client_id"),
                opt(query, "redirect_uri"),
                opt(query, "state"),
                opt(query, "code_challenge"),
                opt(query, "code_challenge_method"),
                opt(query, "scope"),
                opt(query, "resource")),
            request.remoteAddress(),
            Optional.of(browser));
    HttpEndpoint.Reply reply =
        switch (outcome) {
          case OAuthServer.Unredirectable bad ->
              page(400, "This authorization request cannot be completed", bad.message());
          case OAuthServer.Redirect redirect -> redirect(redirect.location());
          case OAuthServer.NeedsConsent consent ->
              redirect("/oauth/consent?id=" + Forms.encode(consent.authorizationId()));
        };
    return withBrowserCookie(reply, browser);
  }

  /**
   * The browser id cookie: it lets a browser that completed an owner-approved authorization of a
   * client skip the consent next time (see {@link OAuthServer#authorize}). HttpOnly, SameSite=Lax
   * (sent on the top-level navigation from the client to {@code /oauth/authorize}), Secure when the
   * gateway is reached over https.
   */
  private HttpEndpoint.Reply withBrowserCookie(HttpEndpoint.Reply reply, String browser) {
    Map<String, String> headers = new LinkedHashMap<>(reply.headers());
    headers.put(
        "Set-Cookie",
        BROWSER_COOKIE
            + "="
            + browser
            + "; Path=/oauth/; Max-Age="
            + OAuthServer.BROWSER_TRUST.toSeconds()
            + "; HttpOnly; SameSite=Lax"
            + (server.issuer().startsWith("https://") ? "; Secure" : ""));
    return new HttpEndpoint.Reply(reply.status(), reply.contentType(), reply.body(), headers);
  }

  /** The browser id from the request's cookie, when it has a well-formed one. */
  private static Optional<String> browser(HttpEndpoint.Request request) {
    for (String header : request.headers().getOrDefault("cookie", java.util.List.of())) {
      for (String cookie : header.split(";")) {
        String[] pair = cookie.trim().split("=", 2);
        if (pair.length == 2 && pair[0].trim().equals(BROWSER_COOKIE)) {
          // RFC 2965 clients quote the value.
          String value = pair[1].trim().replaceAll("^\"|\"$", "");
          if (value.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.of(value);
          }
        }
      }
    }
    return Optional.empty();
  }

  private HttpEndpoint.Reply consentPage(HttpEndpoint.Request request) {
    Map<String, String> query;
    try {
      query = Forms.parse(request.query());
    } catch (IllegalArgumentException e) {
      return page(400, "Bad request", String.valueOf(e.getMessage()));
    }
    return consentReply(
        server.consent(query.getOrDefault("id", ""), browser(request)),
        query.containsKey("wait"),
        "",
        200);
  }

  private HttpEndpoint.Reply consentDecision(HttpEndpoint.Request request) {
    Map<String, String> form;
    try {
      form = Forms.parse(new String(request.body(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return page(400, "Bad request", String.valueOf(e.getMessage()));
    }
    String id = form.getOrDefault("id", "");
    String decision = form.getOrDefault("decision", "");
    if (!decision.equals("approve") && !decision.equals("deny")) {
      return page(400, "Bad request", "decision must be approve or deny");
    }
    String address = request.remoteAddress();
    OptionalLong locked = limiter.lockedOut(address, false);
    if (locked.isPresent()) {
      return consentReply(
          server.consent(id),
          false,
          "Too many wrong attempts from this address; try again in "
              + Math.max(1, locked.getAsLong() / 1000)
              + " s.",
          429);
    }
    if (!secretMatches(form.getOrDefault("secret", ""))) {
      limiter.recordFailure(address, false, DetailCode.AUTH_TOKEN_MISMATCH);
      LOG.info("consent page: wrong shared secret from {}", address);
      return consentReply(
          server.consent(id), false, "That is not the gateway's " + secretName() + ".", 401);
    }
    limiter.recordSuccess(address);
    Approver owner =
        new Approver("owner:consent-page", ScopeSet.of(Scope.ADMIN), Optional.empty(), address);
    try {
      OAuthServer.ConsentState state =
          decision.equals("approve")
              ? server.approve(id, owner, browser(request))
              : server.deny(id, owner);
      return consentReply(state, false, "", 200);
    } catch (ClawgateException e) {
      return consentReply(server.consent(id), false, String.valueOf(e.getMessage()), 409);
    }
  }

  private HttpEndpoint.Reply consentReply(
      OAuthServer.ConsentState state, boolean waiting, String problem, int status) {
    return switch (state) {
      case OAuthServer.Waiting w ->
          html(status, ConsentPage.waiting(w.view(), secretName(), waiting, problem));
      case OAuthServer.Decided decided -> redirect(decided.location());
      case OAuthServer.Gone gone ->
          html(status == 200 ? 410 : status, ConsentPage.message("Nothing to do", gone.message()));
    };
  }

  /** {@code token} or {@code password}; empty when there is no shared secret. */
  private String secretName() {
    return switch (auth.mode()) {
      case TOKEN -> "token";
      case PASSWORD -> "password";
      case NONE -> "";
    };
  }

  private boolean secretMatches(String presented) {
    Optional<String> expected =
        switch (auth.mode()) {
          case TOKEN -> auth.token();
          case PASSWORD -> auth.password();
          case NONE -> Optional.empty();
        };
    return expected.isPresent() && !presented.isEmpty() && Secrets.equal(presented, expected.get());
  }

  private HttpEndpoint.Reply token(HttpEndpoint.Request request) {
    try {
      return json(200, server.token(form(request)).toJson());
    } catch (OAuthException e) {
      return oauthError(e);
    }
  }

  private HttpEndpoint.Reply revoke(HttpEndpoint.Request request) {
    try {
      server.revoke(form(request));
      return new HttpEndpoint.Reply(200, "application/json", new byte[0], Map.of());
    } catch (OAuthException e) {
      return oauthError(e);
    }
  }

  /** The form of a token or revocation request; the client may name itself by HTTP Basic. */
  private static Map<String, String> form(HttpEndpoint.Request request) {
    if (!isMediaType(request, "application/x-www-form-urlencoded")) {
      throw OAuthException.invalidRequest("the body must be application/x-www-form-urlencoded");
    }
    Map<String, String> form;
    try {
      form = new LinkedHashMap<>(Forms.parse(new String(request.body(), StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw OAuthException.invalidRequest(String.valueOf(e.getMessage()));
    }
    Optional<String> basic =
        request.header("authorization").filter(v -> v.regionMatches(true, 0, "Basic ", 0, 6));
    if (basic.isPresent()) {
      String user = Forms.basicUser(basic.get().substring(6).trim());
      if (form.containsKey("client_id") && !form.get("client_id").equals(user)) {
        throw OAuthException.invalidRequest("client_id differs from the HTTP Basic user");
      }
      form.put("client_id", user);
    }
    return form;
  }

  // ---- replies --------------------------------------------------------------------------------

  private static Optional<String> opt(Map<String, String> query, String name) {
    return Optional.ofNullable(query.get(name));
  }

  private static boolean isMediaType(HttpEndpoint.Request request, String type) {
    return request
        .header("content-type")
        .map(v -> v.split(";", 2)[0].trim().equalsIgnoreCase(type))
        .orElse(false);
  }

  private static HttpEndpoint.Reply oauthError(OAuthException e) {
    Map<String, String> headers =
        e.status() == 401
            ? Map.of("WWW-Authenticate", "Basic realm=\"clawgate\"", "Pragma", "no-cache")
            : Map.of("Pragma", "no-cache");
    return new HttpEndpoint.Reply(
        e.status(),
        "application/json",
        error(e.error(), e.description()).toString().getBytes(StandardCharsets.UTF_8),
        headers);
  }

  private static ObjectNode error(String code, String description) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("error", code);
    body.put("error_description", description);
    return body;
  }

  private static HttpEndpoint.Reply json(int status, ObjectNode body) {
    return HttpEndpoint.Reply.json(status, body.toString());
  }

  private static HttpEndpoint.Reply methodNotAllowed(String allow) {
    return new HttpEndpoint.Reply(
        405,
        "application/json",
        error("invalid_request", "method not allowed").toString().getBytes(StandardCharsets.UTF_8),
        Map.of("Allow", allow));
  }

  private static HttpEndpoint.Reply redirect(String location) {
    Map<String, String> headers = new LinkedHashMap<>(ConsentPage.HEADERS);
    headers.put("Location", location);
    return new HttpEndpoint.Reply(303, "text/plain; charset=utf-8", new byte[0], headers);
  }

  private static HttpEndpoint.Reply html(int status, String html) {
    return new HttpEndpoint.Reply(
        status,
        "text/html; charset=utf-8",
        html.getBytes(StandardCharsets.UTF_8),
        ConsentPage.HEADERS);
  }

  private static HttpEndpoint.Reply page(int status, String title, String text) {
    return html(status, ConsentPage.message(title, text));
  }

  /** Decodes {@code application/x-www-form-urlencoded} text. */
  static final class Forms {
    private Forms() {}

    /**
     * The parameters of a query or form body.
     *
     * @throws IllegalArgumentException for a parameter given twice (RFC 6749 §3.1) or bad encoding
     */
    static Map<String, String> parse(String text) {
      Map<String, String> out = new LinkedHashMap<>();
      if (text.isEmpty()) {
        return out;
      }
      for (String pair : text.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (out.putIfAbsent(name, value) != null) {
          throw new IllegalArgumentException("parameter " + name + " is given more than once");
        }
      }
      return out;
    }

    /** 32 random bytes, base64url (43 characters). */
    static String randomId() {
      byte[] raw = new byte[32];
      RANDOM.nextBytes(raw);
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    static String encode(String value) {
      return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
      try {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed percent-encoding", e);
      }
    }

    /** The user of an HTTP Basic credential (RFC 6749 §2.3.1: form-encoded, then base64). */
    static String basicUser(String credential) {
      String decoded;
      try {
        decoded =
            new String(java.util.Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw OAuthException.invalidClient("malformed HTTP Basic credential");
      }
      int colon = decoded.indexOf(':');
      return decode(colon < 0 ? decoded : decoded.substring(0, colon));
    }
  }
}
