package dev.clawgate.core.oauth;

import static dev.clawgate.core.oauth.OAuthFixture.ISSUER;
import static dev.clawgate.core.oauth.OAuthFixture.codeForm;
import static dev.clawgate.core.oauth.OAuthFixture.newVerifier;
import static dev.clawgate.core.oauth.OAuthFixture.owner;
import static dev.clawgate.core.oauth.OAuthFixture.query;
import static dev.clawgate.core.oauth.OAuthFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.pairing.DeviceKind;
import dev.clawgate.core.pairing.PairingRequest;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /oauth/authorize} and the consent that follows it. */
class OAuthAuthorizeTest {
  private static final String READ = "operator.read";
  private static final String READ_WRITE = "operator.read operator.write";

  @TempDir Path dir;

  private static Map<String, String> redirectQuery(OAuthServer.Authorization result) {
    assertThat(result).isInstanceOf(OAuthServer.Redirect.class);
    return query(((OAuthServer.Redirect) result).location());
  }

  private static String authorizationId(OAuthServer.Authorization result) {
    assertThat(result).isInstanceOf(OAuthServer.NeedsConsent.class);
    return ((OAuthServer.NeedsConsent) result).authorizationId();
  }

  // ---- unredirectable -------------------------------------------------------------------------

  @Test
  void anUnknownClientIsUnredirectable() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.AuthorizeRequest request = request(client, newVerifier(), READ);
      OAuthServer.AuthorizeRequest unknown =
          new OAuthServer.AuthorizeRequest(
              request.responseType(),
              Optional.of("cgc-unknown"),
              request.redirectUri(),
              request.state(),
              request.codeChallenge(),
              request.codeChallengeMethod(),
              request.scope(),
              request.resource());

      assertThat(f.authorize(unknown)).isInstanceOf(OAuthServer.Unredirectable.class);
    }
  }

  @Test
  void aMissingClientIdIsUnredirectable() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest request = request(f.register(), newVerifier(), READ);
      OAuthServer.AuthorizeRequest noClient =
          new OAuthServer.AuthorizeRequest(
              request.responseType(),
              Optional.empty(),
              request.redirectUri(),
              request.state(),
              request.codeChallenge(),
              request.codeChallengeMethod(),
              request.scope(),
              request.resource());

      assertThat(f.authorize(noClient)).isInstanceOf(OAuthServer.Unredirectable.class);
    }
  }

  @Test
  void anUnregisteredRedirectUriIsUnredirectable() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register("Client", "https://app.example/cb");
      OAuthServer.AuthorizeRequest request = request(client, newVerifier(), READ);
      OAuthServer.AuthorizeRequest elsewhere =
          new OAuthServer.AuthorizeRequest(
              request.responseType(),
              request.clientId(),
              Optional.of("https://attacker.example/cb"),
              request.state(),
              request.codeChallenge(),
              request.codeChallengeMethod(),
              request.scope(),
              request.resource());

      OAuthServer.Authorization result = f.authorize(elsewhere);

      assertThat(result).isInstanceOf(OAuthServer.Unredirectable.class);
      assertThat(f.pendingRequestIds()).isEmpty();
    }
  }

  @Test
  void aLoopbackRedirectUriOnAnotherPortIsAccepted() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register("Client", "http://127.0.0.1:40001/callback");
      OAuthServer.AuthorizeRequest request = request(client, newVerifier(), READ);
      OAuthServer.AuthorizeRequest otherPort =
          new OAuthServer.AuthorizeRequest(
              request.responseType(),
              request.clientId(),
              Optional.of("http://127.0.0.1:51999/callback"),
              request.state(),
              request.codeChallenge(),
              request.codeChallengeMethod(),
              request.scope(),
              request.resource());

      String location = f.approve(authorizationId(f.authorize(otherPort)));

      assertThat(location).startsWith("http://127.0.0.1:51999/callback?");
    }
  }

  // ---- errors sent back to the client ---------------------------------------------------------

  private static OAuthServer.AuthorizeRequest with(
      OAuthServer.AuthorizeRequest r,
      Optional<String> responseType,
      Optional<String> challenge,
      Optional<String> method,
      Optional<String> scope,
      Optional<String> resource) {
    return new OAuthServer.AuthorizeRequest(
        responseType, r.clientId(), r.redirectUri(), r.state(), challenge, method, scope, resource);
  }

  private void assertErrorRedirect(
      OAuthFixture f, OAuthServer.AuthorizeRequest request, String error) {
    OAuthServer.Authorization result = f.authorize(request);

    assertThat(result).isInstanceOf(OAuthServer.Redirect.class);
    String location = ((OAuthServer.Redirect) result).location();
    assertThat(location).startsWith(request.redirectUri().orElseThrow() + "?");
    Map<String, String> params = query(location);
    assertThat(params).containsEntry("error", error);
    assertThat(params).containsEntry("state", request.state().orElseThrow());
    assertThat(params).containsEntry("iss", ISSUER);
    assertThat(params).containsKey("error_description").doesNotContainKey("code");
    assertThat(f.pendingRequestIds()).isEmpty();
  }

  @Test
  void aMissingCodeChallengeIsRedirectedAsInvalidRequest() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest r = request(f.register(), newVerifier(), READ);

      assertErrorRedirect(
          f,
          with(
              r,
              r.responseType(),
              Optional.empty(),
              r.codeChallengeMethod(),
              r.scope(),
              r.resource()),
          "invalid_request");
    }
  }

  @Test
  void thePlainChallengeMethodIsRedirectedAsInvalidRequest() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      String verifier = newVerifier();
      OAuthServer.AuthorizeRequest r = request(f.register(), verifier, READ);

      assertErrorRedirect(
          f,
          with(
              r,
              r.responseType(),
              Optional.of(verifier),
              Optional.of("plain"),
              r.scope(),
              r.resource()),
          "invalid_request");
    }
  }

  @Test
  void aMissingChallengeMethodIsRedirectedAsInvalidRequest() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest r = request(f.register(), newVerifier(), READ);

      assertErrorRedirect(
          f,
          with(r, r.responseType(), r.codeChallenge(), Optional.empty(), r.scope(), r.resource()),
          "invalid_request");
    }
  }

  @Test
  void aResponseTypeOtherThanCodeIsRedirectedAsUnsupportedResponseType() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest r = request(f.register(), newVerifier(), READ);

      assertErrorRedirect(
          f,
          with(
              r,
              Optional.of("token"),
              r.codeChallenge(),
              r.codeChallengeMethod(),
              r.scope(),
              r.resource()),
          "unsupported_response_type");
    }
  }

  @Test
  void anUnknownScopeIsRedirectedAsInvalidScope() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest r = request(f.register(), newVerifier(), READ);

      assertErrorRedirect(
          f,
          with(
              r,
              r.responseType(),
              r.codeChallenge(),
              r.codeChallengeMethod(),
              Optional.of("operator.read operator.admin"),
              r.resource()),
          "invalid_scope");
    }
  }

  @Test
  void anotherResourceIsRedirectedAsInvalidTarget() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest r = request(f.register(), newVerifier(), READ);

      assertErrorRedirect(
          f,
          with(
              r,
              r.responseType(),
              r.codeChallenge(),
              r.codeChallengeMethod(),
              r.scope(),
              Optional.of("https://other.example/mcp")),
          "invalid_target");
    }
  }

  @Test
  void theResourceWithATrailingSlashIsThisServersResource() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest r = request(f.register(), newVerifier(), READ);

      OAuthServer.Authorization result =
          f.authorize(
              with(
                  r,
                  r.responseType(),
                  r.codeChallenge(),
                  r.codeChallengeMethod(),
                  r.scope(),
                  Optional.of("https://GW.example/mcp/")));

      assertThat(result).isInstanceOf(OAuthServer.NeedsConsent.class);
    }
  }

  // ---- consent --------------------------------------------------------------------------------

  @Test
  void aFirstAuthorizationNeedsConsentThroughAPairingRequestOfTheClientsDevice() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();

      String id = authorizationId(f.authorize(request(client, newVerifier(), READ_WRITE)));

      PairingRequest pending = f.pendingRequest(id);
      assertThat(pending.kind()).isEqualTo(DeviceKind.OAUTH_CLIENT);
      assertThat(pending.deviceId()).isEqualTo(client.deviceId()).startsWith("oauth-");
      assertThat(pending.scopes()).isEqualTo(ScopeSet.of(Scope.READ, Scope.WRITE));
      assertThat(pending.roles()).containsExactly(Role.OPERATOR);
      assertThat(f.pendingRequestIds()).containsExactly(pending.requestId());
      assertThat(f.pairing.device(client.deviceId())).isEmpty();
    }
  }

  @Test
  void anAuthorizationWithoutAScopeAsksForRead() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest r = request(f.register(), newVerifier(), READ);

      String id =
          authorizationId(
              f.authorize(
                  with(
                      r,
                      r.responseType(),
                      r.codeChallenge(),
                      r.codeChallengeMethod(),
                      Optional.empty(),
                      r.resource())));

      assertThat(f.pendingRequest(id).scopes()).isEqualTo(ScopeSet.of(Scope.READ));
    }
  }

  @Test
  void theConsentPageWaitsUntilTheOwnerDecides() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String id = authorizationId(f.authorize(request(client, newVerifier(), READ)));

      OAuthServer.ConsentState state = f.server.consent(id);

      assertThat(state).isInstanceOf(OAuthServer.Waiting.class);
      OAuthServer.ConsentView view = ((OAuthServer.Waiting) state).view();
      assertThat(view.authorizationId()).isEqualTo(id);
      assertThat(view.clientId()).isEqualTo(client.clientId());
      assertThat(view.clientName()).isEqualTo(client.clientName());
      assertThat(view.redirectHost()).isEqualTo("127.0.0.1");
      assertThat(view.asked()).isEqualTo(ScopeSet.of(Scope.READ));
      assertThat(view.held()).isEqualTo(ScopeSet.empty());
    }
  }

  @Test
  void afterApprovalTheConsentIsDecidedWithACodeStateAndIssuerThenGone() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.AuthorizeRequest request = request(client, newVerifier(), READ);
      String id = authorizationId(f.authorize(request));
      PairingRequest pending = f.pendingRequest(id);

      f.pairing.approve(pending.requestId(), Optional.empty(), owner());
      OAuthServer.ConsentState decided = f.server.consent(id);
      OAuthServer.ConsentState again = f.server.consent(id);

      assertThat(decided).isInstanceOf(OAuthServer.Decided.class);
      String location = ((OAuthServer.Decided) decided).location();
      assertThat(location).startsWith(OAuthFixture.REDIRECT + "?");
      Map<String, String> params = query(location);
      assertThat(params.get("code")).startsWith("cgc_");
      assertThat(params).containsEntry("state", request.state().orElseThrow());
      assertThat(params).containsEntry("iss", ISSUER);
      assertThat(again).isInstanceOf(OAuthServer.Gone.class);
      assertThat(f.pairing.device(client.deviceId()).orElseThrow().baseline(Role.OPERATOR))
          .contains(ScopeSet.of(Scope.READ));
    }
  }

  @Test
  void approvingThroughTheConsentPageDecidesWithACode() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      String id = authorizationId(f.authorize(request(f.register(), newVerifier(), READ)));

      OAuthServer.ConsentState state = f.server.approve(id, owner());

      assertThat(state).isInstanceOf(OAuthServer.Decided.class);
      assertThat(query(((OAuthServer.Decided) state).location())).containsKey("code");
    }
  }

  @Test
  void aRejectedConsentIsDecidedWithAccessDenied() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.AuthorizeRequest request = request(f.register(), newVerifier(), READ);
      String id = authorizationId(f.authorize(request));

      f.pairing.reject(f.pendingRequest(id).requestId(), owner());
      OAuthServer.ConsentState state = f.server.consent(id);

      assertThat(state).isInstanceOf(OAuthServer.Decided.class);
      Map<String, String> params = query(((OAuthServer.Decided) state).location());
      assertThat(params).containsEntry("error", "access_denied");
      assertThat(params).containsEntry("state", request.state().orElseThrow());
      assertThat(params).containsEntry("iss", ISSUER);
      assertThat(params).doesNotContainKey("code");
      assertThat(f.server.consent(id)).isInstanceOf(OAuthServer.Gone.class);
    }
  }

  @Test
  void denyingOnTheConsentPageIsDecidedWithAccessDenied() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      String id = authorizationId(f.authorize(request(f.register(), newVerifier(), READ)));

      OAuthServer.ConsentState state = f.server.deny(id, owner());

      assertThat(state).isInstanceOf(OAuthServer.Decided.class);
      assertThat(query(((OAuthServer.Decided) state).location()))
          .containsEntry("error", "access_denied");
    }
  }

  @Test
  void aConsentTheOwnerDoesNotAnswerInTimeEndsWithAccessDenied() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      String id = authorizationId(f.authorize(request(f.register(), newVerifier(), READ)));

      f.advance(Duration.ofMinutes(6));

      assertThat(f.server.consent(id)).isInstanceOf(OAuthServer.Gone.class);
    }
  }

  @Test
  void anUnknownAuthorizationIsGone() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      assertThat(f.server.consent("nope")).isInstanceOf(OAuthServer.Gone.class);
    }
  }

  @Test
  void aSecondAuthorizationForTheSameScopesRedirectsWithACodeAtOnce() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      f.code(client, newVerifier(), READ_WRITE);
      long requests = f.count("pairing_requests");

      OAuthServer.AuthorizeRequest again = request(client, newVerifier(), READ_WRITE);
      Map<String, String> params = redirectQuery(f.authorize(again));

      assertThat(params.get("code")).startsWith("cgc_");
      assertThat(params).containsEntry("state", again.state().orElseThrow());
      assertThat(params).containsEntry("iss", ISSUER);
      assertThat(f.count("pairing_requests")).isEqualTo(requests);
      assertThat(f.pendingRequestIds()).isEmpty();
    }
  }

  @Test
  void aSecondAuthorizationForFewerScopesRedirectsWithACodeAtOnce() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      f.code(client, newVerifier(), READ_WRITE);
      long requests = f.count("pairing_requests");

      Map<String, String> params = redirectQuery(f.authorize(request(client, newVerifier(), READ)));

      assertThat(params.get("code")).startsWith("cgc_");
      assertThat(f.count("pairing_requests")).isEqualTo(requests);
    }
  }

  @Test
  void aStepUpAsksOnlyForTheNewScopeAndGrantsTheUnion() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      f.code(client, newVerifier(), READ);

      String verifier = newVerifier();
      String id = authorizationId(f.authorize(request(client, verifier, READ_WRITE)));
      PairingRequest stepUp = f.pendingRequest(id);

      assertThat(stepUp.scopes()).isEqualTo(ScopeSet.of(Scope.WRITE));
      OAuthServer.ConsentView view = ((OAuthServer.Waiting) f.server.consent(id)).view();
      assertThat(view.asked()).isEqualTo(ScopeSet.of(Scope.WRITE));
      assertThat(view.held()).isEqualTo(ScopeSet.of(Scope.READ));

      String code = OAuthFixture.codeOf(f.approve(id));
      assertThat(f.pairing.device(client.deviceId()).orElseThrow().baseline(Role.OPERATOR))
          .contains(ScopeSet.of(Scope.READ, Scope.WRITE));
      OAuthServer.TokenResponse tokens = f.server.token(codeForm(client, code, verifier));
      assertThat(tokens.scopes()).isEqualTo(ScopeSet.of(Scope.READ, Scope.WRITE));
      assertThat(f.server.verify(tokens.accessToken(), OAuthFixture.RESOURCE))
          .isInstanceOfSatisfying(
              OAuthServer.Valid.class,
              v -> assertThat(v.scopes()).isEqualTo(ScopeSet.of(Scope.READ, Scope.WRITE)));
    }
  }

  @Test
  void aRepeatedAuthorizationWhileWaitingKeepsOnePairingRequest() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String first = authorizationId(f.authorize(request(client, newVerifier(), READ)));
      String second = authorizationId(f.authorize(request(client, newVerifier(), READ)));

      assertThat(second).isNotEqualTo(first);
      assertThat(f.pendingRequestIds())
          .containsExactly(f.pendingRequest(first).requestId())
          .containsExactly(f.pendingRequest(second).requestId());
    }
  }

  // ---- client ID metadata documents -----------------------------------------------------------

  private static final String DOCUMENT_ID = "https://app.example/oauth/client.json";

  private static ObjectNode document(String clientId) {
    ObjectNode doc = OAuthFixture.metadata("Document Client", "https://app.example/cb");
    doc.put("client_id", clientId);
    return doc;
  }

  @Test
  void aMetadataDocumentClientCanAuthorize() {
    List<URI> fetched = new CopyOnWriteArrayList<>();
    try (OAuthFixture f =
        new OAuthFixture(
            dir,
            url -> {
              fetched.add(url);
              return document(DOCUMENT_ID);
            })) {
      OAuthClient client = f.server.client(DOCUMENT_ID);

      assertThat(client.registration()).isEqualTo("metadata-document");
      assertThat(client.clientName()).isEqualTo("Document Client");
      assertThat(fetched).containsExactly(URI.create(DOCUMENT_ID));
      assertThat(f.authorize(request(client, newVerifier(), READ)))
          .isInstanceOf(OAuthServer.NeedsConsent.class);
    }
  }

  @Test
  void aMetadataDocumentIsKeptForAnHourThenFetchedAgain() {
    List<URI> fetched = new CopyOnWriteArrayList<>();
    try (OAuthFixture f =
        new OAuthFixture(
            dir,
            url -> {
              fetched.add(url);
              return document(DOCUMENT_ID);
            })) {
      f.server.client(DOCUMENT_ID);
      f.server.client(DOCUMENT_ID);
      assertThat(fetched).hasSize(1);

      f.advance(Duration.ofHours(1));
      f.server.client(DOCUMENT_ID);

      assertThat(fetched).hasSize(2);
    }
  }

  @Test
  void aMetadataDocumentNamingAnotherClientIdIsInvalidClient() {
    try (OAuthFixture f =
        new OAuthFixture(dir, url -> document("https://evil.example/oauth/client.json"))) {
      assertThat(OAuthFixture.oauthError(() -> f.server.client(DOCUMENT_ID)).error())
          .isEqualTo("invalid_client");
    }
  }

  @Test
  void aMetadataDocumentAskingForAClientSecretIsInvalidClient() {
    try (OAuthFixture f =
        new OAuthFixture(
            dir,
            url -> {
              ObjectNode doc = document(DOCUMENT_ID);
              doc.put("token_endpoint_auth_method", "client_secret_post");
              return doc;
            })) {
      assertThat(OAuthFixture.oauthError(() -> f.server.client(DOCUMENT_ID)).error())
          .isEqualTo("invalid_client");
    }
  }

  @Test
  void aMetadataDocumentThatCannotBeFetchedMakesTheAuthorizationUnredirectable() {
    try (OAuthFixture f =
        new OAuthFixture(
            dir,
            url -> {
              throw OAuthException.invalidClient("fetch failed");
            })) {
      OAuthServer.AuthorizeRequest request =
          new OAuthServer.AuthorizeRequest(
              Optional.of("code"),
              Optional.of(DOCUMENT_ID),
              Optional.of("https://app.example/cb"),
              Optional.of("s"),
              Optional.of(Pkce.s256(newVerifier())),
              Optional.of("S256"),
              Optional.of(READ),
              Optional.empty());

      assertThat(f.authorize(request)).isInstanceOf(OAuthServer.Unredirectable.class);
      assertThat(f.count("oauth_clients")).isZero();
    }
  }

  @Test
  void aMetadataDocumentThatIsNotAnObjectIsInvalidClient() {
    try (OAuthFixture f =
        new OAuthFixture(dir, url -> Json.mapper().createArrayNode().add(DOCUMENT_ID))) {
      assertThat(OAuthFixture.oauthError(() -> f.server.client(DOCUMENT_ID)).error())
          .isEqualTo("invalid_client");
    }
  }
}
