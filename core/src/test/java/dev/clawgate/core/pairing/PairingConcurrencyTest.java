package dev.clawgate.core.pairing;

import static dev.clawgate.core.pairing.PairingFixture.APPROVALS;
import static dev.clawgate.core.pairing.PairingFixture.PAIRING;
import static dev.clawgate.core.pairing.PairingFixture.READ;
import static dev.clawgate.core.pairing.PairingFixture.TALK_SECRETS;
import static dev.clawgate.core.pairing.PairingFixture.WRITE;
import static dev.clawgate.core.pairing.PairingFixture.approverWith;
import static dev.clawgate.core.pairing.PairingFixture.owner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many connects and approvals at once still give one request per device and final approvals. */
class PairingConcurrencyTest {
  private static final List<Scope[]> SCOPE_SETS =
      List.of(
          new Scope[] {READ},
          new Scope[] {READ, WRITE},
          new Scope[] {APPROVALS},
          new Scope[] {TALK_SECRETS, READ},
          new Scope[] {PAIRING},
          new Scope[] {WRITE, APPROVALS, TALK_SECRETS});

  @TempDir Path dir;

  @Test
  void concurrentConnectsOfOneDeviceMakeExactlyOnePendingRequest() throws Exception {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      int connects = 64;
      List<Future<ClawgateException>> results = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < connects; i++) {
          Connect connect = f.connect(device).scopes(SCOPE_SETS.get(i % SCOPE_SETS.size()));
          results.add(
              threads.submit(() -> {
                start.await();
                return f.refusal(connect);
              }));
        }
        start.countDown();
      }

      Set<String> ids = new HashSet<>();
      for (Future<ClawgateException> result : results) {
        ClawgateException error = result.get();
        assertThat(error.detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
        ids.add(PairingFixture.requestIdOf(error));
      }
      assertThat(ids).hasSize(1);
      List<PairingRequest> requests = f.requestsOf(device.deviceId());
      assertThat(requests)
          .singleElement()
          .satisfies(r -> {
            assertThat(r.state()).isEqualTo(RequestState.PENDING);
            // Whatever order they arrived in, the one request covers everything any asked for.
            ScopeSet all = ScopeSet.of(READ, WRITE, APPROVALS, TALK_SECRETS, PAIRING);
            assertThat(r.scopes().covers(all)).as("covers %s: %s", all, r.scopes()).isTrue();
            assertThat(all.asSet()).containsAll(r.scopes().asSet());
            assertThat(r.requestId()).isEqualTo(ids.iterator().next());
          });
    }
  }

  @Test
  void concurrentApprovalsOfOneRequestApproveOnce() throws Exception {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      for (int round = 0; round < 10; round++) {
        DeviceIdentity device = DeviceIdentity.generate();
        String id = PairingFixture.requestIdOf(f.refusal(f.connect(device).scopes(READ, WRITE)));
        Approver cli = owner();
        Approver other = approverWith(PAIRING, WRITE);
        CountDownLatch start = new CountDownLatch(1);
        Future<PairingService.ApprovalResult> first;
        Future<PairingService.ApprovalResult> second;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
          first =
              threads.submit(() -> {
                start.await();
                return f.service().approve(id, Optional.of(1), cli);
              });
          second =
              threads.submit(() -> {
                start.await();
                return f.service().approve(id, Optional.of(1), other);
              });
          start.countDown();
        }

        List<Boolean> already =
            List.of(first.get().alreadyApproved(), second.get().alreadyApproved());
        assertThat(already).containsExactlyInAnyOrder(true, false);
        assertThat(f.baseline(device.deviceId(), Role.OPERATOR))
            .isEqualTo(ScopeSet.of(READ, WRITE));
        long approvals =
            f.audit("pairing.approve").stream()
                .filter(e -> e.deviceId().equals(Optional.of(device.deviceId())))
                .count();
        assertThat(approvals).isEqualTo(1);
      }
    }
  }

  @Test
  void concurrentConnectsAfterApprovalMintOneTokenAndNeverANewRequest() throws Exception {
    try (PairingFixture f = PairingFixture.manual(dir)) {
      DeviceIdentity device = DeviceIdentity.generate();
      String id =
          PairingFixture.requestIdOf(
              f.refusal(f.connect(device).scopes(READ, WRITE, APPROVALS, TALK_SECRETS)));
      f.service().approve(id, Optional.of(1), owner());

      List<Future<ConnectGrant>> grants = new ArrayList<>();
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 48; i++) {
          Scope[] scopes = SCOPE_SETS.get(i % 4);
          Connect connect = f.connect(device).scopes(scopes);
          grants.add(threads.submit(() -> f.grant(connect)));
        }
      }

      long issued = 0;
      for (Future<ConnectGrant> grant : grants) {
        if (grant.get().issuedDeviceToken().isPresent()) {
          issued++;
        }
      }
      assertThat(issued).as("exactly one connect receives the newly minted token").isEqualTo(1);
      assertThat(f.requestsOf(device.deviceId())).hasSize(1);
      assertThat(f.tokenScopes(device.deviceId(), Role.OPERATOR))
          .isEqualTo(ScopeSet.of(READ, WRITE, APPROVALS, TALK_SECRETS));
    }
  }
}
