package dev.clawgate.core.pairing;

import static dev.clawgate.core.pairing.PairingFixture.APPROVALS;
import static dev.clawgate.core.pairing.PairingFixture.PAIRING;
import static dev.clawgate.core.pairing.PairingFixture.READ;
import static dev.clawgate.core.pairing.PairingFixture.TALK_SECRETS;
import static dev.clawgate.core.pairing.PairingFixture.WRITE;
import static dev.clawgate.core.pairing.PairingFixture.owner;
import static dev.clawgate.core.pairing.PairingFixture.requestIdOf;
import static dev.clawgate.core.pairing.PairingFixture.revisionOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The loop reported upstream (issue #78727) cannot happen: a scope upgrade that needs the owner
 * gets one request with a stable id, the owner's approval of it is final, and the device and every
 * client sharing its identity connect with the union from then on.
 */
class ScopeUpgradeApprovalTest {
  private static final Scope[] MCP_SCOPES = {READ, WRITE, APPROVALS};

  @TempDir Path dir;

  private PairingFixture fixture(boolean autoApproveLocal) {
    return PairingFixture.open(
        dir, PairingFixture.tokenAuth(), PairingFixture.pairing(autoApproveLocal));
  }

  @ParameterizedTest(name = "local={0}, autoApproveLocal={1}")
  @CsvSource({"false, true", "true, false", "false, false"})
  void approvedScopeUpgradeIsFinalAndTheRequestIdNeverChanges(boolean local, boolean autoApprove) {
    try (PairingFixture f = fixture(autoApprove)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = device.deviceId();
      String token = f.pairByOwner(device, Role.OPERATOR, PAIRING);
      byte[] tokenHash = f.tokenHash(id, Role.OPERATOR).orElseThrow();

      // The upgrade: exactly one pending request, with the approve command.
      ClawgateException first =
          f.refusal(f.connect(device).deviceToken(token).scopes(MCP_SCOPES).local(local));
      assertThat(first.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
      assertThat(first.details()).containsEntry("reason", "scope-upgrade");
      String requestId = requestIdOf(first);
      assertThat(revisionOf(first)).isEqualTo(1);
      assertThat(first.getMessage()).contains("clawgate devices approve " + requestId);
      assertThat(first.details())
          .containsEntry("approveCommand", "clawgate devices approve " + requestId);
      assertThat(first.getMessage()).doesNotContain("gateway.auth.token", "gateway.remote.token");
      assertThat(f.pendingOf(id))
          .singleElement()
          .extracting(PairingRequest::requestId)
          .isEqualTo(requestId);

      // Same or fewer scopes, and the approver's own kind of connect: same id, same revision.
      for (Scope[] scopes : List.of(MCP_SCOPES, new Scope[] {READ}, new Scope[] {WRITE, READ})) {
        ClawgateException again =
            f.refusal(f.connect(device).deviceToken(token).scopes(scopes).local(local));
        assertThat(requestIdOf(again)).isEqualTo(requestId);
        assertThat(revisionOf(again)).isEqualTo(1);
      }
      ConnectGrant approverLike =
          f.grant(f.connect(device).deviceToken(token).scopes(PAIRING).local(local));
      assertThat(approverLike.connectionScopes()).isEqualTo(ScopeSet.of(PAIRING));
      assertThat(f.pendingOf(id))
          .singleElement()
          .satisfies(r -> {
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.revision()).isEqualTo(1);
          });

      // Asking for more amends the same request.
      ClawgateException amended =
          f.refusal(
              f.connect(device)
                  .deviceToken(token)
                  .scopes(READ, WRITE, APPROVALS, TALK_SECRETS)
                  .local(local));
      assertThat(requestIdOf(amended)).isEqualTo(requestId);
      assertThat(revisionOf(amended)).isEqualTo(2);
      PairingRequest pending = f.pendingOf(id).getFirst();
      assertThat(pending.requestId()).isEqualTo(requestId);
      assertThat(pending.scopes()).isEqualTo(ScopeSet.of(READ, WRITE, APPROVALS, TALK_SECRETS));
      assertThat(f.pendingOf(id)).hasSize(1);
      // device.pair.requested goes out for the new request and again for its amendment only.
      assertThat(f.events.requested)
          .filteredOn(r -> r.requestId().equals(requestId))
          .extracting(PairingRequest::revision)
          .containsExactly(1, 2);

      // The owner approving what they saw (revision 1) is told what was added; nothing changes.
      ClawgateException conflict =
          catchThrowableOfType(
              ClawgateException.class,
              () -> f.service().approve(requestId, Optional.of(1), owner()));
      assertThat(conflict.detail()).isEqualTo(DetailCode.PAIRING_REQUEST_REVISION_CONFLICT);
      assertThat(conflict.details().get("addedScopes")).isEqualTo(List.of(TALK_SECRETS.name()));
      assertThat(conflict.getMessage()).contains(TALK_SECRETS.name(), requestId);
      assertThat(f.service().request(requestId).orElseThrow().state())
          .isEqualTo(RequestState.PENDING);
      assertThat(f.baseline(id, Role.OPERATOR)).isEqualTo(ScopeSet.of(PAIRING));
      assertThat(f.tokenScopes(id, Role.OPERATOR)).isEqualTo(ScopeSet.of(PAIRING));

      // Approving revision 2 succeeds.
      PairingService.ApprovalResult approval =
          f.service().approve(requestId, Optional.of(2), owner());
      assertThat(approval.alreadyApproved()).isFalse();
      assertThat(approval.request().state()).isEqualTo(RequestState.APPROVED);
      ScopeSet union = ScopeSet.of(PAIRING, READ, WRITE, APPROVALS, TALK_SECRETS);
      assertThat(f.baseline(id, Role.OPERATOR)).isEqualTo(union);
      assertThat(f.tokenScopes(id, Role.OPERATOR)).isEqualTo(union);

      // The next connects succeed, with the same token value, and ask nothing of the owner.
      int requestsBefore = f.requestsOf(id).size();
      for (Scope[] scopes :
          List.of(
              new Scope[] {READ, WRITE, APPROVALS, TALK_SECRETS},
              MCP_SCOPES,
              new Scope[] {PAIRING},
              new Scope[] {})) {
        ConnectGrant grant =
            f.grant(f.connect(device).deviceToken(token).scopes(scopes).local(local));
        assertThat(grant.issuedDeviceToken()).isEmpty();
        assertThat(grant.authMethod()).isEqualTo("device-token");
        assertThat(grant.connectionScopes()).isEqualTo(ScopeSet.of(scopes));
        assertThat(grant.reportedScopes()).isEqualTo(union);
      }
      assertThat(f.requestsOf(id)).hasSize(requestsBefore);
      assertThat(f.pendingOf(id)).isEmpty();
      assertThat(f.tokenHash(id, Role.OPERATOR).orElseThrow()).isEqualTo(tokenHash);
      assertThat(f.tokenScopes(id, Role.OPERATOR).contains(PAIRING)).isTrue();
      assertThat(f.tokenScopes(id, Role.OPERATOR)).isEqualTo(union);
      assertThat(f.baseline(id, Role.OPERATOR)).isEqualTo(union);

      // Approving the same id again is "already approved", never "unknown requestId".
      assertThat(f.service().approve(requestId, Optional.of(2), owner()).alreadyApproved())
          .isTrue();
    }
  }

  @ParameterizedTest(name = "local={0}, autoApproveLocal={1}")
  @CsvSource({"false, true", "true, false"})
  void twoClientsSharingOneIdentityNeverInvalidateEachOther(boolean local, boolean autoApprove) {
    try (PairingFixture f = fixture(autoApprove)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = device.deviceId();
      String token = f.pairByOwner(device, Role.OPERATOR, PAIRING);
      byte[] tokenHash = f.tokenHash(id, Role.OPERATOR).orElseThrow();

      // mcp serve and the CLI share the identity and the stored device token, asking differently.
      Connect mcp =
          f.connect(device)
              .client("mcp", "backend")
              .deviceToken(token)
              .scopes(APPROVALS, READ, TALK_SECRETS, WRITE)
              .local(local);
      Connect cli =
          f.connect(device)
              .client("cli", "cli")
              .deviceToken(token)
              .scopes(PAIRING, READ)
              .local(local);
      ClawgateException mcpAsks = f.refusal(mcp);
      ClawgateException cliAsks = f.refusal(cli);
      String requestId = requestIdOf(mcpAsks);
      assertThat(requestIdOf(cliAsks)).isEqualTo(requestId);
      for (int i = 0; i < 10; i++) {
        assertThat(requestIdOf(f.refusal(i % 2 == 0 ? mcp : cli))).isEqualTo(requestId);
      }
      PairingRequest pending = f.pendingOf(id).getFirst();
      f.service().approve(requestId, Optional.of(pending.revision()), owner());
      int requests = f.requestsOf(id).size();

      // Alternate many times, with random least-privilege subsets of the approved union.
      ScopeSet union = f.baseline(id, Role.OPERATOR);
      List<Scope> approved = new ArrayList<>(union.asSet());
      RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(78727);
      ScopeSet reportedBefore = ScopeSet.empty();
      for (int i = 0; i < 200; i++) {
        Connect next;
        if (i % 3 == 0) {
          next = i % 2 == 0 ? mcp : cli;
        } else {
          List<Scope> subset = new ArrayList<>();
          for (Scope s : approved) {
            if (random.nextBoolean()) {
              subset.add(s);
            }
          }
          next =
              f.connect(device)
                  .client(i % 2 == 0 ? "mcp" : "cli", i % 2 == 0 ? "backend" : "cli")
                  .deviceToken(token)
                  .scopes(subset)
                  .local(local);
        }
        ConnectGrant grant = f.grant(next);
        assertThat(grant.issuedDeviceToken()).isEmpty();
        assertThat(grant.reportedScopes().covers(reportedBefore)).isTrue();
        assertThat(union.covers(grant.reportedScopes())).isTrue();
        reportedBefore = grant.reportedScopes();
      }
      assertThat(f.requestsOf(id)).hasSize(requests);
      assertThat(f.pendingOf(id)).isEmpty();
      assertThat(HexFormat.of().formatHex(f.tokenHash(id, Role.OPERATOR).orElseThrow()))
          .isEqualTo(HexFormat.of().formatHex(tokenHash));
      assertThat(f.tokenScopes(id, Role.OPERATOR)).isEqualTo(union);
      assertThat(f.baseline(id, Role.OPERATOR)).isEqualTo(union);
    }
  }

  @ParameterizedTest(name = "local={0}")
  @CsvSource({"false", "true"})
  void approverConnectingAsTheSameDeviceDoesNotSupersedeTheRequest(boolean local) {
    // Upstream the approver (`devices approve`) connected as the same device with its own scopes,
    // which replaced the very request it was approving. Here it either fits the baseline (granted)
    // or refreshes/amends the same request; the id it approves is always the live one.
    try (PairingFixture f =
        PairingFixture.open(
            dir, PairingFixture.tokenAuth(), GatewayConfig.PairingConfig.defaults())) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, READ);
      String requestId =
          requestIdOf(f.refusal(f.connect(device).deviceToken(token).scopes(READ, WRITE)));
      // The CLI's approver connection of the same identity asks for operator.pairing.
      ClawgateException approverConnect =
          f.refusal(f.connect(device).deviceToken(token).scopes(PAIRING));
      assertThat(requestIdOf(approverConnect)).isEqualTo(requestId);
      assertThat(revisionOf(approverConnect)).isEqualTo(2);
      // The CLI then authenticates device-less with the shared secret and approves the live id.
      ConnectGrant cli = f.grant(f.devicelessConnect().scopes(PairingFixture.ADMIN).local(true));
      assertThat(cli.connectionScopes()).isEqualTo(ScopeSet.of(PairingFixture.ADMIN));
      f.service()
          .approve(
              requestId,
              Optional.of(2),
              new Approver("owner:local", cli.connectionScopes(), Optional.empty(), "127.0.0.1"));
      ConnectGrant after =
          f.grant(f.connect(device).deviceToken(token).scopes(READ, WRITE, PAIRING).local(local));
      assertThat(after.reportedScopes()).isEqualTo(ScopeSet.of(PAIRING, READ, WRITE));
      assertThat(f.pendingOf(device.deviceId())).isEmpty();
    }
  }
}
