package dev.clawgate.core.oauth;

import static dev.clawgate.core.oauth.OAuthFixture.RESOURCE;
import static dev.clawgate.core.oauth.OAuthFixture.owner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.pairing.DeviceKind;
import dev.clawgate.core.pairing.PairedDevice;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static bearer tokens: {@code clawgate tokens create|list|revoke}. */
class OAuthStaticTokensTest {
  private static final ScopeSet READ = ScopeSet.of(Scope.READ);

  @TempDir Path dir;

  @Test
  void aCreatedTokenIsAPairedDeviceOfKindToken() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken token =
          f.server.createStaticToken(
              "ci runner", ScopeSet.of(Scope.READ, Scope.WRITE), Optional.empty(), owner());

      assertThat(token.value()).startsWith("cgt_");
      assertThat(token.deviceId()).startsWith(DeviceKind.TOKEN.idPrefix());
      assertThat(token.name()).isEqualTo("ci runner");
      assertThat(token.expiresAtMs()).isEmpty();
      assertThat(token.toString()).doesNotContain(token.value());
      PairedDevice device =
          f.pairing.list().paired().stream()
              .filter(d -> d.deviceId().equals(token.deviceId()))
              .findFirst()
              .orElseThrow();
      assertThat(device.kind()).isEqualTo(DeviceKind.TOKEN);
      assertThat(device.baseline(Role.OPERATOR)).contains(ScopeSet.of(Scope.READ, Scope.WRITE));
      assertThat(f.pairing.list().pending()).isEmpty();
    }
  }

  @Test
  void theListShowsTokensWithoutTheirValues() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken first =
          f.server.createStaticToken("first", READ, Optional.empty(), owner());
      f.advance(Duration.ofSeconds(1));
      OAuthServer.CreatedToken second =
          f.server.createStaticToken("second", READ, Optional.of(Duration.ofDays(1)), owner());

      var listed = f.server.staticTokens();

      assertThat(listed)
          .extracting(OAuthServer.StaticToken::name)
          .containsExactly("second", "first");
      assertThat(listed.get(0).deviceId()).isEqualTo(second.deviceId());
      assertThat(listed.get(0).expiresAtMs()).isEqualTo(second.expiresAtMs());
      assertThat(listed.get(1).scopes()).isEqualTo(READ);
      assertThat(listed.toString()).doesNotContain(first.value()).doesNotContain(second.value());
    }
  }

  @Test
  void aNameInUseIsRefused() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      f.server.createStaticToken("ci", READ, Optional.empty(), owner());

      ClawgateException error =
          catchThrowableOfType(
              ClawgateException.class,
              () -> f.server.createStaticToken("CI", READ, Optional.empty(), owner()));

      assertThat(error).isNotNull();
      assertThat(f.server.staticTokens()).hasSize(1);
    }
  }

  @Test
  void aBadNameOrScopeIsRefused() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      assertThat(
              catchThrowableOfType(
                  ClawgateException.class,
                  () -> f.server.createStaticToken(" ", READ, Optional.empty(), owner())))
          .isNotNull();
      assertThat(
              catchThrowableOfType(
                  ClawgateException.class,
                  () ->
                      f.server.createStaticToken(
                          "ci", ScopeSet.of(Scope.ADMIN), Optional.empty(), owner())))
          .isNotNull();
      assertThat(
              catchThrowableOfType(
                  ClawgateException.class,
                  () ->
                      f.server.createStaticToken(
                          "ci", ScopeSet.empty(), Optional.empty(), owner())))
          .isNotNull();
      assertThat(f.server.staticTokens()).isEmpty();
    }
  }

  @Test
  void aTokenRevokedByNameStopsWorking() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken token =
          f.server.createStaticToken("ci", READ, Optional.empty(), owner());

      OAuthServer.StaticToken revoked = f.server.revokeStaticToken("ci", owner());

      assertThat(revoked.deviceId()).isEqualTo(token.deviceId());
      assertThat(f.server.verify(token.value(), RESOURCE)).isInstanceOf(OAuthServer.Invalid.class);
      assertThat(f.server.staticTokens()).isEmpty();
      assertThat(f.pairing.device(token.deviceId())).isEmpty();
    }
  }

  @Test
  void aTokenRevokedByIdStopsWorking() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken token =
          f.server.createStaticToken("ci", READ, Optional.empty(), owner());
      OAuthServer.CreatedToken other =
          f.server.createStaticToken("other", READ, Optional.empty(), owner());

      f.server.revokeStaticToken(token.deviceId(), owner());

      assertThat(f.server.verify(token.value(), RESOURCE)).isInstanceOf(OAuthServer.Invalid.class);
      assertThat(f.server.verify(other.value(), RESOURCE)).isInstanceOf(OAuthServer.Valid.class);
    }
  }

  @Test
  void revokingAnUnknownTokenIsAnError() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      f.server.createStaticToken("ci", READ, Optional.empty(), owner());

      ClawgateException error =
          catchThrowableOfType(
              ClawgateException.class, () -> f.server.revokeStaticToken("nope", owner()));

      assertThat(error).isNotNull();
      assertThat(f.server.staticTokens()).hasSize(1);
    }
  }

  @Test
  void aTokenWithALifetimeIsInvalidOnceItExpires() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken token =
          f.server.createStaticToken("ci", READ, Optional.of(Duration.ofDays(7)), owner());

      f.advance(Duration.ofDays(7).minusSeconds(1));
      assertThat(f.server.verify(token.value(), RESOURCE)).isInstanceOf(OAuthServer.Valid.class);
      f.advance(Duration.ofSeconds(1));

      assertThat(f.server.verify(token.value(), RESOURCE)).isInstanceOf(OAuthServer.Invalid.class);
    }
  }

  @Test
  void aStaticTokensScopesShrinkWithItsBaseline() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken token =
          f.server.createStaticToken(
              "ci", ScopeSet.of(Scope.READ, Scope.APPROVALS), Optional.empty(), owner());

      f.pairing.rotate(token.deviceId(), Role.OPERATOR, Optional.of(READ), owner());

      assertThat(f.server.verify(token.value(), RESOURCE))
          .isInstanceOfSatisfying(
              OAuthServer.Valid.class, v -> assertThat(v.scopes()).isEqualTo(READ));
      assertThat(f.server.staticTokens().get(0).scopes()).isEqualTo(READ);
    }
  }

  @Test
  void usingAStaticTokenRecordsWhenItWasLastUsed() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.CreatedToken token =
          f.server.createStaticToken("ci", READ, Optional.empty(), owner());
      assertThat(f.server.staticTokens().get(0).lastUsedAtMs()).isEmpty();

      f.server.verify(token.value(), RESOURCE);

      assertThat(f.server.staticTokens().get(0).lastUsedAtMs()).contains(f.clock.millis());
    }
  }
}
