package dev.clawgate.core.pairing;

import static dev.clawgate.core.pairing.PairingFixture.APPROVALS;
import static dev.clawgate.core.pairing.PairingFixture.PAIRING;
import static dev.clawgate.core.pairing.PairingFixture.READ;
import static dev.clawgate.core.pairing.PairingFixture.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
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
 * A local connection that proves the shared secret is the owner at the keyboard: with {@code
 * autoApproveLocal} its pairing is approved on the spot, once, and audited.
 */
class SilentLocalApprovalTest {
  @TempDir Path dir;

  @Test
  void localScopeUpgradeWithSharedTokenIsApprovedSilentlyOnce() {
    try (PairingFixture f = PairingFixture.autoLocal(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = device.deviceId();
      String token = f.pairByOwner(device, Role.OPERATOR, PAIRING);

      ConnectGrant grant =
          f.grant(f.connect(device).deviceToken(token).scopes(READ, WRITE, APPROVALS).local());

      assertThat(grant.connectionScopes()).isEqualTo(ScopeSet.of(READ, WRITE, APPROVALS));
      assertThat(grant.reportedScopes()).isEqualTo(ScopeSet.of(PAIRING, READ, WRITE, APPROVALS));
      assertThat(grant.issuedDeviceToken()).as("the token value is kept").isEmpty();
      List<PairingRequest> silent =
          f.requestsOf(id).stream()
              .filter(r -> r.approvedVia().equals(Optional.of("silent")))
              .toList();
      assertThat(silent)
          .singleElement()
          .satisfies(r -> {
            assertThat(r.state()).isEqualTo(RequestState.APPROVED);
            assertThat(r.reason()).isEqualTo(PairingReason.SCOPE_UPGRADE);
            assertThat(r.resolvedBy()).contains("gateway:silent-local");
          });
      List<AuditEntry> approvals = f.audit("pairing.approve");
      assertThat(approvals.stream().filter(e -> e.actor().equals("gateway:silent-local")))
          .singleElement()
          .satisfies(e -> {
            assertThat(e.deviceId()).contains(id);
            assertThat(e.requestId()).contains(silent.getFirst().requestId());
          });
      assertThat(f.events.resolved)
          .extracting(PairingRequest::requestId)
          .contains(silent.getFirst().requestId());

      long requests = f.requestCount();
      for (int i = 0; i < 5; i++) {
        f.advance(Duration.ofMinutes(2));
        ConnectGrant again =
            f.grant(f.connect(device).deviceToken(token).scopes(READ, WRITE, APPROVALS).local());
        assertThat(again.issuedDeviceToken()).isEmpty();
      }
      assertThat(f.requestCount()).isEqualTo(requests);
      assertThat(
              f.audit("pairing.approve").stream()
                  .filter(e -> e.actor().equals("gateway:silent-local")))
          .hasSize(1);
      assertThat(f.pendingOf(id)).isEmpty();
    }
  }

  @Test
  void firstLocalConnectWithSharedTokenPairsSilentlyAndIssuesTheToken() {
    try (PairingFixture f = PairingFixture.autoLocal(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();

      ConnectGrant grant = f.grant(f.connect(device).scopes(READ).local());

      assertThat(grant.issuedDeviceToken()).isPresent();
      assertThat(grant.authMethod()).isEqualTo("token");
      PairedDevice paired = f.device(device.deviceId());
      assertThat(paired.approvedVia()).isEqualTo("silent");
      assertThat(paired.baseline(Role.OPERATOR)).contains(ScopeSet.of(READ));
      assertThat(f.requestsOf(device.deviceId()))
          .singleElement()
          .satisfies(r -> {
            assertThat(r.reason()).isEqualTo(PairingReason.NOT_PAIRED);
            assertThat(r.approvedVia()).contains("silent");
          });
      ConnectGrant again =
          f.grant(
              f.connect(device)
                  .deviceToken(grant.issuedDeviceToken().orElseThrow())
                  .scopes(READ)
                  .local());
      assertThat(again.issuedDeviceToken()).isEmpty();
      assertThat(f.requestsOf(device.deviceId())).hasSize(1);
    }
  }

  @Test
  void localConnectWithoutTheSharedSecretIsNotSilent() {
    // A device token keeps the approved baseline as a hard cap, even on loopback.
    try (PairingFixture f = PairingFixture.autoLocal(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, READ);

      ClawgateException withDeviceTokenOnly =
          f.refusal(f.connect(device).noSharedToken().deviceToken(token).scopes(WRITE).local());
      ClawgateException withNothing =
          f.refusal(f.connect(device).noSharedToken().scopes(WRITE).local());

      assertThat(withDeviceTokenOnly.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
      assertThat(withNothing.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
      assertThat(f.baseline(device.deviceId(), Role.OPERATOR)).isEqualTo(ScopeSet.of(READ));
    }
  }

  @Test
  void remoteConnectWithSharedTokenIsNotSilent() {
    try (PairingFixture f = PairingFixture.autoLocal(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();

      ClawgateException refused = f.refusal(f.connect(device).scopes(READ).remote("10.0.0.5"));

      assertThat(refused.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
      assertThat(f.service().device(device.deviceId())).isEmpty();
    }
  }

  @Test
  void localConnectWithAutoApproveOffNeedsTheOwner() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();

      ClawgateException refused = f.refusal(f.connect(device).scopes(READ).local());

      assertThat(refused.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
      assertThat(f.audit("pairing.approve")).isEmpty();
    }
  }

  @Test
  void localConnectWithWrongSharedTokenCreatesNothing() {
    try (PairingFixture f = PairingFixture.autoLocal(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();

      ClawgateException refused =
          f.refusal(f.connect(device).sharedToken("not-the-token").scopes(READ).local());

      assertThat(refused.detail()).isEqualTo(DetailCode.AUTH_TOKEN_MISMATCH);
      assertThat(f.requestCount()).isZero();
      assertThat(f.service().device(device.deviceId())).isEmpty();
      assertThat(f.audit("auth.failed")).hasSize(1);
    }
  }
}
