package dev.clawgate.core.oauth;

import static dev.clawgate.core.oauth.OAuthFixture.codeForm;
import static dev.clawgate.core.oauth.OAuthFixture.newVerifier;
import static dev.clawgate.core.oauth.OAuthFixture.oauthError;
import static dev.clawgate.core.oauth.OAuthFixture.owner;
import static dev.clawgate.core.oauth.OAuthFixture.refreshForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /oauth/token}: the code exchange and rotating refresh tokens. */
class OAuthTokenTest {
  private static final String READ = "operator.read";
  private static final String READ_WRITE = "operator.read operator.write";

  @TempDir Path dir;

  // ---- the code exchange ----------------------------------------------------------------------

  @Test
  void aCodeWithItsVerifierIsExchangedForTokens() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ_WRITE);

      OAuthServer.TokenResponse tokens = f.server.token(codeForm(client, code, verifier));

      assertThat(tokens.accessToken()).startsWith("cga_");
      assertThat(tokens.refreshToken()).startsWith("cgr_");
      assertThat(tokens.expiresInSeconds()).isEqualTo(3600);
      assertThat(tokens.scopes()).isEqualTo(ScopeSet.of(Scope.READ, Scope.WRITE));
      assertThat(tokens.toJson().path("token_type").asString()).isEqualTo("Bearer");
      assertThat(tokens.toJson().path("expires_in").asLong()).isEqualTo(3600);
      assertThat(tokens.toJson().path("scope").asString()).isEqualTo(READ_WRITE);
      assertThat(tokens.toString())
          .doesNotContain(tokens.accessToken())
          .doesNotContain(tokens.refreshToken());
      assertThat(f.valid(tokens.accessToken())).isTrue();
    }
  }

  @Test
  void aLoopbackCodeIsExchangedWithTheRedirectUriOfItsAuthorization() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register("Client", "http://localhost:40000/cb");
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);

      assertThat(f.server.token(codeForm(client, code, verifier)).accessToken()).startsWith("cga_");
    }
  }

  @Test
  void aWrongVerifierIsInvalidGrantAndBurnsTheCode() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);

      OAuthException wrong =
          oauthError(() -> f.server.token(codeForm(client, code, newVerifier())));
      OAuthException burnt = oauthError(() -> f.server.token(codeForm(client, code, verifier)));

      assertThat(wrong.error()).isEqualTo("invalid_grant");
      assertThat(burnt.error()).isEqualTo("invalid_grant");
    }
  }

  @Test
  void aReplayedCodeIsInvalidGrantAndRevokesTheTokensOfTheFirstExchange() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);
      OAuthServer.TokenResponse first = f.server.token(codeForm(client, code, verifier));

      OAuthException replay = oauthError(() -> f.server.token(codeForm(client, code, verifier)));

      assertThat(replay.error()).isEqualTo("invalid_grant");
      assertThat(f.server.verify(first.accessToken(), OAuthFixture.RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
      assertThat(oauthError(() -> f.refresh(client, first.refreshToken())).error())
          .isEqualTo("invalid_grant");
    }
  }

  @Test
  void aWrongRedirectUriIsInvalidGrant() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register("Client", "https://app.example/cb", "https://app.example/b");
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);
      Map<String, String> form = codeForm(client, code, verifier);
      form.put("redirect_uri", "https://app.example/b");

      assertThat(oauthError(() -> f.server.token(form)).error()).isEqualTo("invalid_grant");
    }
  }

  @Test
  void aCodeOfAnotherClientIsInvalidGrant() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient a = f.register("Client A", "https://a.example/cb");
      OAuthClient b = f.register("Client B", "https://a.example/cb");
      String verifier = newVerifier();
      String code = f.code(a, verifier, READ);
      Map<String, String> form = codeForm(a, code, verifier);
      form.put("client_id", b.clientId());

      assertThat(oauthError(() -> f.server.token(form)).error()).isEqualTo("invalid_grant");
    }
  }

  @Test
  void anExpiredCodeIsInvalidGrant() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);

      f.advance(OAuthServer.CODE_TTL.plusSeconds(1));

      assertThat(oauthError(() -> f.server.token(codeForm(client, code, verifier))).error())
          .isEqualTo("invalid_grant");
    }
  }

  @Test
  void anUnknownCodeIsInvalidGrant() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();

      assertThat(
              oauthError(() -> f.server.token(codeForm(client, "cgc_nope", newVerifier()))).error())
          .isEqualTo("invalid_grant");
    }
  }

  @Test
  void aCodeJustBeforeItsExpiryIsExchanged() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);

      f.advance(OAuthServer.CODE_TTL.minusSeconds(1));

      assertThat(f.server.token(codeForm(client, code, verifier)).accessToken()).startsWith("cga_");
    }
  }

  @Test
  void anUnknownClientIsInvalidClientWithStatus401() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);
      Map<String, String> form = codeForm(client, code, verifier);
      form.put("client_id", "cgc-unknown");

      OAuthException error = oauthError(() -> f.server.token(form));

      assertThat(error.error()).isEqualTo("invalid_client");
      assertThat(error.status()).isEqualTo(401);
    }
  }

  @Test
  void aClientWhoseDeviceTheOwnerRemovedIsInvalidClient() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);

      f.pairing.remove(client.deviceId(), owner());

      OAuthException error = oauthError(() -> f.refresh(client, tokens.refreshToken()));
      assertThat(error.error()).isEqualTo("invalid_client");
      assertThat(error.status()).isEqualTo(401);
      assertThat(f.server.verify(tokens.accessToken(), OAuthFixture.RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
    }
  }

  @Test
  void aCodeRequestWithoutAVerifierIsInvalidRequest() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      Map<String, String> form = codeForm(client, f.code(client, verifier, READ), verifier);
      form.remove("code_verifier");

      assertThat(oauthError(() -> f.server.token(form)).error()).isEqualTo("invalid_request");
    }
  }

  @Test
  void anUnknownGrantTypeIsUnsupportedGrantType() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      Map<String, String> form = refreshForm(client, "cgr_x");
      form.put("grant_type", "client_credentials");

      assertThat(oauthError(() -> f.server.token(form)).error())
          .isEqualTo("unsupported_grant_type");
    }
  }

  @Test
  void aCodeExchangeForAnotherResourceIsInvalidTarget() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      Map<String, String> form = codeForm(client, f.code(client, verifier, READ), verifier);
      form.put("resource", "https://other.example/mcp");

      assertThat(oauthError(() -> f.server.token(form)).error()).isEqualTo("invalid_target");
    }
  }

  @Test
  void aClientApprovedForWriteGetsReadTokensWhenItAsksForRead() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      f.code(client, newVerifier(), "operator.write");

      OAuthServer.TokenResponse tokens = f.tokens(client, READ);

      assertThat(tokens.scopes().allows(Scope.READ)).isTrue();
      assertThat(f.server.verify(tokens.accessToken(), OAuthFixture.RESOURCE))
          .isInstanceOf(OAuthServer.Valid.class);
    }
  }

  // ---- refresh --------------------------------------------------------------------------------

  @Test
  void aRefreshRotatesTheRefreshToken() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse first = f.tokens(client, READ_WRITE);

      OAuthServer.TokenResponse second = f.refresh(client, first.refreshToken());

      assertThat(second.refreshToken()).startsWith("cgr_").isNotEqualTo(first.refreshToken());
      assertThat(second.accessToken()).startsWith("cga_").isNotEqualTo(first.accessToken());
      assertThat(second.scopes()).isEqualTo(first.scopes());
      assertThat(second.expiresInSeconds()).isEqualTo(3600);
      assertThat(f.valid(second.accessToken())).isTrue();
      long used =
          f.store.read(tx ->
              tx.scalar(
                  "SELECT COUNT(*) FROM bearer_tokens WHERE kind = 'refresh'"
                      + " AND used_at_ms IS NOT NULL"));
      assertThat(used).isEqualTo(1);
    }
  }

  @Test
  void theRotatedRefreshTokenRefreshesAgain() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse first = f.tokens(client, READ);
      OAuthServer.TokenResponse second = f.refresh(client, first.refreshToken());

      OAuthServer.TokenResponse third = f.refresh(client, second.refreshToken());

      assertThat(f.valid(third.accessToken())).isTrue();
    }
  }

  @Test
  void reusingARefreshTokenIsInvalidGrantAndRevokesTheRotatedTokens() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse first = f.tokens(client, READ);
      OAuthServer.TokenResponse second = f.refresh(client, first.refreshToken());

      OAuthException reuse = oauthError(() -> f.refresh(client, first.refreshToken()));

      assertThat(reuse.error()).isEqualTo("invalid_grant");
      assertThat(f.server.verify(second.accessToken(), OAuthFixture.RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
      assertThat(oauthError(() -> f.refresh(client, second.refreshToken())).error())
          .isEqualTo("invalid_grant");
    }
  }

  @Test
  void aRefreshMayNarrowTheScope() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse first = f.tokens(client, READ_WRITE);
      Map<String, String> form = refreshForm(client, first.refreshToken());
      form.put("scope", READ);

      OAuthServer.TokenResponse narrowed = f.server.token(form);

      assertThat(narrowed.scopes()).isEqualTo(ScopeSet.of(Scope.READ));
      assertThat(f.server.verify(narrowed.accessToken(), OAuthFixture.RESOURCE))
          .isInstanceOfSatisfying(
              OAuthServer.Valid.class,
              v -> assertThat(v.scopes()).isEqualTo(ScopeSet.of(Scope.READ)));
    }
  }

  @Test
  void aRefreshMayNotWidenTheScope() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse first = f.tokens(client, READ);
      Map<String, String> form = refreshForm(client, first.refreshToken());
      form.put("scope", READ_WRITE);

      assertThat(oauthError(() -> f.server.token(form)).error()).isEqualTo("invalid_scope");
    }
  }

  @Test
  void anExpiredRefreshTokenIsInvalidGrant() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse first = f.tokens(client, READ);

      f.advance(Duration.ofDays(31));

      assertThat(oauthError(() -> f.refresh(client, first.refreshToken())).error())
          .isEqualTo("invalid_grant");
    }
  }

  @Test
  void aRefreshTokenOfAnotherClientIsInvalidGrant() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient a = f.register("Client A", "https://a.example/cb");
      OAuthClient b = f.register("Client B", "https://b.example/cb");
      OAuthServer.TokenResponse tokens = f.tokens(a, READ);

      assertThat(oauthError(() -> f.refresh(b, tokens.refreshToken())).error())
          .isEqualTo("invalid_grant");
      assertThat(f.refresh(a, tokens.refreshToken()).accessToken()).startsWith("cga_");
    }
  }

  @Test
  void aRefreshAfterTheOwnerNarrowedTheDeviceIssuesOnlyTheRemainingScopes() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse first = f.tokens(client, READ_WRITE);

      f.pairing.rotate(
          client.deviceId(), Role.OPERATOR, Optional.of(ScopeSet.of(Scope.READ)), owner());

      assertThat(f.refresh(client, first.refreshToken()).scopes())
          .isEqualTo(ScopeSet.of(Scope.READ));
    }
  }
}
