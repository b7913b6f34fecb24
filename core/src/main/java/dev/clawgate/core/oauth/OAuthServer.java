package dev.clawgate.core.oauth;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.pairing.Approver;
import dev.clawgate.core.pairing.DeviceKind;
import dev.clawgate.core.pairing.PairedDevice;
import dev.clawgate.core.pairing.PairingRequest;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.pairing.RequestState;
import dev.clawgate.core.pairing.Secrets;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway as OAuth 2.1 authorization server of its own MCP endpoint. Every client is public
 * (PKCE S256, no client secret); consent is a pairing request of the client's device, so the rules
 * of pairing hold: an approval is final, a later authorization for the same or fewer scopes passes
 * without asking, and a step-up asks only for the scopes not yet approved and grants the union.
 *
 * <p>Tokens are opaque and stored as SHA-256 hashes. An access token lives {@link #ACCESS_TTL} and
 * is bound to one resource (the {@code /mcp} URL); a refresh token is single use and rotates on
 * every refresh. Presenting a used refresh token, or a used authorization code, revokes the whole
 * grant it belongs to (RFC 9700 §4.14, RFC 6749 §4.1.2).
 */
public final class OAuthServer {
  /** How long an access token is valid. */
  public static final Duration ACCESS_TTL = Duration.ofHours(1);

  /** How long a refresh token is valid (each refresh issues a new one). */
  public static final Duration REFRESH_TTL = Duration.ofDays(30);

  /** How long an authorization code is valid. */
  public static final Duration CODE_TTL = Duration.ofSeconds(60);

  /** How long a client ID metadata document is used before it is fetched again. */
  static final Duration DOCUMENT_TTL = Duration.ofHours(1);

  /** The scopes a client may ask for, in the order metadata lists them. */
  public static final ScopeSet SCOPES_SUPPORTED =
      ScopeSet.of(Scope.READ, Scope.WRITE, Scope.APPROVALS);

  /** What an authorization without a {@code scope} parameter asks for. */
  public static final ScopeSet DEFAULT_SCOPES = ScopeSet.of(Scope.READ);

  /** Dynamic registrations kept at once (unapproved ones are swept after a week). */
  static final int MAX_DYNAMIC_CLIENTS = 1000;

  static final String ACCESS_PREFIX = "cga_";
  static final String REFRESH_PREFIX = "cgr_";
  static final String CODE_PREFIX = "cgc_";
  static final String STATIC_PREFIX = "cgt_";

  private static final int MAX_FIELD = 2000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final StateStore store;
  private final PairingService pairing;
  private final Clock clock;
  private final java.util.function.Supplier<String> issuer;
  private final String resourcePath;
  private final ClientDocuments documents;
  private final OAuthEvents events;

  /**
   * An authorization server.
   *
   * @param issuer this server's issuer URL (the gateway's public base URL, no trailing slash); a
   *     supplier, since a gateway on an ephemeral port knows it only once listening
   * @param resourcePath the path of the one resource it issues tokens for ({@code /mcp})
   */
  public OAuthServer(
      StateStore store,
      PairingService pairing,
      Clock clock,
      java.util.function.Supplier<String> issuer,
      String resourcePath,
      ClientDocuments documents,
      OAuthEvents events) {
    this.store = Objects.requireNonNull(store, "null store");
    this.pairing = Objects.requireNonNull(pairing, "null pairing");
    this.clock = Objects.requireNonNull(clock, "null clock");
    this.issuer = Objects.requireNonNull(issuer, "null issuer");
    this.resourcePath = Objects.requireNonNull(resourcePath, "null resourcePath");
    this.documents = Objects.requireNonNull(documents, "null documents");
    this.events = Objects.requireNonNull(events, "null events");
  }

  /** The issuer URL. */
  public String issuer() {
    return issuer.get();
  }

  /** The resource its tokens are for. */
  public String resource() {
    return issuer.get() + resourcePath;
  }

  // ---- clients --------------------------------------------------------------------------------

  /**
   * Dynamic client registration (RFC 7591). A registration with the same client name and redirect
   * URIs as an existing dynamic client is that client (the same id, so no sprawl and no second
   * consent); loopback redirect URIs compare without their port.
   *
   * @return the client and whether it was created now
   * @throws OAuthException {@code invalid_redirect_uri} or {@code invalid_client_metadata}
   */
  public Registered register(JsonNode metadata, String remoteAddress) {
    if (!metadata.isObject()) {
      throw OAuthException.invalidClientMetadata("the registration must be a JSON object");
    }
    Validated client = validate(metadata, "dynamic");
    long now = clock.millis();
    Registered registered =
        committing(tx -> {
          Optional<OAuthClient> existing =
              tx.first(
                  "SELECT * FROM oauth_clients WHERE dedup_key = ?",
                  OAuthServer::mapClient,
                  client.dedupKey());
          if (existing.isPresent()) {
            tx.update(
                "UPDATE oauth_clients SET redirect_uris = ?, metadata = ?, refreshed_at_ms = ?"
                    + " WHERE client_id = ?",
                String.join(" ", client.redirectUris()),
                client.metadata().toString(),
                now,
                existing.get().clientId());
            return new Registered(
                byId(tx, existing.get().clientId()).orElseThrow(), client.metadata(), false);
          }
          long count =
              tx.scalar("SELECT COUNT(*) FROM oauth_clients WHERE registration = 'dynamic'");
          if (count >= MAX_DYNAMIC_CLIENTS) {
            throw OAuthException.temporarilyUnavailable(
                "too many registered clients; remove unused ones with clawgate devices remove");
          }
          String clientId = "cgc-" + randomId(16);
          insertClient(tx, clientId, "dynamic", client, now);
          audit(
              tx,
              now,
              "oauth.register",
              "client:" + clientId,
              deviceIdOf(clientId),
              remoteAddress,
              Map.of("clientName", client.name(), "redirectUris", client.redirectUris()));
          return new Registered(byId(tx, clientId).orElseThrow(), client.metadata(), true);
        });
    if (registered.created()) {
      events.on(OAuthEvents.Event.REGISTER);
    }
    return registered;
  }

  /**
   * A registration's outcome.
   *
   * @param client the client
   * @param metadata the metadata as accepted (the registration response echoes it)
   * @param created whether the client is new
   */
  public record Registered(OAuthClient client, JsonNode metadata, boolean created) {}

  /** Registers a client from the CLI (no deduplication: the owner names it). */
  public OAuthClient registerFromCli(String name, List<String> redirectUris, Approver approver) {
    ObjectNode metadata = Json.mapper().createObjectNode();
    metadata.put("client_name", name);
    ArrayNode uris = metadata.putArray("redirect_uris");
    redirectUris.forEach(uris::add);
    Validated client = validate(metadata, "cli");
    long now = clock.millis();
    return store.write(tx -> {
      String clientId = "cgc-" + randomId(16);
      insertClient(
          tx,
          clientId,
          "cli",
          new Validated(client.name(), client.redirectUris(), client.metadata(), "cli:" + clientId),
          now);
      audit(
          tx,
          now,
          "oauth.register",
          approver.actor(),
          deviceIdOf(clientId),
          approver.remoteAddress(),
          Map.of("clientName", name, "redirectUris", redirectUris));
      return byId(tx, clientId).orElseThrow();
    });
  }

  /**
   * The client of {@code clientId}: a registered one, or the one its metadata document describes
   * (fetched, validated and kept for {@link #DOCUMENT_TTL}).
   *
   * @throws OAuthException {@code invalid_client} when there is no such client
   */
  public OAuthClient client(String clientId) {
    if (clientId.isEmpty() || clientId.length() > MAX_FIELD) {
      throw OAuthException.invalidClient("client_id is missing or too long");
    }
    record Stored(OAuthClient client, long refreshedAtMs) {}
    Optional<Stored> known =
        store.read(tx ->
            tx.first(
                "SELECT * FROM oauth_clients WHERE client_id = ?",
                rs -> new Stored(mapClient(rs), rs.getLong("refreshed_at_ms")),
                clientId));
    if (!clientId.startsWith("https://")) {
      return known
          .map(Stored::client)
          .orElseThrow(() ->
              OAuthException.invalidClient(
                  "unknown client_id; the client may have been removed by the owner: register"
                      + " again"));
    }
    long now = clock.millis();
    if (known.isPresent() && now - known.get().refreshedAtMs() < DOCUMENT_TTL.toMillis()) {
      return known.get().client();
    }
    URI url = documentUrl(clientId);
    JsonNode document = documents.fetch(url);
    if (!document.isObject() || !clientId.equals(document.path("client_id").asString(""))) {
      throw OAuthException.invalidClient(
          "the client ID metadata document at " + clientId + " must name itself as client_id");
    }
    String method = document.path("token_endpoint_auth_method").asString("none");
    if (!method.equals("none")) {
      throw OAuthException.invalidClient(
          "this server has public clients only; the metadata document asks for " + method);
    }
    Validated validated = validate(document, "metadata-document");
    return store.write(tx -> {
      if (byId(tx, clientId).isPresent()) {
        tx.update(
            "UPDATE oauth_clients SET client_name = ?, redirect_uris = ?, metadata = ?,"
                + " refreshed_at_ms = ? WHERE client_id = ?",
            validated.name(),
            String.join(" ", validated.redirectUris()),
            validated.metadata().toString(),
            now,
            clientId);
      } else {
        insertClient(
            tx,
            clientId,
            "metadata-document",
            new Validated(validated.name(), validated.redirectUris(), validated.metadata(), null),
            now);
      }
      return byId(tx, clientId).orElseThrow();
    });
  }

  private static URI documentUrl(String clientId) {
    try {
      URI url = new URI(clientId);
      if (url.getHost() == null
          || url.getRawFragment() != null
          || url.getRawPath() == null
          || url.getRawPath().isEmpty()
          || url.getRawPath().equals("/")) {
        throw OAuthException.invalidClient(
            "a URL client_id must be an https URL with a path and no fragment");
      }
      return url;
    } catch (URISyntaxException e) {
      throw OAuthException.invalidClient("client_id is not a valid URL");
    }
  }

  private record Validated(
      String name,
      List<String> redirectUris,
      JsonNode metadata,
      @org.jspecify.annotations.Nullable String dedupKey) {}

  private Validated validate(JsonNode metadata, String registration) {
    JsonNode uris = metadata.path("redirect_uris");
    if (!uris.isArray() || uris.isEmpty() || uris.size() > 20) {
      throw OAuthException.invalidRedirectUri("redirect_uris must be an array of 1 to 20 URIs");
    }
    List<String> redirectUris = new ArrayList<>();
    for (JsonNode uri : uris) {
      if (!uri.isString()) {
        throw OAuthException.invalidRedirectUri("redirect_uris must hold strings");
      }
      Optional<String> problem = RedirectUris.problem(uri.asString());
      if (problem.isPresent()) {
        throw OAuthException.invalidRedirectUri(problem.get());
      }
      if (!redirectUris.contains(uri.asString())) {
        redirectUris.add(uri.asString());
      }
    }
    JsonNode nameNode = metadata.path("client_name");
    if (!nameNode.isMissingNode() && !nameNode.isString()) {
      throw OAuthException.invalidClientMetadata("client_name must be a string");
    }
    String name = nameNode.asString("").strip();
    if (name.length() > 100) {
      throw OAuthException.invalidClientMetadata("client_name must be at most 100 characters");
    }
    if (name.isEmpty()) {
      name = RedirectUris.displayHost(redirectUris.get(0));
    }
    for (JsonNode type : metadata.path("grant_types")) {
      String value = type.asString("");
      if (!value.equals("authorization_code") && !value.equals("refresh_token")) {
        throw OAuthException.invalidClientMetadata(
            "grant_types may hold authorization_code and refresh_token only, not " + value);
      }
    }
    for (JsonNode type : metadata.path("response_types")) {
      if (!type.asString("").equals("code")) {
        throw OAuthException.invalidClientMetadata("response_types may hold code only");
      }
    }
    ObjectNode accepted = Json.mapper().createObjectNode();
    accepted.put("client_name", name);
    ArrayNode acceptedUris = accepted.putArray("redirect_uris");
    redirectUris.forEach(acceptedUris::add);
    accepted.putArray("grant_types").add("authorization_code").add("refresh_token");
    accepted.putArray("response_types").add("code");
    // Public clients only (PKCE): a requested secret-based method is replaced, as RFC 7591 §2
    // allows, and the response says so.
    accepted.put("token_endpoint_auth_method", "none");
    for (String optional : List.of("client_uri", "logo_uri", "software_id", "software_version")) {
      JsonNode value = metadata.path(optional);
      if (value.isString() && value.asString().length() <= MAX_FIELD) {
        accepted.put(optional, value.asString());
      }
    }
    TreeSet<String> normalized = new TreeSet<>();
    for (String uri : redirectUris) {
      normalized.add(RedirectUris.portless(uri).orElse(uri));
    }
    String dedupKey = registration + "\n" + name + "\n" + String.join("\n", normalized);
    return new Validated(name, redirectUris, accepted, hex(Secrets.hash(dedupKey)));
  }

  private static void insertClient(
      Tx tx, String clientId, String registration, Validated client, long now) {
    tx.update(
        "INSERT INTO oauth_clients (client_id, device_id, registration, client_name,"
            + " redirect_uris, dedup_key, metadata, created_at_ms, refreshed_at_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        clientId,
        deviceIdOf(clientId),
        registration,
        client.name(),
        String.join(" ", client.redirectUris()),
        client.dedupKey(),
        client.metadata().toString(),
        now,
        now);
  }

  /** The device id an OAuth client pairs as: stable for its client id. */
  public static String deviceIdOf(String clientId) {
    return DeviceKind.OAUTH_CLIENT.idPrefix()
        + hex(Secrets.hash("oauth-client:" + clientId)).substring(0, 24);
  }

  private static Optional<OAuthClient> byId(Tx tx, String clientId) {
    return tx.first(
        "SELECT * FROM oauth_clients WHERE client_id = ?", OAuthServer::mapClient, clientId);
  }

  private static OAuthClient mapClient(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new OAuthClient(
        rs.getString("client_id"),
        rs.getString("device_id"),
        rs.getString("registration"),
        rs.getString("client_name"),
        List.of(rs.getString("redirect_uris").split(" ")),
        rs.getLong("created_at_ms"));
  }

  // ---- authorization --------------------------------------------------------------------------

  /**
   * The parameters of an authorization request.
   *
   * @param responseType must be {@code code}
   * @param clientId the client
   * @param redirectUri where to answer (may be omitted when the client registered exactly one)
   * @param state the client's opaque state, returned as is
   * @param codeChallenge the PKCE challenge
   * @param codeChallengeMethod must be {@code S256}
   * @param scope space-separated scopes (default: {@link #DEFAULT_SCOPES})
   * @param resource the resource the token is for (RFC 8707; default: this server's resource)
   */
  public record AuthorizeRequest(
      Optional<String> responseType,
      Optional<String> clientId,
      Optional<String> redirectUri,
      Optional<String> state,
      Optional<String> codeChallenge,
      Optional<String> codeChallengeMethod,
      Optional<String> scope,
      Optional<String> resource) {}

  /** What an authorization request leads to. */
  public sealed interface Authorization {}

  /**
   * The request cannot be answered at the client's redirect URI (unknown client, unregistered
   * redirect): the user is shown {@code message} and nothing is sent anywhere (RFC 6749 §4.1.2.1).
   */
  public record Unredirectable(String message) implements Authorization {}

  /** Send the user agent to {@code location}: the client's redirect URI with a code or error. */
  public record Redirect(String location) implements Authorization {}

  /** The owner must consent: show the consent page of {@code authorizationId}. */
  public record NeedsConsent(String authorizationId) implements Authorization {}

  /** How long a browser stays confirmed as the owner's for a client. */
  public static final Duration BROWSER_TRUST = Duration.ofDays(30);

  /** {@link #authorize(AuthorizeRequest, String, Optional)} from an unknown browser. */
  public Authorization authorize(AuthorizeRequest request, String remoteAddress) {
    return authorize(request, remoteAddress, Optional.empty());
  }

  /**
   * Handles {@code GET /oauth/authorize}.
   *
   * <p>A client whose scopes the owner approved before gets its code at once only when {@code
   * browser} (the id of the user agent, from its cookie) completed an owner-approved authorization
   * of that client before: the code is sent in the redirect to whoever made this request, so
   * without such proof anyone could obtain one. Otherwise the owner is asked again (a pairing
   * request that changes no baseline when approved).
   */
  public Authorization authorize(
      AuthorizeRequest request, String remoteAddress, Optional<String> browser) {
    if (request.clientId().isEmpty()) {
      return new Unredirectable("The request names no client (client_id is missing).");
    }
    OAuthClient client;
    try {
      client = client(request.clientId().get());
    } catch (OAuthException e) {
      return new Unredirectable("Unknown client: " + e.description());
    }
    String redirectUri;
    if (request.redirectUri().isPresent()) {
      redirectUri = request.redirectUri().get();
      if (!client.allowsRedirect(redirectUri)) {
        return new Unredirectable(
            "The redirect URI is not registered for " + client.clientName() + ": " + redirectUri);
      }
    } else if (client.redirectUris().size() == 1) {
      redirectUri = client.redirectUris().get(0);
    } else {
      return new Unredirectable("The request names no redirect_uri.");
    }
    Optional<String> state = request.state();
    events.on(OAuthEvents.Event.AUTHORIZE);
    try {
      if (!request.responseType().equals(Optional.of("code"))) {
        throw OAuthException.unsupportedResponseType("response_type must be code");
      }
      String challenge =
          request
              .codeChallenge()
              .orElseThrow(
                  () -> OAuthException.invalidRequest("code_challenge is required (PKCE)"));
      if (!request.codeChallengeMethod().equals(Optional.of("S256"))) {
        throw OAuthException.invalidRequest("code_challenge_method must be S256");
      }
      if (!Pkce.isChallenge(challenge)) {
        throw OAuthException.invalidRequest(
            "code_challenge must be a base64url SHA-256 (43 characters)");
      }
      checkResource(request.resource());
      ScopeSet scopes = parseScopes(request.scope());
      PairingService.KeylessDevice who =
          new PairingService.KeylessDevice(
              client.deviceId(),
              DeviceKind.OAUTH_CLIENT,
              client.clientName(),
              Optional.of(client.clientId()),
              Optional.of(RedirectUris.displayHost(redirectUri)));
      boolean trusted = browser.map(b -> trustedBrowser(b, client.deviceId())).orElse(false);
      PairingService.Consent consent;
      try {
        consent = pairing.requestConsent(who, scopes, remoteAddress, !trusted);
      } catch (ClawgateException e) {
        throw OAuthException.temporarilyUnavailable(e.getMessage());
      }
      long now = clock.millis();
      return switch (consent) {
        case PairingService.Covered covered ->
            new Redirect(
                issueCode(
                    client, covered.device().deviceId(), redirectUri, state, challenge, scopes));
        case PairingService.Asked asked -> {
          String id = randomId(24);
          store.execute(tx ->
              tx.update(
                  "INSERT INTO oauth_authorizations (authorization_id, client_id, redirect_uri,"
                      + " state, code_challenge, resource, scopes, request_id, browser_hash,"
                      + " status, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                      + " 'pending', ?, ?)",
                  id,
                  client.clientId(),
                  redirectUri,
                  state.orElse(null),
                  challenge,
                  resource(),
                  scopes.spaceSeparated(),
                  asked.request().requestId(),
                  browser.map(Secrets::hash).orElse(null),
                  now,
                  asked.request().expiresAtMs()));
          yield new NeedsConsent(id);
        }
      };
    } catch (OAuthException e) {
      return new Redirect(errorRedirect(redirectUri, e, state));
    }
  }

  private void checkResource(Optional<String> requested) {
    if (requested.isPresent() && !canonical(requested.get()).equals(canonical(resource()))) {
      throw OAuthException.invalidTarget(
          "this server issues tokens for " + resource() + " only, not " + requested.get());
    }
  }

  /** RFC 8707 canonical form for comparison: no trailing slash, lower-case scheme and host. */
  static String canonical(String uri) {
    try {
      URI parsed = new URI(uri);
      if (parsed.getScheme() == null || parsed.getHost() == null) {
        return uri;
      }
      String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
      if (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return parsed.getScheme().toLowerCase(Locale.ROOT)
          + "://"
          + parsed.getHost().toLowerCase(Locale.ROOT)
          + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort())
          + path
          + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
    } catch (URISyntaxException e) {
      return uri;
    }
  }

  private static ScopeSet parseScopes(Optional<String> scope) {
    if (scope.isEmpty() || scope.get().isBlank()) {
      return DEFAULT_SCOPES;
    }
    List<String> names = new ArrayList<>();
    for (String name : scope.get().trim().split(" +")) {
      if (SCOPES_SUPPORTED.names().stream().noneMatch(name::equals)) {
        throw OAuthException.invalidScope(
            "unknown scope " + quote(name) + "; supported: " + SCOPES_SUPPORTED.spaceSeparated());
      }
      names.add(name);
    }
    return ScopeSet.ofNames(names);
  }

  private static String quote(String value) {
    return "'" + (value.length() > 60 ? value.substring(0, 57) + "..." : value) + "'";
  }

  private String issueCode(
      OAuthClient client,
      String deviceId,
      String redirectUri,
      Optional<String> state,
      String challenge,
      ScopeSet scopes) {
    String code = CODE_PREFIX + Secrets.newToken();
    long now = clock.millis();
    store.execute(tx ->
        tx.update(
            "INSERT INTO oauth_codes (code_hash, client_id, device_id, redirect_uri,"
                + " code_challenge, resource, scopes, created_at_ms, expires_at_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            Secrets.hash(code),
            client.clientId(),
            deviceId,
            redirectUri,
            challenge,
            resource(),
            scopes.spaceSeparated(),
            now,
            now + CODE_TTL.toMillis()));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("code", code);
    state.ifPresent(s -> params.put("state", s));
    params.put("iss", issuer());
    return withQuery(redirectUri, params);
  }

  private String errorRedirect(String redirectUri, OAuthException e, Optional<String> state) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("error", e.error());
    params.put("error_description", e.description());
    state.ifPresent(s -> params.put("state", s));
    params.put("iss", issuer());
    return withQuery(redirectUri, params);
  }

  private static String withQuery(String uri, Map<String, String> params) {
    StringBuilder out = new StringBuilder(uri);
    char separator = uri.indexOf('?') >= 0 ? '&' : '?';
    for (Map.Entry<String, String> param : params.entrySet()) {
      out.append(separator)
          .append(URLEncoder.encode(param.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return out.toString();
  }

  // ---- consent --------------------------------------------------------------------------------

  /**
   * What the consent page shows.
   *
   * @param authorizationId the authorization
   * @param clientName the client's name
   * @param clientId the client's id
   * @param registration how the client registered
   * @param redirectHost where the browser returns to
   * @param asked the scopes the owner is asked for (those not approved before)
   * @param held the scopes approved before
   * @param requestId the pairing request
   * @param approveCommand the CLI command that approves it
   * @param expiresAtMs when the request expires
   */
  public record ConsentView(
      String authorizationId,
      String clientName,
      String clientId,
      String registration,
      String redirectHost,
      ScopeSet asked,
      ScopeSet held,
      String requestId,
      String approveCommand,
      long expiresAtMs) {}

  /** The state of an authorization as its consent page sees it. */
  public sealed interface ConsentState {}

  /** Still waiting for the owner. */
  public record Waiting(ConsentView view) implements ConsentState {}

  /** Decided: send the browser to the client with the code or the refusal. */
  public record Decided(String location) implements ConsentState {}

  /** Nothing to do here any more (unknown, completed, expired). */
  public record Gone(String message) implements ConsentState {}

  private record PendingAuthorization(
      String id,
      String clientId,
      String redirectUri,
      Optional<String> state,
      String challenge,
      ScopeSet scopes,
      String requestId,
      Optional<byte[]> browserHash,
      String status,
      long expiresAtMs) {}

  /**
   * The consent state of {@code authorizationId}. Once the owner has approved (on the page or with
   * {@code clawgate devices approve}), the first call issues the code; the authorization is then
   * completed and later calls answer {@link Gone}.
   */
  public ConsentState consent(String authorizationId) {
    return consent(authorizationId, Optional.empty());
  }

  /**
   * {@link #consent(String)} seen from {@code browser}: when the authorization completes in the
   * browser that started it, that browser is remembered as the owner's for this client (for {@link
   * #BROWSER_TRUST}), so its next authorization for approved scopes asks nothing.
   */
  public ConsentState consent(String authorizationId, Optional<String> browser) {
    Optional<PendingAuthorization> found = authorization(authorizationId);
    if (found.isEmpty()) {
      return new Gone("This authorization request is unknown. Start again from your application.");
    }
    PendingAuthorization auth = found.get();
    if (!auth.status().equals("pending")) {
      return new Gone(
          auth.status().equals("completed")
              ? "This authorization is complete. You can close this page."
              : "This authorization request has ended. Start again from your application.");
    }
    OAuthClient client;
    try {
      client = client(auth.clientId());
    } catch (OAuthException e) {
      finish(auth.id(), "denied");
      return new Gone("The client was removed. Start again from your application.");
    }
    Optional<PairedDevice> device = pairing.device(client.deviceId());
    ScopeSet baseline = device.flatMap(d -> d.baseline(Role.OPERATOR)).orElse(ScopeSet.empty());
    Optional<PairingRequest> request = pairing.request(auth.requestId());
    RequestState state = request.map(PairingRequest::state).orElse(RequestState.EXPIRED);
    // Its own request must have been approved: a re-confirmation asks for scopes the device holds
    // already, so the baseline alone does not say that the owner answered this authorization.
    if (state == RequestState.APPROVED && device.isPresent() && baseline.covers(auth.scopes())) {
      if (!finish(auth.id(), "completed")) {
        return new Gone("This authorization is complete. You can close this page.");
      }
      if (browser.isPresent()
          && auth.browserHash().isPresent()
          && java.security.MessageDigest.isEqual(
              Secrets.hash(browser.get()), auth.browserHash().get())) {
        trustBrowser(browser.get(), client.deviceId());
      }
      events.on(OAuthEvents.Event.CONSENT_APPROVED);
      return new Decided(
          issueCode(
              client,
              client.deviceId(),
              auth.redirectUri(),
              auth.state(),
              auth.challenge(),
              auth.scopes()));
    }
    long now = clock.millis();
    if (state == RequestState.PENDING && request.get().expiresAtMs() > now) {
      PairingRequest live = request.get();
      return new Waiting(
          new ConsentView(
              auth.id(),
              client.clientName(),
              client.clientId(),
              client.registration(),
              RedirectUris.displayHost(auth.redirectUri()),
              live.scopes(),
              baseline,
              live.requestId(),
              live.approveCommand(),
              live.expiresAtMs()));
    }
    finish(auth.id(), "denied");
    String why =
        switch (state) {
          case REJECTED -> "the owner denied the request";
          case REMOVED -> "the owner removed the client";
          case APPROVED -> "the approval no longer covers the scopes asked";
          default -> "the owner did not answer in time";
        };
    return new Decided(
        errorRedirect(auth.redirectUri(), OAuthException.accessDenied(why), auth.state()));
  }

  /** {@link #approve(String, Approver, Optional)} from an unknown browser. */
  public ConsentState approve(String authorizationId, Approver approver) {
    return approve(authorizationId, approver, Optional.empty());
  }

  /** Approves the authorization's pairing request (the consent page, after the shared secret). */
  public ConsentState approve(String authorizationId, Approver approver, Optional<String> browser) {
    pendingRequestOf(authorizationId)
        .ifPresent(requestId -> pairing.approve(requestId, Optional.empty(), approver));
    return consent(authorizationId, browser);
  }

  /** Rejects the authorization's pairing request (the consent page's "Deny"). */
  public ConsentState deny(String authorizationId, Approver approver) {
    pendingRequestOf(authorizationId).ifPresent(requestId -> pairing.reject(requestId, approver));
    return consent(authorizationId);
  }

  /** The pairing request of a pending authorization, while that request is pending too. */
  private Optional<String> pendingRequestOf(String authorizationId) {
    return authorization(authorizationId)
        .filter(auth -> auth.status().equals("pending"))
        .map(PendingAuthorization::requestId)
        .filter(requestId ->
            pairing.request(requestId).map(r -> r.state() == RequestState.PENDING).orElse(false));
  }

  private boolean trustedBrowser(String browser, String deviceId) {
    long now = clock.millis();
    return store.read(tx ->
        tx.scalar(
            "SELECT COUNT(*) FROM oauth_trusted_browsers WHERE browser_hash = ?"
                + " AND device_id = ? AND expires_at_ms > ?",
            Secrets.hash(browser),
            deviceId,
            now))
        > 0;
  }

  private void trustBrowser(String browser, String deviceId) {
    long now = clock.millis();
    store.execute(tx ->
        tx.update(
            "INSERT INTO oauth_trusted_browsers (browser_hash, device_id, created_at_ms,"
                + " expires_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (browser_hash, device_id)"
                + " DO UPDATE SET expires_at_ms = excluded.expires_at_ms",
            Secrets.hash(browser),
            deviceId,
            now,
            now + BROWSER_TRUST.toMillis()));
  }

  private Optional<PendingAuthorization> authorization(String id) {
    if (id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    long now = clock.millis();
    return store.read(tx ->
        tx.first(
            "SELECT * FROM oauth_authorizations WHERE authorization_id = ?",
            rs ->
                new PendingAuthorization(
                    rs.getString("authorization_id"),
                    rs.getString("client_id"),
                    rs.getString("redirect_uri"),
                    Tx.optString(rs, "state"),
                    rs.getString("code_challenge"),
                    ScopeSet.ofSpaceSeparated(rs.getString("scopes")),
                    rs.getString("request_id"),
                    Optional.ofNullable(rs.getBytes("browser_hash")),
                    rs.getString("status").equals("pending") && rs.getLong("expires_at_ms") <= now
                        ? "expired"
                        : rs.getString("status"),
                    rs.getLong("expires_at_ms")),
            id));
  }

  /** Moves a pending authorization to {@code status}; false when it was no longer pending. */
  private boolean finish(String id, String status) {
    long now = clock.millis();
    return store.write(tx ->
        tx.update(
            "UPDATE oauth_authorizations SET status = ?, completed_at_ms = ?"
                + " WHERE authorization_id = ? AND status = 'pending'",
            status,
            now,
            id))
        == 1;
  }

  // ---- token endpoint -------------------------------------------------------------------------

  /**
   * A token response (RFC 6749 §5.1).
   *
   * @param accessToken the access token
   * @param expiresInSeconds its lifetime
   * @param refreshToken the refresh token
   * @param scopes what the access token allows
   */
  public record TokenResponse(
      String accessToken, long expiresInSeconds, String refreshToken, ScopeSet scopes) {
    /** The JSON body. */
    public ObjectNode toJson() {
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("access_token", accessToken);
      body.put("token_type", "Bearer");
      body.put("expires_in", expiresInSeconds);
      body.put("refresh_token", refreshToken);
      body.put("scope", scopes.spaceSeparated());
      return body;
    }

    @Override
    public String toString() {
      return "TokenResponse[scopes=" + scopes + ", tokens=<redacted>]";
    }
  }

  /**
   * Handles {@code POST /oauth/token} with its form parameters (each present at most once).
   *
   * @throws OAuthException the error to answer
   */
  public TokenResponse token(Map<String, String> form) {
    String grantType = required(form, "grant_type");
    OAuthClient client = client(required(form, "client_id"));
    return switch (grantType) {
      case "authorization_code" -> exchangeCode(client, form);
      case "refresh_token" -> refresh(client, form);
      default ->
          throw OAuthException.unsupportedGrantType(
              "grant_type must be authorization_code or refresh_token");
    };
  }

  private static String required(Map<String, String> form, String name) {
    String value = form.get(name);
    if (value == null || value.isEmpty()) {
      throw OAuthException.invalidRequest(name + " is required");
    }
    return value;
  }

  private record CodeRow(
      String clientId,
      String deviceId,
      String redirectUri,
      String challenge,
      String resource,
      ScopeSet scopes,
      long expiresAtMs,
      Optional<Long> usedAtMs,
      Optional<String> grantId) {}

  private TokenResponse exchangeCode(OAuthClient client, Map<String, String> form) {
    String code = required(form, "code");
    String verifier = form.getOrDefault("code_verifier", "");
    if (verifier.isEmpty()) {
      throw OAuthException.invalidRequest("code_verifier is required (PKCE)");
    }
    String redirectUri = required(form, "redirect_uri");
    checkResource(Optional.ofNullable(form.get("resource")));
    long now = clock.millis();
    byte[] hash = Secrets.hash(code);
    return committing(tx -> {
      CodeRow row =
          tx.first(
                  "SELECT * FROM oauth_codes WHERE code_hash = ?",
                  rs ->
                      new CodeRow(
                          rs.getString("client_id"),
                          rs.getString("device_id"),
                          rs.getString("redirect_uri"),
                          rs.getString("code_challenge"),
                          rs.getString("resource"),
                          ScopeSet.ofSpaceSeparated(rs.getString("scopes")),
                          rs.getLong("expires_at_ms"),
                          Tx.optLong(rs, "used_at_ms"),
                          Tx.optString(rs, "grant_id")),
                  hash)
              .orElseThrow(() -> OAuthException.invalidGrant("unknown authorization code"));
      if (row.usedAtMs().isPresent()) {
        // A replayed code: whoever holds it may have stolen it; end what it produced.
        row.grantId().ifPresent(grant -> revokeGrant(tx, grant, "code-replay", now));
        audit(
            tx,
            now,
            "oauth.code_replay",
            "client:" + client.clientId(),
            row.deviceId(),
            "",
            Map.of("grantRevoked", row.grantId().isPresent()));
        throw OAuthException.invalidGrant(
            "authorization code was already used; the tokens issued for it are revoked");
      }
      // One attempt per code, whatever its outcome.
      tx.update("UPDATE oauth_codes SET used_at_ms = ? WHERE code_hash = ?", now, hash);
      if (row.expiresAtMs() <= now) {
        throw OAuthException.invalidGrant("authorization code expired");
      }
      if (!row.clientId().equals(client.clientId())) {
        throw OAuthException.invalidGrant("authorization code was issued to another client");
      }
      if (!row.redirectUri().equals(redirectUri)) {
        throw OAuthException.invalidGrant(
            "redirect_uri differs from the one of the authorization request");
      }
      if (!Pkce.isVerifier(verifier) || !Pkce.verifies(verifier, row.challenge())) {
        throw OAuthException.invalidGrant("code_verifier does not match the code_challenge");
      }
      ScopeSet scopes = effectiveScopes(tx, row.deviceId(), row.scopes());
      if (scopes.isEmpty()) {
        throw OAuthException.invalidGrant("the owner has withdrawn this client's access");
      }
      // What the client's latest grant held: a grant of more is a step-up, audited as such.
      ScopeSet previous =
          tx.first(
                  "SELECT scopes FROM oauth_grants WHERE device_id = ?"
                      + " ORDER BY created_at_ms DESC LIMIT 1",
                  rs -> ScopeSet.ofSpaceSeparated(rs.getString(1)),
                  row.deviceId())
              .orElse(ScopeSet.empty());
      String grantId = UUID.randomUUID().toString();
      tx.update(
          "INSERT INTO oauth_grants (grant_id, client_id, device_id, resource, scopes,"
              + " created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
          grantId,
          client.clientId(),
          row.deviceId(),
          row.resource(),
          scopes.spaceSeparated(),
          now);
      tx.update("UPDATE oauth_codes SET grant_id = ? WHERE code_hash = ?", grantId, hash);
      TokenResponse tokens = issueTokens(tx, grantId, row.deviceId(), row.resource(), scopes, now);
      audit(
          tx,
          now,
          "oauth.grant",
          "client:" + client.clientId(),
          row.deviceId(),
          "",
          Map.of(
              "grantId",
              grantId,
              "scopes",
              scopes.names(),
              "previousScopes",
              previous.names(),
              "stepUp",
              !previous.isEmpty() && !previous.covers(scopes)));
      touchClient(tx, client.clientId(), now);
      events.on(OAuthEvents.Event.TOKEN_ISSUED);
      return tokens;
    });
  }

  private TokenResponse refresh(OAuthClient client, Map<String, String> form) {
    String refreshToken = required(form, "refresh_token");
    checkResource(Optional.ofNullable(form.get("resource")));
    Optional<String> narrower = Optional.ofNullable(form.get("scope"));
    long now = clock.millis();
    byte[] hash = Secrets.hash(refreshToken);
    record RefreshRow(
        String deviceId,
        Optional<String> grantId,
        String resource,
        ScopeSet scopes,
        Optional<Long> expiresAtMs,
        Optional<Long> usedAtMs,
        Optional<Long> revokedAtMs,
        Optional<String> clientId) {}
    return committing(tx -> {
      RefreshRow row =
          tx.first(
                  "SELECT t.*, g.client_id AS grant_client FROM bearer_tokens t"
                      + " LEFT JOIN oauth_grants g ON g.grant_id = t.grant_id"
                      + " WHERE t.token_hash = ? AND t.kind = 'refresh'",
                  rs ->
                      new RefreshRow(
                          rs.getString("device_id"),
                          Tx.optString(rs, "grant_id"),
                          rs.getString("resource"),
                          ScopeSet.ofSpaceSeparated(rs.getString("scopes")),
                          Tx.optLong(rs, "expires_at_ms"),
                          Tx.optLong(rs, "used_at_ms"),
                          Tx.optLong(rs, "revoked_at_ms"),
                          Tx.optString(rs, "grant_client")),
                  hash)
              .orElseThrow(() -> OAuthException.invalidGrant("unknown refresh token"));
      if (!row.clientId().equals(Optional.of(client.clientId()))) {
        throw OAuthException.invalidGrant("refresh token was issued to another client");
      }
      if (row.revokedAtMs().isPresent()) {
        throw OAuthException.invalidGrant("refresh token was revoked; authorize again");
      }
      String grantId = row.grantId().orElseThrow();
      if (row.usedAtMs().isPresent()) {
        revokeGrant(tx, grantId, "refresh-reuse", now);
        audit(
            tx,
            now,
            "oauth.refresh_reuse",
            "client:" + client.clientId(),
            row.deviceId(),
            "",
            Map.of("grantId", grantId));
        events.on(OAuthEvents.Event.REFRESH_REUSE_DETECTED);
        throw OAuthException.invalidGrant(
            "refresh token was already used; every token of this grant is now revoked,"
                + " authorize again");
      }
      if (row.expiresAtMs().isPresent() && row.expiresAtMs().get() <= now) {
        throw OAuthException.invalidGrant("refresh token expired; authorize again");
      }
      ScopeSet scopes = row.scopes();
      if (narrower.isPresent()) {
        ScopeSet asked = parseScopes(narrower);
        if (!scopes.covers(asked)) {
          throw OAuthException.invalidScope(
              "a refresh cannot widen the grant; missing " + scopes.missing(asked));
        }
        scopes = asked;
      }
      scopes = effectiveScopes(tx, row.deviceId(), scopes);
      if (scopes.isEmpty()) {
        revokeGrant(tx, grantId, "access-withdrawn", now);
        throw OAuthException.invalidGrant("the owner has withdrawn this client's access");
      }
      tx.update("UPDATE bearer_tokens SET used_at_ms = ? WHERE token_hash = ?", now, hash);
      TokenResponse tokens = issueTokens(tx, grantId, row.deviceId(), row.resource(), scopes, now);
      touchClient(tx, client.clientId(), now);
      events.on(OAuthEvents.Event.TOKEN_REFRESHED);
      return tokens;
    });
  }

  /** The token scopes still covered by the device's current baseline. */
  private static ScopeSet effectiveScopes(Tx tx, String deviceId, ScopeSet scopes) {
    ScopeSet baseline =
        tx.first(
                "SELECT baseline_scopes FROM device_roles WHERE device_id = ? AND role = ?",
                rs -> ScopeSet.ofSpaceSeparated(rs.getString(1)),
                deviceId,
                Role.OPERATOR.wireName())
            .orElse(ScopeSet.empty());
    return scopes.allowedBy(baseline);
  }

  private TokenResponse issueTokens(
      Tx tx, String grantId, String deviceId, String audience, ScopeSet scopes, long now) {
    String access = ACCESS_PREFIX + Secrets.newToken();
    String refresh = REFRESH_PREFIX + Secrets.newToken();
    insertToken(
        tx,
        access,
        "access",
        deviceId,
        grantId,
        audience,
        scopes,
        now,
        now + ACCESS_TTL.toMillis());
    insertToken(
        tx,
        refresh,
        "refresh",
        deviceId,
        grantId,
        audience,
        scopes,
        now,
        now + REFRESH_TTL.toMillis());
    return new TokenResponse(access, ACCESS_TTL.toSeconds(), refresh, scopes);
  }

  private static void insertToken(
      Tx tx,
      String value,
      String kind,
      String deviceId,
      @org.jspecify.annotations.Nullable String grantId,
      @org.jspecify.annotations.Nullable String audience,
      ScopeSet scopes,
      long now,
      @org.jspecify.annotations.Nullable Long expiresAtMs) {
    tx.update(
        "INSERT INTO bearer_tokens (token_hash, kind, device_id, grant_id, resource, scopes,"
            + " created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        Secrets.hash(value),
        kind,
        deviceId,
        grantId,
        audience,
        scopes.spaceSeparated(),
        now,
        expiresAtMs);
  }

  private static void revokeGrant(Tx tx, String grantId, String reason, long now) {
    tx.update(
        "UPDATE oauth_grants SET revoked_at_ms = ?, revoked_reason = ?"
            + " WHERE grant_id = ? AND revoked_at_ms IS NULL",
        now,
        reason,
        grantId);
    tx.update(
        "UPDATE bearer_tokens SET revoked_at_ms = ? WHERE grant_id = ? AND revoked_at_ms IS NULL",
        now,
        grantId);
  }

  private static void touchClient(Tx tx, String clientId, long now) {
    tx.update("UPDATE oauth_clients SET last_used_at_ms = ? WHERE client_id = ?", now, clientId);
  }

  /**
   * Handles {@code POST /oauth/revoke} (RFC 7009): revoking a refresh token ends its grant,
   * revoking an access token ends that token. An unknown token, or one of another client, changes
   * nothing and is not reported (the endpoint answers 200 either way).
   */
  public void revoke(Map<String, String> form) {
    String token = required(form, "token");
    OAuthClient client = client(required(form, "client_id"));
    long now = clock.millis();
    byte[] hash = Secrets.hash(token);
    boolean revoked =
        store.write(tx -> {
          record Row(String kind, Optional<String> grantId, String deviceId) {}
          Optional<Row> row =
              tx.first(
                  "SELECT t.kind, t.grant_id, t.device_id FROM bearer_tokens t"
                      + " JOIN oauth_grants g ON g.grant_id = t.grant_id"
                      + " WHERE t.token_hash = ? AND g.client_id = ?",
                  rs ->
                      new Row(
                          rs.getString("kind"),
                          Tx.optString(rs, "grant_id"),
                          rs.getString("device_id")),
                  hash,
                  client.clientId());
          if (row.isEmpty()) {
            return false;
          }
          if (row.get().kind().equals("refresh")) {
            revokeGrant(tx, row.get().grantId().orElseThrow(), "revoked-by-client", now);
          } else {
            tx.update(
                "UPDATE bearer_tokens SET revoked_at_ms = ? WHERE token_hash = ?"
                    + " AND revoked_at_ms IS NULL",
                now,
                hash);
          }
          audit(
              tx,
              now,
              "oauth.revoke",
              "client:" + client.clientId(),
              row.get().deviceId(),
              "",
              Map.of("kind", row.get().kind()));
          return true;
        });
    if (revoked) {
      events.on(OAuthEvents.Event.TOKEN_REVOKED);
    }
  }

  // ---- static tokens --------------------------------------------------------------------------

  /**
   * A static token just made: its value is shown once. {@link #toString()} hides it.
   *
   * @param deviceId the token's device id ({@code token-...})
   * @param name its name
   * @param value the bearer value
   * @param scopes what it allows
   * @param expiresAtMs when it expires, if it does
   */
  public record CreatedToken(
      String deviceId, String name, String value, ScopeSet scopes, Optional<Long> expiresAtMs) {
    @Override
    public String toString() {
      return "CreatedToken["
          + deviceId
          + ", "
          + name
          + ", scopes="
          + scopes
          + ", value=<redacted>]";
    }
  }

  /**
   * A static token as listed (never its value).
   *
   * @param deviceId its device id
   * @param name its name
   * @param scopes what it allows now
   * @param createdAtMs when it was made
   * @param expiresAtMs when it expires
   * @param lastUsedAtMs when it was last used (updated at most once a minute)
   */
  public record StaticToken(
      String deviceId,
      String name,
      ScopeSet scopes,
      long createdAtMs,
      Optional<Long> expiresAtMs,
      Optional<Long> lastUsedAtMs) {}

  /**
   * Makes a static bearer token: a device of kind {@code token}, approved by {@code approver} for
   * {@code scopes} at once, with one token whose value is returned once.
   *
   * @throws ClawgateException for a name in use, bad scopes, or missing authority
   */
  public CreatedToken createStaticToken(
      String name, ScopeSet scopes, Optional<Duration> lifetime, Approver approver) {
    String trimmed = name.strip();
    if (trimmed.isEmpty() || trimmed.length() > 64 || !trimmed.matches("[\\p{L}\\p{N} ._@:-]+")) {
      throw ClawgateException.invalidParams(
          "name", "must be 1 to 64 letters, digits, spaces or . _ @ : -");
    }
    if (scopes.isEmpty() || !SCOPES_SUPPORTED.covers(scopes)) {
      throw ClawgateException.invalidParams(
          "scope", "must be one or more of " + String.join(", ", SCOPES_SUPPORTED.names()));
    }
    if (staticTokens().stream().anyMatch(t -> t.name().equalsIgnoreCase(trimmed))) {
      throw ClawgateException.invalidParams(
          "name", "a token named '" + trimmed + "' exists; revoke it first or choose another name");
    }
    long now = clock.millis();
    Optional<Long> expires = lifetime.map(d -> now + d.toMillis());
    String value = STATIC_PREFIX + Secrets.newToken();
    String deviceId = DeviceKind.TOKEN.idPrefix() + randomHex(12);
    pairing.approveKeyless(
        new PairingService.KeylessDevice(
            deviceId, DeviceKind.TOKEN, trimmed, Optional.empty(), Optional.empty()),
        scopes,
        approver,
        tx -> {
          insertToken(tx, value, "static", deviceId, null, null, scopes, now, expires.orElse(null));
          audit(
              tx,
              now,
              "token.create",
              approver.actor(),
              deviceId,
              approver.remoteAddress(),
              Map.of("name", trimmed, "scopes", scopes.names(), "expiresAtMs", expires.orElse(0L)));
        });
    return new CreatedToken(deviceId, trimmed, value, scopes, expires);
  }

  /** The static tokens, newest first. */
  public List<StaticToken> staticTokens() {
    return store.read(tx ->
        tx.list(
            "SELECT d.device_id, COALESCE(d.label, d.display_name, d.device_id) AS name,"
                + " t.scopes, t.created_at_ms, t.expires_at_ms, t.last_used_at_ms,"
                + " r.baseline_scopes FROM devices d"
                + " JOIN bearer_tokens t ON t.device_id = d.device_id AND t.kind = 'static'"
                + " LEFT JOIN device_roles r ON r.device_id = d.device_id AND r.role = 'operator'"
                + " WHERE d.kind = 'token' ORDER BY t.created_at_ms DESC",
            rs -> {
              ScopeSet baseline =
                  rs.getString("baseline_scopes") == null
                      ? ScopeSet.empty()
                      : ScopeSet.ofSpaceSeparated(rs.getString("baseline_scopes"));
              ScopeSet held = ScopeSet.ofSpaceSeparated(rs.getString("scopes"));
              return new StaticToken(
                  rs.getString("device_id"),
                  rs.getString("name"),
                  held.allowedBy(baseline),
                  rs.getLong("created_at_ms"),
                  Tx.optLong(rs, "expires_at_ms"),
                  Tx.optLong(rs, "last_used_at_ms"));
            }));
  }

  /**
   * Revokes a static token, named by its device id or its name: its device is removed, so the token
   * stops working at once.
   */
  public StaticToken revokeStaticToken(String idOrName, Approver approver) {
    List<StaticToken> matches =
        staticTokens().stream()
            .filter(t -> t.deviceId().equals(idOrName) || t.name().equalsIgnoreCase(idOrName))
            .toList();
    if (matches.isEmpty()) {
      throw ClawgateException.of(
              dev.clawgate.protocol.ErrorCode.NOT_FOUND,
              dev.clawgate.protocol.DetailCode.DEVICE_NOT_FOUND,
              "no static token has the id or name '"
                  + idOrName
                  + "'; list them with: clawgate tokens list")
          .build();
    }
    StaticToken token = matches.get(0);
    pairing.remove(token.deviceId(), approver);
    return token;
  }

  // ---- the resource server's check ------------------------------------------------------------

  /** The outcome of {@link #verify}. */
  public sealed interface BearerCheck {}

  /**
   * A valid token.
   *
   * @param deviceId the device it belongs to (the principal)
   * @param name the device's name
   * @param kind an OAuth client or a static token
   * @param scopes what it allows now (the token's scopes within the device's current baseline)
   */
  public record Valid(String deviceId, String name, DeviceKind kind, ScopeSet scopes)
      implements BearerCheck {}

  /** Not a valid token here; {@code why} is safe to show (it never holds the token). */
  public record Invalid(String why) implements BearerCheck {}

  /**
   * Checks a bearer token presented to {@code audience} (the URL of the endpoint it is presented
   * to): OAuth access tokens are valid for the resource they were issued for only; static tokens
   * for any endpoint of this gateway.
   */
  public BearerCheck verify(String token, String audience) {
    if (token.length() > 200
        || !(token.startsWith(ACCESS_PREFIX) || token.startsWith(STATIC_PREFIX))) {
      if (token.startsWith(REFRESH_PREFIX)) {
        return invalid("a refresh token is not an access token");
      }
      return invalid("not a token issued by this gateway");
    }
    long now = clock.millis();
    record Row(
        String kind,
        String deviceId,
        Optional<String> resource,
        ScopeSet scopes,
        Optional<Long> expiresAtMs,
        Optional<Long> revokedAtMs,
        Optional<Long> lastUsedAtMs,
        String name,
        String deviceKind,
        Optional<String> baseline) {}
    byte[] hash = Secrets.hash(token);
    Optional<Row> found =
        store.read(tx ->
            tx.first(
                "SELECT t.kind, t.device_id, t.resource, t.scopes, t.expires_at_ms,"
                    + " t.revoked_at_ms, t.last_used_at_ms,"
                    + " COALESCE(d.label, d.display_name, d.device_id) AS name,"
                    + " d.kind AS device_kind, r.baseline_scopes"
                    + " FROM bearer_tokens t JOIN devices d ON d.device_id = t.device_id"
                    + " LEFT JOIN device_roles r ON r.device_id = t.device_id AND r.role = ?"
                    + " WHERE t.token_hash = ?",
                rs ->
                    new Row(
                        rs.getString("kind"),
                        rs.getString("device_id"),
                        Tx.optString(rs, "resource"),
                        ScopeSet.ofSpaceSeparated(rs.getString("scopes")),
                        Tx.optLong(rs, "expires_at_ms"),
                        Tx.optLong(rs, "revoked_at_ms"),
                        Tx.optLong(rs, "last_used_at_ms"),
                        rs.getString("name"),
                        rs.getString("device_kind"),
                        Tx.optString(rs, "baseline_scopes")),
                Role.OPERATOR.wireName(),
                hash));
    if (found.isEmpty()) {
      return invalid("unknown or removed token");
    }
    Row row = found.get();
    if (row.kind().equals("refresh")) {
      return invalid("a refresh token is not an access token");
    }
    if (row.revokedAtMs().isPresent()) {
      return invalid("the token was revoked");
    }
    if (row.expiresAtMs().isPresent() && row.expiresAtMs().get() <= now) {
      return invalid("the token expired");
    }
    if (row.resource().isPresent()
        && !canonical(row.resource().get()).equals(canonical(audience))) {
      return invalid("the token was issued for another resource (" + row.resource().get() + ")");
    }
    ScopeSet baseline = row.baseline().map(ScopeSet::ofSpaceSeparated).orElse(ScopeSet.empty());
    ScopeSet scopes = row.scopes().allowedBy(baseline);
    if (scopes.isEmpty()) {
      return invalid("the owner has withdrawn this token's access");
    }
    if (row.lastUsedAtMs().map(t -> now - t >= 60_000).orElse(true)) {
      // At most once a minute per token, like a device's last-seen time on connect.
      store.execute(tx -> {
        tx.update("UPDATE bearer_tokens SET last_used_at_ms = ? WHERE token_hash = ?", now, hash);
        tx.update(
            "UPDATE devices SET last_seen_at_ms = ?, last_seen_reason = 'bearer' WHERE device_id = ?",
            now,
            row.deviceId());
      });
    }
    return new Valid(row.deviceId(), row.name(), DeviceKind.fromWire(row.deviceKind()), scopes);
  }

  private Invalid invalid(String why) {
    events.on(OAuthEvents.Event.INVALID_TOKEN);
    return new Invalid(why);
  }

  // ---- upkeep ---------------------------------------------------------------------------------

  /**
   * Deletes what can no longer be used: expired authorizations and codes (after a day), expired and
   * revoked OAuth tokens (after a day), grants without tokens, and dynamic clients that were never
   * approved (after a week). Returns how many rows went.
   */
  public int sweep() {
    long now = clock.millis();
    long day = Duration.ofDays(1).toMillis();
    return store.write(tx -> {
      int n = tx.update("DELETE FROM oauth_authorizations WHERE expires_at_ms < ?", now - day);
      n += tx.update("DELETE FROM oauth_codes WHERE expires_at_ms < ?", now - day);
      n += tx.update("DELETE FROM oauth_trusted_browsers WHERE expires_at_ms < ?", now);
      n +=
          tx.update(
              "DELETE FROM bearer_tokens WHERE kind <> 'static' AND (expires_at_ms < ?"
                  + " OR revoked_at_ms < ? OR (used_at_ms IS NOT NULL AND used_at_ms < ?))",
              now - day,
              now - day,
              now - day);
      n +=
          tx.update(
              "DELETE FROM oauth_grants WHERE NOT EXISTS (SELECT 1 FROM bearer_tokens t WHERE"
                  + " t.grant_id = oauth_grants.grant_id) AND created_at_ms < ?",
              now - day);
      n +=
          tx.update(
              "DELETE FROM oauth_clients WHERE registration = 'dynamic' AND created_at_ms < ?"
                  + " AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.device_id ="
                  + " oauth_clients.device_id) AND NOT EXISTS (SELECT 1 FROM pairing_requests p"
                  + " WHERE p.device_id = oauth_clients.device_id AND p.state = 'pending')",
              now - Duration.ofDays(7).toMillis());
      return n;
    });
  }

  /**
   * Runs {@code work} as one write transaction that commits even when it ends in an OAuth error:
   * what it did before the error stands (a burnt code, a revoked grant), and the error is thrown
   * once committed.
   */
  private <T> T committing(StateStore.Work<T> work) {
    record Outcome<T>(
        @org.jspecify.annotations.Nullable T value,
        @org.jspecify.annotations.Nullable OAuthException error) {}
    Outcome<T> outcome =
        store.write(tx -> {
          try {
            return new Outcome<>(work.run(tx), null);
          } catch (OAuthException e) {
            return new Outcome<T>(null, e);
          }
        });
    if (outcome.error() != null) {
      throw outcome.error();
    }
    return java.util.Objects.requireNonNull(outcome.value());
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static void audit(
      Tx tx,
      long now,
      String action,
      String actor,
      String deviceId,
      String remoteAddress,
      Map<String, Object> detail) {
    AuditLog.append(
        tx,
        new AuditEntry(
            0,
            now,
            action,
            actor,
            "ok",
            Optional.of(deviceId),
            Optional.empty(),
            Optional.of(Role.OPERATOR.wireName()),
            remoteAddress.isEmpty() ? Optional.empty() : Optional.of(remoteAddress),
            detail));
  }

  private static String randomId(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  private static String randomHex(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
