package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.clawgate.client.StoredDeviceToken;
import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Scope;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same flow as {@link ScopeUpgradeLoopTest} from a local client that presents the shared token,
 * with the default {@code gateway.pairing.autoApproveLocal} (true): the owner at the keyboard is
 * approved silently, once per step, and no pending request ever appears.
 */
class SilentLocalPairingTest {
  private static final String READ = Scope.READ.name();
  private static final String WRITE = Scope.WRITE.name();
  private static final String APPROVALS = Scope.APPROVALS.name();
  private static final String PAIRING = Scope.PAIRING.name();

  @TempDir Path temp;
  private GatewayUnderTest gateway;
  private Owner owner;

  @BeforeEach
  void startGateway() {
    gateway = GatewayUnderTest.defaultPairingPolicy(temp.resolve("gateway"));
    owner = Owner.connect(gateway);
  }

  @AfterEach
  void stopGateway() {
    owner.close();
    gateway.close();
  }

  @Test
  void localSharedTokenClientIsApprovedSilentlyOnceAndNothingIsEverPending() {
    Device device = Device.at(gateway, temp.resolve("mcp-serve"));

    HelloOk paired = Device.helloOf(device.withSharedToken(PAIRING));
    assertThat(paired.auth().scopes()).containsExactly(PAIRING);
    String issued = paired.auth().deviceToken().orElseThrow();
    assertThat(device.storedOperatorToken()).map(StoredDeviceToken::token).contains(issued);
    assertThat(owner.pendingRequestIds()).isEmpty();

    HelloOk upgraded = Device.helloOf(device.withSharedToken(READ, WRITE, APPROVALS));
    assertThat(upgraded.auth().scopes()).containsExactly(APPROVALS, PAIRING, READ, WRITE);
    assertThat(upgraded.auth().deviceToken()).as("the token value is kept").isEmpty();
    assertThat(owner.pendingRequestIds()).isEmpty();
    long requests = gateway.pairingRequestCount();
    String tokenHash = gateway.operatorTokenHash(device.id()).orElseThrow();

    for (List<String> sameOrFewer :
        List.<List<String>>of(
            List.of(READ, WRITE, APPROVALS), List.of(READ), List.of(PAIRING), List.of())) {
      HelloOk again = Device.helloOf(device.withSharedToken(sameOrFewer.toArray(String[]::new)));
      assertThat(again.auth().scopes()).containsExactly(APPROVALS, PAIRING, READ, WRITE);
      assertThat(again.auth().deviceToken()).isEmpty();
    }

    assertThat(gateway.pairingRequestCount())
        .as("later connects create nothing")
        .isEqualTo(requests);
    assertThat(gateway.operatorTokenHash(device.id())).contains(tokenHash);
    assertThat(owner.pendingRequestIds()).isEmpty();
    List<AuditEntry> approvals = gateway.audit("pairing.approve");
    assertThat(approvals)
        .as("one silent approval per step: the first pairing and the one upgrade")
        .hasSize(2)
        .allSatisfy(entry -> {
          assertThat(entry.actor()).isEqualTo("gateway:silent-local");
          assertThat(entry.deviceId()).contains(device.id());
        });
    assertThat(gateway.pairingRequestsInState("pending")).isZero();
  }

  @Test
  void silentApprovalAnnouncesNoPendingRequest() {
    Device device = Device.at(gateway, temp.resolve("mcp-serve"));

    Device.helloOf(device.withSharedToken(PAIRING));
    Device.helloOf(device.withSharedToken(READ, WRITE, APPROVALS));

    // Each silent approval reached the owner's connection before the device's hello-ok, so both
    // resolutions are in once the second has arrived, after anything announced before them.
    await().until(() -> owner.events("device.pair.resolved").size() == 2);
    assertThat(owner.events("device.pair.requested")).isEmpty();
  }
}
