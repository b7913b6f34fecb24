package dev.clawgate.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.config.GatewayConfig.AuthConfig;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.pairing.Approver;
import dev.clawgate.core.pairing.PairingListener;
import dev.clawgate.core.pairing.PairingRequest;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.protocol.Json;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.node.ObjectNode;

/**
 * An authorization server over a real SQLite file in a temp dir, with a hand-moved clock and an
 * event recorder: issuer {@code https://gw.example}, resource {@code https://gw.example/mcp}.
 */
final class OAuthFixture implements AutoCloseable {
  static final String ISSUER = "https://gw.example";
  static final String RESOURCE = ISSUER + "/mcp";
  static final String REDIRECT = "http://127.0.0.1:33418/callback";
  static final String REMOTE = "198.51.100.7";

  private static final SecureRandom RANDOM = new SecureRandom();

  final MutableClock clock = MutableClock.create();
  final List<OAuthEvents.Event> events = new CopyOnWriteArrayList<>();
  final StateStore store;
  final PairingService pairing;
  final OAuthServer server;

  OAuthFixture(Path dir) {
    this(dir, ClientDocuments.disabled());
  }

  OAuthFixture(Path dir, ClientDocuments documents) {
    store = StateStore.open(dir.resolve("state.db"));
    AuthConfig auth =
        new AuthConfig(
            AuthMode.TOKEN,
            Optional.of("shared-gateway-token-7f3a9c1e5b2d"),
            Optional.empty(),
            "config",
            GatewayConfig.RateLimit.defaults());
    GatewayConfig.PairingConfig d = GatewayConfig.PairingConfig.defaults();
    GatewayConfig.PairingConfig config =
        new GatewayConfig.PairingConfig(
            false, d.pendingTtl(), d.maxPending(), d.maxPendingPerAddress(), d.resolvedRetention());
    pairing = PairingService.create(store, auth, config, clock, PairingListener.none());
    server = new OAuthServer(store, pairing, clock, () -> ISSUER, "/mcp", documents, events::add);
  }

  @Override
  public void close() {
    store.close();
  }

  static Approver owner() {
    return Approver.offlineOwner();
  }

  // ---- registration ---------------------------------------------------------------------------

  static ObjectNode metadata(String name, String... redirectUris) {
    ObjectNode metadata = Json.mapper().createObjectNode();
    metadata.put("client_name", name);
    var uris = metadata.putArray("redirect_uris");
    for (String uri : redirectUris) {
      uris.add(uri);
    }
    return metadata;
  }

  OAuthClient register(String name, String... redirectUris) {
    return server.register(metadata(name, redirectUris), REMOTE).client();
  }

  OAuthClient register() {
    return register("Test Client", REDIRECT);
  }

  // ---- PKCE -----------------------------------------------------------------------------------

  static String newVerifier() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  // ---- authorization --------------------------------------------------------------------------

  /** A well-formed authorization request of {@code client} for {@code scope}. */
  static OAuthServer.AuthorizeRequest request(OAuthClient client, String verifier, String scope) {
    return new OAuthServer.AuthorizeRequest(
        Optional.of("code"),
        Optional.of(client.clientId()),
        Optional.of(client.redirectUris().get(0)),
        Optional.of("st-" + client.clientId()),
        Optional.of(Pkce.s256(verifier)),
        Optional.of("S256"),
        Optional.of(scope),
        Optional.of(RESOURCE));
  }

  /** The owner's browser: the one every authorization of these tests comes from. */
  static final String BROWSER = "owner-browser-0000000000000000000000000000000";

  OAuthServer.Authorization authorize(OAuthServer.AuthorizeRequest request) {
    return server.authorize(request, REMOTE, Optional.of(BROWSER));
  }

  /** The pending pairing request behind a consent page. */
  PairingRequest pendingRequest(String authorizationId) {
    OAuthServer.ConsentState state = server.consent(authorizationId);
    assertThat(state).isInstanceOf(OAuthServer.Waiting.class);
    String requestId = ((OAuthServer.Waiting) state).view().requestId();
    return pairing.request(requestId).orElseThrow();
  }

  /** Approves the consent of {@code authorizationId} as the owner and returns the redirect. */
  String approve(String authorizationId) {
    PairingRequest request = pendingRequest(authorizationId);
    pairing.approve(request.requestId(), Optional.empty(), owner());
    OAuthServer.ConsentState decided = server.consent(authorizationId, Optional.of(BROWSER));
    assertThat(decided).isInstanceOf(OAuthServer.Decided.class);
    return ((OAuthServer.Decided) decided).location();
  }

  /** Authorizes {@code client} for {@code scope}, approving when asked; returns the code. */
  String code(OAuthClient client, String verifier, String scope) {
    OAuthServer.Authorization result = authorize(request(client, verifier, scope));
    String location =
        switch (result) {
          case OAuthServer.NeedsConsent consent -> approve(consent.authorizationId());
          case OAuthServer.Redirect redirect -> redirect.location();
          case OAuthServer.Unredirectable u -> throw new AssertionError(u.message());
        };
    return codeOf(location);
  }

  /** The code in a redirect location (which must have one). */
  static String codeOf(String location) {
    return Objects.requireNonNull(query(location).get("code"), () -> "no code in " + location);
  }

  // ---- token endpoint -------------------------------------------------------------------------

  static Map<String, String> codeForm(OAuthClient client, String code, String verifier) {
    Map<String, String> form = new HashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("client_id", client.clientId());
    form.put("code", code);
    form.put("code_verifier", verifier);
    form.put("redirect_uri", client.redirectUris().get(0));
    return form;
  }

  static Map<String, String> refreshForm(OAuthClient client, String refreshToken) {
    Map<String, String> form = new HashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("client_id", client.clientId());
    form.put("refresh_token", refreshToken);
    return form;
  }

  /** A client authorized for {@code scope} with its first tokens. */
  OAuthServer.TokenResponse tokens(OAuthClient client, String scope) {
    String verifier = newVerifier();
    String code = code(client, verifier, scope);
    return server.token(codeForm(client, code, verifier));
  }

  OAuthServer.TokenResponse refresh(OAuthClient client, String refreshToken) {
    return server.token(refreshForm(client, refreshToken));
  }

  boolean valid(String token) {
    return server.verify(token, RESOURCE) instanceof OAuthServer.Valid;
  }

  /** The OAuth error {@code action} throws (it must throw one, not another exception). */
  static OAuthException oauthError(ThrowingCallable action) {
    Throwable thrown = catchThrowable(action);
    assertThat(thrown).as("must fail with an OAuthException").isInstanceOf(OAuthException.class);
    return (OAuthException) thrown;
  }

  // ---- reading --------------------------------------------------------------------------------

  /** The query parameters of a URL, decoded, in order. */
  static Map<String, String> query(String location) {
    String raw = URI.create(location).getRawQuery();
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      params.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  long count(String table) {
    return store.read(tx -> tx.scalar("SELECT COUNT(*) FROM " + table));
  }

  List<String> pendingRequestIds() {
    return new ArrayList<>(
        pairing.list().pending().stream().map(PairingRequest::requestId).toList());
  }

  void advance(Duration by) {
    clock.advance(by);
  }
}
