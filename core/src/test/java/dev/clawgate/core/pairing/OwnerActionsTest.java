package dev.clawgate.core.pairing;

import static dev.clawgate.core.pairing.PairingFixture.ADMIN;
import static dev.clawgate.core.pairing.PairingFixture.APPROVALS;
import static dev.clawgate.core.pairing.PairingFixture.PAIRING;
import static dev.clawgate.core.pairing.PairingFixture.READ;
import static dev.clawgate.core.pairing.PairingFixture.WRITE;
import static dev.clawgate.core.pairing.PairingFixture.approverWith;
import static dev.clawgate.core.pairing.PairingFixture.owner;
import static dev.clawgate.core.pairing.PairingFixture.requestIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approve, reject, rotate, revoke, remove, rename and sweep, as the owner uses them. */
class OwnerActionsTest {
  private static final Duration TTL = Duration.ofMinutes(5);

  @TempDir Path dir;

  private static ClawgateException failure(ThrowingCallable action) {
    ClawgateException error = catchThrowableOfType(ClawgateException.class, action);
    assertThat(error).as("the action must fail").isNotNull();
    return error;
  }

  // ---- approve --------------------------------------------------------------------------------

  @Test
  void approvingAnApprovedRequestAnswersAlreadyApproved() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));
      f.service().approve(id, Optional.of(1), owner());
      int resolvedEvents = f.events.resolved.size();

      PairingService.ApprovalResult again = f.service().approve(id, Optional.of(1), owner());
      PairingService.ApprovalResult withoutRevision =
          f.service().approve(id, Optional.empty(), approverWith(PAIRING, READ));

      assertThat(again.alreadyApproved()).isTrue();
      assertThat(withoutRevision.alreadyApproved()).isTrue();
      assertThat(again.device().baseline(Role.OPERATOR)).contains(ScopeSet.of(READ));
      assertThat(f.events.resolved).hasSize(resolvedEvents);
      assertThat(f.audit("pairing.approve")).hasSize(1);
    }
  }

  @Test
  void resolvedRequestsAreKeptForADayThenPrunedBySweep() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));
      f.service().approve(id, Optional.empty(), owner());

      f.advance(Duration.ofHours(23));
      assertThat(f.service().sweep().pruned()).isZero();
      assertThat(f.service().request(id)).isPresent();
      assertThat(f.service().approve(id, Optional.empty(), owner()).alreadyApproved()).isTrue();

      f.advance(Duration.ofHours(1).plusMillis(1));
      assertThat(f.service().sweep().pruned()).isEqualTo(1);
      assertThat(f.service().request(id)).isEmpty();
      ClawgateException unknown = failure(() -> f.service().approve(id, Optional.empty(), owner()));
      assertThat(unknown.detail()).isEqualTo(DetailCode.PAIRING_REQUEST_NOT_FOUND);
      // The device itself is untouched by pruning its history.
      assertThat(f.baseline(device.deviceId(), Role.OPERATOR)).isEqualTo(ScopeSet.of(READ));
    }
  }

  @Test
  void approvingAnExpiredRequestIsExpiredAndItIsNeverResurrected() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));
      f.advance(TTL.plusMillis(1));

      ClawgateException expired = failure(() -> f.service().approve(id, Optional.of(1), owner()));

      assertThat(expired.detail()).isEqualTo(DetailCode.PAIRING_REQUEST_EXPIRED);
      assertThat(f.service().device(device.deviceId())).isEmpty();
      assertThat(f.service().list().pending()).isEmpty();

      String next = requestIdOf(f.refusal(f.connect(device).scopes(READ)));
      assertThat(next).isNotEqualTo(id);
      assertThat(f.service().request(id).orElseThrow().state()).isEqualTo(RequestState.EXPIRED);
      assertThat(failure(() -> f.service().approve(id, Optional.empty(), owner())).detail())
          .isEqualTo(DetailCode.PAIRING_REQUEST_EXPIRED);
      assertThat(f.pendingOf(device.deviceId()))
          .singleElement()
          .extracting(PairingRequest::requestId)
          .isEqualTo(next);
    }
  }

  @Test
  void sweepExpiresPendingRequestsAndAnnouncesThem() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));
      f.advance(TTL);

      PairingService.SweepResult sweep = f.service().sweep();

      assertThat(sweep.expired()).extracting(PairingRequest::requestId).containsExactly(id);
      assertThat(f.events.resolved).extracting(PairingRequest::requestId).contains(id);
      assertThat(requestIdOf(f.refusal(f.connect(device).scopes(READ)))).isNotEqualTo(id);
    }
  }

  @Test
  void eachConnectRestartsThePendingTtl() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));
      f.advance(Duration.ofMinutes(4));
      assertThat(requestIdOf(f.refusal(f.connect(device).scopes(READ)))).isEqualTo(id);
      f.advance(Duration.ofMinutes(4));
      f.service().sweep();

      assertThat(f.service().approve(id, Optional.of(1), owner()).alreadyApproved()).isFalse();
    }
  }

  @Test
  void approvingARevisionThatNeverExistedIsInvalidNotAConflict() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));

      for (int revision : new int[] {0, 2}) {
        ClawgateException error =
            failure(() -> f.service().approve(id, Optional.of(revision), owner()));
        assertThat(error.detail()).isEqualTo(DetailCode.INVALID_PARAMS);
        assertThat(error.getMessage()).contains("revisions 1 to 1");
      }
      assertThat(f.service().request(id).orElseThrow().state()).isEqualTo(RequestState.PENDING);
    }
  }

  @Test
  void approveDeviceApprovesItsPendingRequest() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ, WRITE)));

      PairingService.ApprovalResult result =
          f.service().approveDevice(device.deviceId(), Optional.of(1), owner());

      assertThat(result.request().requestId()).isEqualTo(id);
      assertThat(result.device().baseline(Role.OPERATOR)).contains(ScopeSet.of(READ, WRITE));
      assertThat(
              failure(() -> f.service().approveDevice(device.deviceId(), Optional.empty(), owner()))
                  .detail())
          .isEqualTo(DetailCode.PAIRING_REQUEST_NOT_FOUND);
    }
  }

  @Test
  void rejectThenApproveIsAlreadyResolved() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));

      PairingRequest rejected = f.service().reject(id, approverWith(PAIRING));
      ClawgateException approve = failure(() -> f.service().approve(id, Optional.of(1), owner()));

      assertThat(rejected.state()).isEqualTo(RequestState.REJECTED);
      assertThat(approve.detail()).isEqualTo(DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED);
      assertThat(approve.getMessage()).contains("rejected");
      assertThat(f.service().reject(id, owner()).state()).isEqualTo(RequestState.REJECTED);
      assertThat(f.service().device(device.deviceId())).isEmpty();
      assertThat(f.audit("pairing.reject")).hasSize(1);
      // The device may ask again; that is a new request.
      assertThat(requestIdOf(f.refusal(f.connect(device).scopes(READ)))).isNotEqualTo(id);
    }
  }

  @Test
  void rejectingAnApprovedRequestIsAlreadyResolved() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ)));
      f.service().approve(id, Optional.empty(), owner());

      assertThat(failure(() -> f.service().reject(id, owner())).detail())
          .isEqualTo(DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED);
      assertThat(f.baseline(device.deviceId(), Role.OPERATOR)).isEqualTo(ScopeSet.of(READ));
    }
  }

  @Test
  void approverWithoutAuthorityIsRefusedAndNothingChanges() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).scopes(READ, WRITE, APPROVALS)));

      ClawgateException noPairing =
          failure(() -> f.service().approve(id, Optional.of(1), approverWith(READ, WRITE)));
      ClawgateException missingGranted =
          failure(() -> f.service().approve(id, Optional.of(1), approverWith(PAIRING, WRITE)));
      ClawgateException rejectWithout =
          failure(() -> f.service().reject(id, approverWith(READ, WRITE, APPROVALS)));

      assertThat(noPairing.detail()).isEqualTo(DetailCode.APPROVER_MISSING_SCOPE);
      assertThat(noPairing.details().get("missingScopes"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
          .contains(PAIRING.name());
      assertThat(missingGranted.detail()).isEqualTo(DetailCode.APPROVER_MISSING_SCOPE);
      assertThat(missingGranted.details().get("missingScopes"))
          .isEqualTo(java.util.List.of(APPROVALS.name()));
      assertThat(rejectWithout.detail()).isEqualTo(DetailCode.APPROVER_MISSING_SCOPE);
      assertThat(f.service().request(id).orElseThrow().state()).isEqualTo(RequestState.PENDING);
      assertThat(f.service().device(device.deviceId())).isEmpty();
      assertThat(f.audit("pairing.")).extracting(e -> e.action()).containsOnly("pairing.request");

      // write satisfies read; pairing plus every granted scope is enough.
      PairingService.ApprovalResult ok =
          f.service().approve(id, Optional.of(1), approverWith(PAIRING, WRITE, APPROVALS));
      assertThat(ok.device().baseline(Role.OPERATOR)).contains(ScopeSet.of(READ, WRITE, APPROVALS));
    }
  }

  @Test
  void approvingTheNodeRoleNeedsAdmin() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = requestIdOf(f.refusal(f.connect(device).role(Role.NODE)));

      ClawgateException refused =
          failure(() -> f.service().approve(id, Optional.of(1), approverWith(PAIRING, WRITE)));

      assertThat(refused.detail()).isEqualTo(DetailCode.APPROVER_MISSING_SCOPE);
      assertThat(refused.details().get("missingScopes")).isEqualTo(java.util.List.of(ADMIN.name()));
      assertThat(f.service().device(device.deviceId())).isEmpty();
      f.service().approve(id, Optional.of(1), approverWith(ADMIN));
      assertThat(f.device(device.deviceId()).baseline(Role.NODE)).contains(ScopeSet.empty());
      ConnectGrant node = f.grant(f.connect(device).role(Role.NODE).scopes(ADMIN));
      assertThat(node.connectionScopes())
          .as("node connections carry no scopes")
          .isEqualTo(ScopeSet.empty());
      assertThat(node.reportedScopes()).isEqualTo(ScopeSet.empty());
    }
  }

  // ---- rotate ---------------------------------------------------------------------------------

  @Test
  void rotateGivesANewValueAndOnlyTheNewValueWorks() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String old = f.pairByOwner(device, Role.OPERATOR, READ, WRITE);

      PairingService.RotatedToken rotated =
          f.service().rotate(device.deviceId(), Role.OPERATOR, Optional.empty(), owner());

      assertThat(rotated.token()).isNotEqualTo(old);
      assertThat(rotated.toString()).doesNotContain(rotated.token());
      assertThat(rotated.scopes()).isEqualTo(ScopeSet.of(READ, WRITE));
      assertThat(f.refusal(f.connect(device).deviceToken(old).scopes(READ)).detail())
          .isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      ConnectGrant grant = f.grant(f.connect(device).deviceToken(rotated.token()).scopes(READ));
      assertThat(grant.authMethod()).isEqualTo("device-token");
      assertThat(grant.issuedDeviceToken()).isEmpty();
      assertThat(f.baseline(device.deviceId(), Role.OPERATOR)).isEqualTo(ScopeSet.of(READ, WRITE));
      assertThat(f.audit("token.rotate")).hasSize(1);
    }
  }

  @Test
  void rotateWithScopesNarrowsTokenAndBaselineAndNeverWidens() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = device.deviceId();
      f.pairByOwner(device, Role.OPERATOR, READ, WRITE, APPROVALS);

      ClawgateException outside =
          failure(() ->
              f.service()
                  .rotate(id, Role.OPERATOR, Optional.of(ScopeSet.of(READ, ADMIN)), owner()));
      assertThat(outside.detail()).isEqualTo(DetailCode.SCOPE_OUTSIDE_BASELINE);
      assertThat(outside.details().get("outsideScopes")).isEqualTo(java.util.List.of(ADMIN.name()));
      String hashBefore = HexFormat.of().formatHex(f.tokenHash(id, Role.OPERATOR).orElseThrow());
      assertThat(f.baseline(id, Role.OPERATOR)).isEqualTo(ScopeSet.of(READ, WRITE, APPROVALS));

      PairingService.RotatedToken narrowed =
          f.service().rotate(id, Role.OPERATOR, Optional.of(ScopeSet.of(READ)), owner());

      assertThat(HexFormat.of().formatHex(f.tokenHash(id, Role.OPERATOR).orElseThrow()))
          .isNotEqualTo(hashBefore);
      assertThat(f.tokenScopes(id, Role.OPERATOR)).isEqualTo(ScopeSet.of(READ));
      assertThat(f.baseline(id, Role.OPERATOR)).isEqualTo(ScopeSet.of(READ));
      ConnectGrant read = f.grant(f.connect(device).deviceToken(narrowed.token()).scopes(READ));
      assertThat(read.reportedScopes()).isEqualTo(ScopeSet.of(READ));
      ClawgateException write =
          f.refusal(f.connect(device).deviceToken(narrowed.token()).scopes(WRITE));
      assertThat(write.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
      assertThat(write.details()).containsEntry("reason", "scope-upgrade");
    }
  }

  @Test
  void rotateNeedsAuthorityOverTheTokensScopes() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String token = f.pairByOwner(device, Role.OPERATOR, READ, WRITE);

      ClawgateException refused =
          failure(() ->
              f.service()
                  .rotate(
                      device.deviceId(), Role.OPERATOR, Optional.empty(), approverWith(PAIRING)));

      assertThat(refused.detail()).isEqualTo(DetailCode.APPROVER_MISSING_SCOPE);
      assertThat(f.grant(f.connect(device).deviceToken(token).scopes(WRITE)).authMethod())
          .isEqualTo("device-token");
    }
  }

  // ---- revoke ---------------------------------------------------------------------------------

  @Test
  void revokeStopsTheTokenAndTheDeviceMustPairAgainForTheRole() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = device.deviceId();
      String token = f.pairByOwner(device, Role.OPERATOR, READ, WRITE, ADMIN);

      PairedDevice after = f.service().revoke(id, Role.OPERATOR, owner());

      assertThat(after.baseline(Role.OPERATOR)).isEmpty();
      assertThat(f.refusal(f.connect(device).deviceToken(token).scopes(READ)).detail())
          .isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      ClawgateException again = f.refusal(f.connect(device).scopes(READ));
      assertThat(again.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
      assertThat(again.details()).containsEntry("reason", "role-upgrade");

      // Re-approving fewer scopes gives exactly those: the revoked token's scopes do not return.
      f.service().approve(requestIdOf(again), Optional.empty(), owner());
      assertThat(f.baseline(id, Role.OPERATOR)).isEqualTo(ScopeSet.of(READ));
      assertThat(f.tokenScopes(id, Role.OPERATOR)).isEqualTo(ScopeSet.of(READ));
      ConnectGrant repaired = f.grant(f.connect(device).scopes(READ));
      assertThat(repaired.issuedDeviceToken()).isPresent().get().isNotEqualTo(token);
      assertThat(repaired.reportedScopes()).isEqualTo(ScopeSet.of(READ));
      assertThat(f.refusal(f.connect(device).deviceToken(token).scopes(READ)).detail())
          .isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
    }
  }

  @Test
  void revokeOneRoleKeepsTheOther() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String operatorToken = f.pairByOwner(device, Role.OPERATOR, READ);
      String nodeToken = f.pairByOwner(device, Role.NODE);

      f.service().revoke(device.deviceId(), Role.NODE, owner());

      assertThat(f.grant(f.connect(device).deviceToken(operatorToken).scopes(READ)).authMethod())
          .isEqualTo("device-token");
      assertThat(f.refusal(f.connect(device).deviceToken(nodeToken).role(Role.NODE)).detail())
          .isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
    }
  }

  // ---- remove ---------------------------------------------------------------------------------

  @Test
  void removeDeletesDeviceTokensAndPendingRequest() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = device.deviceId();
      String token = f.pairByOwner(device, Role.OPERATOR, READ);
      String approvedId = f.requestsOf(id).getFirst().requestId();
      String pendingId =
          requestIdOf(f.refusal(f.connect(device).deviceToken(token).scopes(READ, WRITE)));

      f.service().remove(id, owner());

      assertThat(f.service().device(id)).isEmpty();
      assertThat(f.tokenHash(id, Role.OPERATOR)).isEmpty();
      long tokenRows =
          f.store()
              .read(tx -> tx.scalar("SELECT COUNT(*) FROM device_tokens WHERE device_id = ?", id));
      assertThat(tokenRows).isZero();
      assertThat(f.service().request(pendingId).orElseThrow().state())
          .isEqualTo(RequestState.REMOVED);
      assertThat(f.pendingOf(id)).isEmpty();
      assertThat(f.events.resolved).extracting(PairingRequest::requestId).contains(pendingId);
      assertThat(f.refusal(f.connect(device).deviceToken(token).scopes(READ)).detail())
          .isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      ClawgateException notPaired = f.refusal(f.connect(device).scopes(READ));
      assertThat(notPaired.details()).containsEntry("reason", "not-paired");
      assertThat(requestIdOf(notPaired)).isNotIn(approvedId, pendingId);
      // The old approval is history, told truthfully: not "unknown", not an internal error.
      ClawgateException oldApproval =
          failure(() -> f.service().approve(approvedId, Optional.empty(), owner()));
      assertThat(oldApproval.detail()).isEqualTo(DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED);
      assertThat(oldApproval.getMessage()).contains("removed");
      assertThat(
              failure(() -> f.service().remove(DeviceIdentity.generate().deviceId(), owner()))
                  .detail())
          .isEqualTo(DetailCode.DEVICE_NOT_FOUND);
    }
  }

  // ---- rename ---------------------------------------------------------------------------------

  @Test
  void renameSetsTheOwnersLabel() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id = device.deviceId();
      f.pairByOwner(device, Role.OPERATOR, READ);

      PairedDevice renamed = f.service().rename(id, "  work laptop ", approverWith(PAIRING));

      assertThat(renamed.label()).contains("work laptop");
      assertThat(f.device(id).label()).contains("work laptop");
      assertThat(failure(() -> f.service().rename(id, " ", owner())).detail())
          .isEqualTo(DetailCode.INVALID_PARAMS);
      assertThat(failure(() -> f.service().rename(id, "x".repeat(65), owner())).detail())
          .isEqualTo(DetailCode.INVALID_PARAMS);
      assertThat(failure(() -> f.service().rename(id, "other", approverWith(READ))).detail())
          .isEqualTo(DetailCode.APPROVER_MISSING_SCOPE);
      assertThat(f.device(id).label()).contains("work laptop");
      assertThat(
              failure(() -> f.service().rename(DeviceIdentity.generate().deviceId(), "x", owner()))
                  .detail())
          .isEqualTo(DetailCode.DEVICE_NOT_FOUND);
      assertThat(f.audit("device.rename")).hasSize(1);
    }
  }

  @Test
  void listShowsLivePendingRequestsAndPairedDevicesWithoutTokenValues() {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity paired = DeviceIdentity.generate();
      DeviceIdentity asking = DeviceIdentity.generate();
      String token = f.pairByOwner(paired, Role.OPERATOR, READ);
      String pending = requestIdOf(f.refusal(f.connect(asking).scopes(WRITE)));

      PairingService.Snapshot snapshot = f.service().list();

      assertThat(snapshot.pending()).extracting(PairingRequest::requestId).containsExactly(pending);
      assertThat(snapshot.paired())
          .extracting(PairedDevice::deviceId)
          .containsExactly(paired.deviceId());
      assertThat(snapshot.toString()).doesNotContain(token);
    }
  }
}
