package dev.clawgate.core.pairing;

import static dev.clawgate.core.pairing.PairingFixture.ADMIN;
import static dev.clawgate.core.pairing.PairingFixture.PAIRING;
import static dev.clawgate.core.pairing.PairingFixture.READ;
import static dev.clawgate.core.pairing.PairingFixture.SHARED_PASSWORD;
import static dev.clawgate.core.pairing.PairingFixture.SHARED_TOKEN;
import static dev.clawgate.core.pairing.PairingFixture.TALK_SECRETS;
import static dev.clawgate.core.pairing.PairingFixture.WRITE;
import static dev.clawgate.core.pairing.PairingFixture.owner;
import static dev.clawgate.core.pairing.PairingFixture.requestIdOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.config.GatewayConfig.PairingConfig;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error table of spec/pairing.md: each detail code comes from exactly its cause, and only the
 * shared-secret codes talk about {@code gateway.auth.token} / {@code gateway.remote.token}.
 */
class ConnectErrorTableTest {
  @TempDir Path dir;

  private static void assertNoSharedSecretHint(ClawgateException error) {
    assertThat(error.getMessage())
        .doesNotContain("gateway.auth.token", "gateway.remote.token", "gateway.auth.password");
  }

  // ---- shared token ---------------------------------------------------------------------------

  @Test
  void absentSharedTokenWithoutDeviceIsTokenMissing() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      ClawgateException error = f.refusal(f.devicelessConnect().noSharedToken().local());

      assertThat(error.detail()).isEqualTo(DetailCode.AUTH_TOKEN_MISSING);
      assertThat(error.getMessage()).contains("gateway.auth.token", "gateway.remote.token");
      assertThat(f.audit("auth.failed"))
          .singleElement()
          .satisfies(e -> assertThat(e.detail()).containsEntry("code", "AUTH_TOKEN_MISSING"));
    }
  }

  @Test
  void wrongSharedTokenIsTokenMismatchWithAndWithoutDevice() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity unpaired = DeviceIdentity.generate();
      DeviceIdentity paired = DeviceIdentity.generate();
      f.pairByOwner(paired, Role.OPERATOR, READ);
      long requests = f.requestCount();

      List<ClawgateException> errors =
          List.of(
              f.refusal(f.devicelessConnect().sharedToken("wrong").local()),
              f.refusal(f.connect(unpaired).sharedToken("wrong").scopes(READ)),
              f.refusal(f.connect(paired).sharedToken("wrong").scopes(READ).role(Role.NODE)),
              // An explicit device token does not excuse a wrong shared token that was sent.
              f.refusal(f.connect(paired).sharedToken("wrong").deviceToken("whatever")));

      for (ClawgateException error : errors) {
        assertThat(error.detail()).isEqualTo(DetailCode.AUTH_TOKEN_MISMATCH);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(error.getMessage()).contains("gateway.auth.token", "gateway.remote.token");
      }
      assertThat(f.requestCount())
          .as("a failed auth asks nothing of the owner")
          .isEqualTo(requests);
    }
  }

  // ---- password -------------------------------------------------------------------------------

  @Test
  void passwordModeReportsPasswordMissingAndMismatch() {
    try (PairingFixture f =
        PairingFixture.open(dir, PairingFixture.passwordAuth(), PairingFixture.pairing(false))) {
      ClawgateException missing = f.refusal(f.devicelessConnect().noSharedToken().local());
      ClawgateException mismatch =
          f.refusal(f.devicelessConnect().noSharedToken().password("wrong").local());
      // The shared token is not what password mode checks.
      ClawgateException tokenInstead =
          f.refusal(f.devicelessConnect().sharedToken(SHARED_TOKEN).local());

      assertThat(missing.detail()).isEqualTo(DetailCode.AUTH_PASSWORD_MISSING);
      assertThat(mismatch.detail()).isEqualTo(DetailCode.AUTH_PASSWORD_MISMATCH);
      assertThat(tokenInstead.detail()).isEqualTo(DetailCode.AUTH_PASSWORD_MISSING);
      for (ClawgateException e : List.of(missing, mismatch, tokenInstead)) {
        assertThat(e.getMessage()).contains("password").doesNotContain("gateway.auth.token");
      }
      ConnectGrant ok =
          f.grant(f.devicelessConnect().noSharedToken().password(SHARED_PASSWORD).local());
      assertThat(ok.authMethod()).isEqualTo("password");
      DeviceIdentity device = DeviceIdentity.generate();
      ClawgateException deviceMismatch =
          f.refusal(f.connect(device).noSharedToken().password("wrong").scopes(READ));
      assertThat(deviceMismatch.detail()).isEqualTo(DetailCode.AUTH_PASSWORD_MISMATCH);
    }
  }

  // ---- device token ---------------------------------------------------------------------------

  @Test
  void wrongExplicitDeviceTokenIsDeviceTokenMismatch() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      f.pairByOwner(device, Role.OPERATOR, READ);

      ClawgateException error =
          f.refusal(f.connect(device).deviceToken(Secrets.newToken()).scopes(READ));

      assertThat(error.detail()).isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      assertThat(error.getMessage()).contains(device.deviceId(), "clawgate devices rotate");
      assertNoSharedSecretHint(error);
      assertThat(error.details()).containsEntry("deviceId", device.deviceId());
    }
  }

  @Test
  void revokedDeviceTokenIsDeviceTokenMismatch() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, READ);
      f.service().revoke(device.deviceId(), Role.OPERATOR, owner());

      ClawgateException error = f.refusal(f.connect(device).deviceToken(token).scopes(READ));

      assertThat(error.detail()).isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      assertThat(error.getMessage()).contains("revoked");
      assertNoSharedSecretHint(error);
    }
  }

  @Test
  void rotatedAwayDeviceTokenIsDeviceTokenMismatch() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, READ);
      f.service().rotate(device.deviceId(), Role.OPERATOR, Optional.empty(), owner());

      ClawgateException error = f.refusal(f.connect(device).deviceToken(token).scopes(READ));

      assertThat(error.detail()).isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      assertNoSharedSecretHint(error);
    }
  }

  @Test
  void authTokenThatIsNeitherSharedNorTheLiveDeviceTokenIsDeviceTokenMismatch() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, READ);
      // The device token in auth.token authenticates (the fallback) ...
      ConnectGrant fallback = f.grant(f.connect(device).sharedToken(token).scopes(READ));
      assertThat(fallback.authMethod()).isEqualTo("device-token");

      // ... and a value that is neither is a device token mismatch, since the device holds one;
      // the message says it was compared with both, since the sender may have meant either.
      ClawgateException error =
          f.refusal(f.connect(device).sharedToken("stale-value").scopes(READ));

      assertThat(error.detail()).isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      assertThat(error.getMessage())
          .contains("neither this gateway's shared token", "nor the device token of device")
          .contains(device.deviceId(), "--token-file", "clawgate devices rotate");
    }
  }

  // ---- scope mismatch -------------------------------------------------------------------------

  @Test
  void devicelessRemoteConnectWithScopesIsScopeMismatch() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      ClawgateException error =
          f.refusal(f.devicelessConnect().scopes(READ, WRITE).remote("198.51.100.4"));

      assertThat(error.detail()).isEqualTo(DetailCode.AUTH_SCOPE_MISMATCH);
      assertThat(error.details().get("requestedScopes"))
          .isEqualTo(List.of(READ.name(), WRITE.name()));
      assertThat(error.details().get("heldScopes")).isEqualTo(List.of());
      assertNoSharedSecretHint(error);

      ConnectGrant noScopes = f.grant(f.devicelessConnect().remote("198.51.100.4"));
      assertThat(noScopes.connectionScopes()).isEqualTo(ScopeSet.empty());
      ConnectGrant local = f.grant(f.devicelessConnect().scopes(ADMIN).local());
      assertThat(local.connectionScopes()).isEqualTo(ScopeSet.of(ADMIN));
      assertThat(local.deviceId()).isEmpty();
    }
  }

  // ---- pairing required -----------------------------------------------------------------------

  @Test
  void unknownDeviceIsPairingRequiredNotPaired() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();

      ClawgateException error = f.refusal(f.connect(device).scopes(READ));

      assertPairingRequired(error, "not-paired", f);
      assertThat(error.details()).containsEntry("approvedScopes", List.of());
    }
  }

  @Test
  void unapprovedRoleIsPairingRequiredRoleUpgrade() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      f.pairByOwner(device, Role.OPERATOR, READ);

      // Device tokens are per role: a node host of this identity has none yet and sends none.
      ClawgateException error = f.refusal(f.connect(device).role(Role.NODE));

      assertPairingRequired(error, "role-upgrade", f);
      assertThat(error.details()).containsEntry("approvedRoles", List.of("operator"));
    }
  }

  @Test
  void scopeShortfallWithIdenticalSharedTokensIsScopeUpgradeNeverTokenMismatch() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, PAIRING);

      // The gateway's token and the one sent are identical; only the scopes fall short.
      ClawgateException sharedToken =
          f.refusal(f.connect(device).sharedToken(SHARED_TOKEN).scopes(READ, TALK_SECRETS));
      // The CLI sends its stored device token in auth.token (the reference's misleading path).
      ClawgateException deviceTokenAsAuthToken =
          f.refusal(f.connect(device).sharedToken(token).scopes(READ, TALK_SECRETS));
      ClawgateException explicitDeviceToken =
          f.refusal(f.connect(device).deviceToken(token).scopes(READ, TALK_SECRETS));

      for (ClawgateException error :
          List.of(sharedToken, deviceTokenAsAuthToken, explicitDeviceToken)) {
        assertPairingRequired(error, "scope-upgrade", f);
        assertThat(error.details())
            .containsEntry("requestedScopes", List.of(READ.name(), TALK_SECRETS.name()))
            .containsEntry("approvedScopes", List.of(PAIRING.name()));
        assertThat(error.getMessage()).contains("operator.talk.secrets", "operator.pairing");
      }
    }
  }

  @Test
  void changedPlatformIsPairingRequiredMetadataUpgrade() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, READ);
      // Case and surrounding blanks do not count as a change.
      f.grant(f.connect(device).deviceToken(token).platform("  LINUX ").scopes(READ));

      ClawgateException error =
          f.refusal(f.connect(device).deviceToken(token).platform("darwin").scopes(READ));

      assertPairingRequired(error, "metadata-upgrade", f);
      f.service().approve(requestIdOf(error), Optional.empty(), owner());
      ConnectGrant after =
          f.grant(f.connect(device).deviceToken(token).platform("darwin").scopes(READ));
      assertThat(after.issuedDeviceToken()).isEmpty();
    }
  }

  private static void assertPairingRequired(
      ClawgateException error, String reason, PairingFixture f) {
    assertThat(error.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
    assertThat(error.code()).isEqualTo(ErrorCode.NOT_PAIRED);
    assertThat(error.details()).containsEntry("reason", reason);
    String requestId = requestIdOf(error);
    assertThat(error.getMessage()).contains("clawgate devices approve " + requestId);
    assertThat(error.details()).containsKeys("requestedScopes", "approvedScopes", "deviceId");
    assertThat(f.service().request(requestId).orElseThrow().state())
        .isEqualTo(RequestState.PENDING);
    assertNoSharedSecretHint(error);
  }

  // ---- device identity required ----------------------------------------------------------------

  @Test
  void devicelessNodeIsDeviceIdentityRequired() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      for (Connect connect :
          List.of(
              f.devicelessConnect().role(Role.NODE).local(),
              f.devicelessConnect().role(Role.NODE).remote("198.51.100.5"),
              f.devicelessConnect().role(Role.NODE).noSharedToken().local())) {
        ClawgateException error = f.refusal(connect);
        assertThat(error.detail()).isEqualTo(DetailCode.DEVICE_IDENTITY_REQUIRED);
        assertNoSharedSecretHint(error);
      }
    }
  }

  // ---- request limit --------------------------------------------------------------------------

  @Test
  void pendingRequestCapsArePairingRequestLimit() {
    PairingConfig caps =
        new PairingConfig(false, Duration.ofMinutes(5), 2, 1, Duration.ofHours(24));
    try (PairingFixture f = PairingFixture.open(dir, PairingFixture.tokenAuth(), caps)) {
      DeviceIdentity a = DeviceIdentity.generate();
      DeviceIdentity b = DeviceIdentity.generate();
      DeviceIdentity c = DeviceIdentity.generate();
      DeviceIdentity d = DeviceIdentity.generate();

      String first = requestIdOf(f.refusal(f.connect(a).scopes(READ).remote("10.0.0.1")));
      ClawgateException perAddress = f.refusal(f.connect(b).scopes(READ).remote("10.0.0.1"));
      assertThat(perAddress.detail()).isEqualTo(DetailCode.PAIRING_REQUEST_LIMIT);
      assertThat(perAddress.retryAfterMs()).isPresent();
      assertNoSharedSecretHint(perAddress);

      f.refusal(f.connect(c).scopes(READ).remote("10.0.0.2"));
      ClawgateException total = f.refusal(f.connect(d).scopes(READ).remote("10.0.0.3"));
      assertThat(total.detail()).isEqualTo(DetailCode.PAIRING_REQUEST_LIMIT);

      // A device that already has a request keeps refreshing and amending it under the caps.
      ClawgateException refresh = f.refusal(f.connect(a).scopes(READ, WRITE).remote("10.0.0.1"));
      assertThat(requestIdOf(refresh)).isEqualTo(first);

      // Expired requests hold no place, even before a sweep removes them.
      f.advance(Duration.ofMinutes(6));
      ClawgateException afterExpiry = f.refusal(f.connect(d).scopes(READ).remote("10.0.0.3"));
      assertThat(afterExpiry.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
    }
  }
}
