package dev.clawgate.core.oauth;

import static dev.clawgate.core.oauth.OAuthFixture.RESOURCE;
import static dev.clawgate.core.oauth.OAuthFixture.oauthError;
import static dev.clawgate.core.oauth.OAuthFixture.owner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.pairing.DeviceKind;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resource server's check ({@code verify}) and revocation (RFC 7009). */
class OAuthVerifyTest {
  private static final String READ = "operator.read";
  private static final String READ_WRITE = "operator.read operator.write";

  @TempDir Path dir;

  private static Map<String, String> revokeForm(OAuthClient client, String token) {
    Map<String, String> form = new HashMap<>();
    form.put("client_id", client.clientId());
    form.put("token", token);
    return form;
  }

  // ---- verify ---------------------------------------------------------------------------------

  @Test
  void anAccessTokenIsValidForItsResourceWithTheClientsDeviceAndScopes() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register("Claude", OAuthFixture.REDIRECT);
      OAuthServer.TokenResponse tokens = f.tokens(client, READ_WRITE);

      OAuthServer.BearerCheck check = f.server.verify(tokens.accessToken(), RESOURCE);

      assertThat(check)
          .isEqualTo(
              new OAuthServer.Valid(
                  client.deviceId(),
                  "Claude",
                  DeviceKind.OAUTH_CLIENT,
                  ScopeSet.of(Scope.READ, Scope.WRITE)));
    }
  }

  @Test
  void anAccessTokenIsValidForItsResourceWithATrailingSlash() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.TokenResponse tokens = f.tokens(f.register(), READ);

      assertThat(f.server.verify(tokens.accessToken(), RESOURCE + "/"))
          .isInstanceOf(OAuthServer.Valid.class);
    }
  }

  @Test
  void anAccessTokenIsInvalidForAnotherAudience() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.TokenResponse tokens = f.tokens(f.register(), READ);

      assertThat(f.server.verify(tokens.accessToken(), "https://other.example/mcp"))
          .isInstanceOf(OAuthServer.Invalid.class);
      assertThat(f.server.verify(tokens.accessToken(), OAuthFixture.ISSUER + "/other"))
          .isInstanceOf(OAuthServer.Invalid.class);
    }
  }

  @Test
  void anAccessTokenIsInvalidOnceItExpires() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.TokenResponse tokens = f.tokens(f.register(), READ);

      f.advance(Duration.ofHours(1));

      assertThat(f.server.verify(tokens.accessToken(), RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
    }
  }

  @Test
  void aRefreshTokenIsNotAnAccessToken() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.TokenResponse tokens = f.tokens(f.register(), READ);

      assertThat(f.server.verify(tokens.refreshToken(), RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
    }
  }

  @Test
  void anUnknownTokenIsInvalid() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      f.tokens(f.register(), READ);

      assertThat(f.server.verify("cga_" + OAuthFixture.newVerifier(), RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
      assertThat(f.server.verify("cgt_" + OAuthFixture.newVerifier(), RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
      assertThat(f.server.verify(OAuthFixture.newVerifier(), RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
      assertThat(f.server.verify("", RESOURCE)).isInstanceOf(OAuthServer.Invalid.class);
      assertThat(f.server.verify("cga_" + "x".repeat(300), RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
    }
  }

  @Test
  void anInvalidReasonNeverHoldsTheToken() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.TokenResponse tokens = f.tokens(f.register(), READ);

      OAuthServer.BearerCheck check = f.server.verify(tokens.accessToken(), "https://o.example");

      assertThat(((OAuthServer.Invalid) check).why()).doesNotContain(tokens.accessToken());
    }
  }

  @Test
  void theScopesShrinkWhenTheOwnerNarrowsTheDeviceBaseline() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ_WRITE);

      f.pairing.rotate(
          client.deviceId(), Role.OPERATOR, Optional.of(ScopeSet.of(Scope.READ)), owner());

      assertThat(f.server.verify(tokens.accessToken(), RESOURCE))
          .isInstanceOfSatisfying(
              OAuthServer.Valid.class,
              v -> assertThat(v.scopes()).isEqualTo(ScopeSet.of(Scope.READ)));
    }
  }

  @Test
  void anAccessTokenIsInvalidOnceTheOwnerRemovesTheClient() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);

      f.pairing.remove(client.deviceId(), owner());

      assertThat(f.server.verify(tokens.accessToken(), RESOURCE))
          .isInstanceOf(OAuthServer.Invalid.class);
    }
  }

  @Test
  void aStaticTokenIsValidForAnyAudience() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken token =
          f.server.createStaticToken("ci", ScopeSet.of(Scope.READ), Optional.empty(), owner());

      assertThat(f.server.verify(token.value(), RESOURCE))
          .isEqualTo(
              new OAuthServer.Valid(
                  token.deviceId(), "ci", DeviceKind.TOKEN, ScopeSet.of(Scope.READ)));
      assertThat(f.server.verify(token.value(), "https://gw.example/other"))
          .isInstanceOf(OAuthServer.Valid.class);
      assertThat(f.server.verify(token.value(), "https://other.example/mcp"))
          .isInstanceOf(OAuthServer.Valid.class);
    }
  }

  // ---- revoke ---------------------------------------------------------------------------------

  @Test
  void revokingARefreshTokenEndsItsGrant() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);

      f.server.revoke(revokeForm(client, tokens.refreshToken()));

      assertThat(f.valid(tokens.accessToken())).isFalse();
      assertThat(oauthError(() -> f.refresh(client, tokens.refreshToken())).error())
          .isEqualTo("invalid_grant");
    }
  }

  @Test
  void revokingAnAccessTokenEndsOnlyThatToken() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);

      f.server.revoke(revokeForm(client, tokens.accessToken()));

      assertThat(f.valid(tokens.accessToken())).isFalse();
      OAuthServer.TokenResponse refreshed = f.refresh(client, tokens.refreshToken());
      assertThat(f.valid(refreshed.accessToken())).isTrue();
    }
  }

  @Test
  void revokingAnotherClientsTokenChangesNothing() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient a = f.register("Client A", "https://a.example/cb");
      OAuthClient b = f.register("Client B", "https://b.example/cb");
      OAuthServer.TokenResponse tokens = f.tokens(a, READ);

      f.server.revoke(revokeForm(b, tokens.refreshToken()));
      f.server.revoke(revokeForm(b, tokens.accessToken()));

      assertThat(f.valid(tokens.accessToken())).isTrue();
      assertThat(f.refresh(a, tokens.refreshToken()).accessToken()).startsWith("cga_");
    }
  }

  @Test
  void revokingAnUnknownTokenChangesNothingAndDoesNotFail() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);

      f.server.revoke(revokeForm(client, "cgr_unknown"));

      assertThat(f.valid(tokens.accessToken())).isTrue();
    }
  }

  @Test
  void revokingAStaticTokenThroughTheOAuthEndpointChangesNothing() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.CreatedToken token =
          f.server.createStaticToken("ci", ScopeSet.of(Scope.READ), Optional.empty(), owner());

      f.server.revoke(revokeForm(client, token.value()));

      assertThat(f.valid(token.value())).isTrue();
    }
  }
}
