package dev.clawgate.core.oauth;

import static dev.clawgate.core.oauth.OAuthFixture.RESOURCE;
import static dev.clawgate.core.oauth.OAuthFixture.codeForm;
import static dev.clawgate.core.oauth.OAuthFixture.newVerifier;
import static dev.clawgate.core.oauth.OAuthFixture.owner;
import static dev.clawgate.core.oauth.OAuthFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server records (audit log, events) and what its sweep deletes. */
class OAuthAuditEventsSweepTest {
  private static final String READ = "operator.read";

  @TempDir Path dir;

  private static List<AuditEntry> audit(OAuthFixture f) {
    return AuditLog.list(f.store, AuditLog.Filter.latest(100));
  }

  // ---- audit ----------------------------------------------------------------------------------

  @Test
  void grantsReuseReplayAndTokenCreationAreAuditedWithoutTokenValues() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      String verifier = newVerifier();
      String code = f.code(client, verifier, READ);
      OAuthServer.TokenResponse first = f.server.token(codeForm(client, code, verifier));
      Throwable replay = catchThrowable(() -> f.server.token(codeForm(client, code, verifier)));
      OAuthServer.TokenResponse second = f.tokens(client, READ);
      OAuthServer.TokenResponse rotated = f.refresh(client, second.refreshToken());
      Throwable reuse = catchThrowable(() -> f.refresh(client, second.refreshToken()));
      OAuthServer.CreatedToken created =
          f.server.createStaticToken("ci", ScopeSet.of(Scope.READ), Optional.empty(), owner());

      List<AuditEntry> entries = audit(f);

      assertThat(replay).isInstanceOf(OAuthException.class);
      assertThat(reuse).isInstanceOf(OAuthException.class);
      assertThat(entries)
          .extracting(AuditEntry::action)
          .contains(
              "oauth.register",
              "oauth.grant",
              "oauth.code_replay",
              "oauth.refresh_reuse",
              "token.create");
      assertThat(entries)
          .filteredOn(e -> e.action().equals("oauth.grant"))
          .allSatisfy(e -> assertThat(e.deviceId()).contains(client.deviceId()));
      assertThat(entries)
          .filteredOn(e -> e.action().equals("token.create"))
          .singleElement()
          .satisfies(e -> assertThat(e.deviceId()).contains(created.deviceId()));
      String serialized =
          Json.mapper().writeValueAsString(entries.stream().map(AuditEntry::detail).toList())
              + entries;
      for (String secret :
          List.of(
              code,
              verifier,
              first.accessToken(),
              first.refreshToken(),
              second.accessToken(),
              second.refreshToken(),
              rotated.accessToken(),
              rotated.refreshToken(),
              created.value())) {
        assertThat(serialized).doesNotContain(secret);
      }
    }
  }

  // ---- events ---------------------------------------------------------------------------------

  @Test
  void theEventsOfAClientsLifeAreReported() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);
      f.refresh(client, tokens.refreshToken());
      Throwable reuse = catchThrowable(() -> f.refresh(client, tokens.refreshToken()));
      f.server.verify("cga_unknown", RESOURCE);

      assertThat(reuse).isInstanceOf(OAuthException.class);

      assertThat(f.events)
          .contains(
              OAuthEvents.Event.REGISTER,
              OAuthEvents.Event.AUTHORIZE,
              OAuthEvents.Event.CONSENT_APPROVED,
              OAuthEvents.Event.TOKEN_ISSUED,
              OAuthEvents.Event.TOKEN_REFRESHED,
              OAuthEvents.Event.REFRESH_REUSE_DETECTED,
              OAuthEvents.Event.INVALID_TOKEN);
      assertThat(f.events)
          .containsSubsequence(
              OAuthEvents.Event.REGISTER,
              OAuthEvents.Event.TOKEN_ISSUED,
              OAuthEvents.Event.TOKEN_REFRESHED,
              OAuthEvents.Event.REFRESH_REUSE_DETECTED,
              OAuthEvents.Event.INVALID_TOKEN);
    }
  }

  @Test
  void aRepeatedRegistrationIsReportedOnce() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      f.register();
      f.register();

      assertThat(f.events).containsOnlyOnce(OAuthEvents.Event.REGISTER);
    }
  }

  @Test
  void aRevocationIsReported() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);

      f.server.revoke(Map.of("client_id", client.clientId(), "token", tokens.accessToken()));

      assertThat(f.events).contains(OAuthEvents.Event.TOKEN_REVOKED);
    }
  }

  // ---- sweep ----------------------------------------------------------------------------------

  @Test
  void sweepDeletesExpiredCodesAndAuthorizationsAfterADay() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      f.code(client, newVerifier(), READ);
      f.code(client, newVerifier(), READ);
      assertThat(f.count("oauth_codes")).isEqualTo(2);
      assertThat(f.count("oauth_authorizations")).isEqualTo(1);

      f.advance(Duration.ofHours(23));
      f.server.sweep();
      assertThat(f.count("oauth_codes")).isEqualTo(2);
      assertThat(f.count("oauth_authorizations")).isEqualTo(1);

      f.advance(Duration.ofHours(2));
      int deleted = f.server.sweep();

      assertThat(deleted).isGreaterThanOrEqualTo(3);
      assertThat(f.count("oauth_codes")).isZero();
      assertThat(f.count("oauth_authorizations")).isZero();
      assertThat(f.count("oauth_clients")).isEqualTo(1);
    }
  }

  @Test
  void sweepDeletesExpiredTokensButKeepsLiveOnes() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient client = f.register();
      OAuthServer.TokenResponse tokens = f.tokens(client, READ);
      f.server.createStaticToken("ci", ScopeSet.of(Scope.READ), Optional.empty(), owner());

      f.advance(Duration.ofDays(2));
      f.server.sweep();

      // the access token went; the refresh token (30 days) and the static token stay
      assertThat(f.count("bearer_tokens")).isEqualTo(2);
      assertThat(f.valid(f.refresh(client, tokens.refreshToken()).accessToken())).isTrue();
    }
  }

  @Test
  void sweepDeletesDynamicClientsNeverApprovedAfterAWeek() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient idle = f.register("Idle", "https://idle.example/cb");
      OAuthClient approved = f.register("Approved", "https://approved.example/cb");
      f.tokens(approved, READ);

      f.advance(Duration.ofDays(6));
      f.server.sweep();
      assertThat(f.count("oauth_clients")).isEqualTo(2);

      f.advance(Duration.ofDays(1).plusSeconds(1));
      f.server.sweep();

      assertThat(OAuthFixture.oauthError(() -> f.server.client(idle.clientId())).error())
          .isEqualTo("invalid_client");
      assertThat(f.server.client(approved.clientId())).isEqualTo(approved);
    }
  }

  @Test
  void sweepDeletesAClientWhoseConsentWasNeverAnsweredOnceItsRequestExpired() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient asked = f.register("Asked", "https://asked.example/cb");
      assertThat(f.authorize(request(asked, newVerifier(), READ)))
          .isInstanceOf(OAuthServer.NeedsConsent.class);

      f.advance(Duration.ofDays(8));
      f.pairing.sweep();
      f.server.sweep();

      assertThat(f.count("oauth_clients")).isZero();
      assertThat(f.count("oauth_authorizations")).isZero();
    }
  }

  @Test
  void sweepKeepsAClientWithAPendingConsent() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthClient asked = f.register("Asked", "https://asked.example/cb");

      f.advance(Duration.ofDays(8));
      assertThat(f.authorize(request(asked, newVerifier(), READ)))
          .isInstanceOf(OAuthServer.NeedsConsent.class);
      f.server.sweep();

      assertThat(f.server.client(asked.clientId())).isEqualTo(asked);
    }
  }
}
