package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.ConnectionState;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.client.ReconnectPolicy;
import dev.clawgate.client.ReconnectingGatewayClient;
import dev.clawgate.client.StoredDeviceToken;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The loop of upstream issue #78727 (spec/pairing.md, items 1-3), replayed over the wire against
 * the assembled gateway with {@code autoApproveLocal} off, so every pairing needs the owner: a
 * device paired for {@code operator.pairing} asks for more, gets one request whose id never
 * changes, the owner approves it once from a device-less shared-token connection, and the device is
 * in with the union of its scopes. No step may create a second request or change the token value.
 */
class ScopeUpgradeLoopTest {
  private static final String READ = Scope.READ.name();
  private static final String WRITE = Scope.WRITE.name();
  private static final String APPROVALS = Scope.APPROVALS.name();
  private static final String PAIRING = Scope.PAIRING.name();
  private static final String TALK_SECRETS = Scope.TALK_SECRETS.name();

  /** Fast reconnects; a paused session retries only when told to, so the test decides when. */
  private static final ReconnectPolicy PROMPT =
      new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 0, Duration.ofMinutes(10));

  @TempDir Path temp;
  private GatewayUnderTest gateway;
  private Owner owner;

  @BeforeEach
  void startGateway() {
    gateway = GatewayUnderTest.ownerApprovesEveryPairing(temp.resolve("gateway"));
    owner = Owner.connect(gateway);
  }

  @AfterEach
  void stopGateway() {
    owner.close();
    gateway.close();
  }

  @Test
  void scopeUpgradeIsOneStableRequestAndOneApprovalAwayFromTheUnion() {
    Device device = Device.at(gateway, temp.resolve("mcp-serve"));
    HelloOk paired = owner.pair(device.withSharedToken(PAIRING));
    String issued = paired.auth().deviceToken().orElseThrow();
    assertThat(device.storedOperatorToken()).map(StoredDeviceToken::token).contains(issued);
    String tokenHash = gateway.operatorTokenHash(device.id()).orElseThrow();

    // The connect of the report: more scopes than approved, with the identical shared token.
    PairingRequired first =
        PairingRequired.of(Device.connectRefused(device.withSharedToken(READ, WRITE, APPROVALS)));
    assertThat(first.reason()).isEqualTo("scope-upgrade");
    assertThat(first.revision()).isEqualTo(1);
    assertThat(first.requestedScopes()).containsExactly(APPROVALS, READ, WRITE);
    assertThat(first.approvedScopes()).containsExactly(PAIRING);
    assertThat(owner.pendingRequestIds()).containsExactly(first.requestId());

    // Retries with the same or fewer scopes, in any order, find the same request unchanged.
    for (List<String> sameOrFewer :
        List.of(
            List.of(READ, WRITE, APPROVALS),
            List.of(APPROVALS, WRITE, READ),
            List.of(READ),
            List.of(WRITE, APPROVALS))) {
      PairingRequired again =
          PairingRequired.of(
              Device.connectRefused(device.withSharedToken(sameOrFewer.toArray(String[]::new))));
      assertThat(again.requestId()).as("retry with %s", sameOrFewer).isEqualTo(first.requestId());
      assertThat(again.revision()).as("retry with %s", sameOrFewer).isEqualTo(1);
    }

    // Asking for more amends the request in place.
    PairingRequired amended =
        PairingRequired.of(
            Device.connectRefused(device.withSharedToken(READ, WRITE, APPROVALS, TALK_SECRETS)));
    assertThat(amended.requestId()).isEqualTo(first.requestId());
    assertThat(amended.revision()).isEqualTo(2);
    assertThat(owner.pendingRequestIds()).containsExactly(first.requestId());

    // The owner who saw revision 1 learns what was added, and nothing is approved.
    GatewayErrorException stale = owner.approveRefused(first.requestId(), 1);
    assertThat(stale.rawCode()).isEqualTo("CONFLICT");
    assertThat(stale.rawDetailCode()).contains("PAIRING_REQUEST_REVISION_CONFLICT");
    assertThat(PairingRequired.strings(stale.rawDetails().orElseThrow().path("addedScopes")))
        .containsExactly(TALK_SECRETS);
    assertThat(owner.pendingRequestIds()).containsExactly(first.requestId());

    assertThat(owner.approve(first.requestId(), 2).path("status").asString()).isEqualTo("approved");
    assertThat(owner.approve(first.requestId(), 2).path("status").asString())
        .as("approving an approved id again is not an unknown requestId")
        .isEqualTo("already-approved");

    // The way out of the loop: connected, with the union, the same token, and no new request.
    long requests = gateway.pairingRequestCount();
    try (GatewayClient upgraded =
        GatewayClient.connect(device.withSharedToken(READ, WRITE, APPROVALS))) {
      assertThat(upgraded.hello().auth().scopes())
          .containsExactly(APPROVALS, PAIRING, READ, TALK_SECRETS, WRITE);
      assertThat(upgraded.hello().auth().deviceToken()).as("the token value is kept").isEmpty();
      assertThat(upgraded.call("health").path("ok").asBoolean()).isTrue();
    }
    try (GatewayClient pairingOnly = GatewayClient.connect(device.withSharedToken(PAIRING))) {
      assertThat(pairingOnly.call("device.pair.list").path("pending").isEmpty()).isTrue();
    }
    assertThat(gateway.pairingRequestCount()).isEqualTo(requests);
    assertThat(owner.pendingRequestIds()).isEmpty();
    assertThat(gateway.operatorTokenHash(device.id())).contains(tokenHash);
    assertThat(device.storedOperatorToken()).map(StoredDeviceToken::token).contains(issued);

    // The owner was told about the request once per revision, never per retry, and saw it resolved.
    await().until(() -> !resolutionsOf(first.requestId()).isEmpty());
    List<JsonNode> announced = payloadsOf("device.pair.requested", first.requestId());
    assertThat(announced).extracting(a -> a.path("revision").asInt()).containsExactly(1, 2);
    assertThat(announced.getLast().path("reason").asString()).isEqualTo("scope-upgrade");
    assertThat(PairingRequired.strings(announced.getLast().path("scopes")))
        .containsExactly(APPROVALS, READ, TALK_SECRETS, WRITE);
    assertThat(announced)
        .allSatisfy(a ->
            assertThat(PairingRequired.strings(a.path("approvedScopes")))
                .as("what the device holds already")
                .containsExactly(PAIRING));
    assertThat(resolutionsOf(first.requestId())).containsExactly("approved");
  }

  @Test
  void twoClientsSharingOneIdentityNeverInvalidateEachOther() {
    Path sharedStateDir = temp.resolve("shared-state");
    Device device = Device.at(gateway, sharedStateDir);
    String issued = owner.pair(device.withSharedToken(PAIRING)).auth().deviceToken().orElseThrow();
    String tokenHash = gateway.operatorTokenHash(device.id()).orElseThrow();

    // Client A (shared token, like mcp serve) and client B (a long-lived session that presents
    // only the stored device token) ask for different scopes: one request, amended, same id.
    ClientOptions clientA = device.withSharedToken(READ, WRITE);
    PairingRequired fromA = PairingRequired.of(Device.connectRefused(clientA));
    List<ConnectionState> statesOfB = new CopyOnWriteArrayList<>();
    try (ReconnectingGatewayClient clientB =
        ReconnectingGatewayClient.start(
            device.withStoredDeviceToken(READ, APPROVALS), PROMPT, event -> {})) {
      var _ = clientB.onState(statesOfB::add);
      PairingRequired fromB =
          PairingRequired.of(
              catchThrowableOfType(
                  GatewayErrorException.class,
                  () -> clientB.awaitConnected(GatewayUnderTest.TIMEOUT)));
      assertThat(fromB.requestId()).isEqualTo(fromA.requestId());
      assertThat(fromB.revision()).isEqualTo(2);
      PairingRequired fromAAgain = PairingRequired.of(Device.connectRefused(clientA));
      assertThat(fromAAgain.requestId()).isEqualTo(fromA.requestId());
      assertThat(fromAAgain.revision()).isEqualTo(2);

      owner.approve(fromA.requestId(), 2);
      int approvedAt = statesOfB.size();
      clientB.retryNow();
      HelloOk helloB = clientB.awaitConnected(GatewayUnderTest.TIMEOUT);
      assertThat(helloB.auth().method()).contains("device-token");
      assertThat(helloB.auth().scopes()).containsExactly(APPROVALS, PAIRING, READ, WRITE);

      // A connects again and again while B stays connected; each still works afterwards.
      for (int round = 0; round < 3; round++) {
        try (GatewayClient a = GatewayClient.connect(clientA)) {
          assertThat(a.hello().auth().scopes()).containsExactly(APPROVALS, PAIRING, READ, WRITE);
          assertThat(clientB.call("health").path("ok").asBoolean()).isTrue();
          assertThat(a.call("health").path("ok").asBoolean()).isTrue();
        }
      }

      // A gateway restart: B reconnects by itself with its stored token, then A connects.
      gateway.restart();
      owner.close();
      owner = Owner.connect(gateway);
      await()
          .until(
              () -> clientB.hello().filter(h -> !h.connId().equals(helloB.connId())).isPresent());
      assertThat(clientB.call("health").path("ok").asBoolean()).isTrue();
      assertThat(Device.helloOf(clientA).auth().scopes())
          .containsExactly(APPROVALS, PAIRING, READ, WRITE);
      assertThat(clientB.call("health").path("ok").asBoolean()).isTrue();

      assertThat(statesOfB.subList(approvedAt, statesOfB.size()))
          .as("B is never refused after the approval")
          .noneMatch(state -> state instanceof ConnectionState.Paused);
    }
    assertThat(gateway.pairingRequestCount())
        .as("the first pairing and the one upgrade")
        .isEqualTo(2);
    assertThat(owner.pendingRequestIds()).isEmpty();
    assertThat(gateway.operatorTokenHash(device.id())).contains(tokenHash);
    assertThat(device.storedOperatorToken()).map(StoredDeviceToken::token).contains(issued);
  }

  private List<String> resolutionsOf(String requestId) {
    return payloadsOf("device.pair.resolved", requestId).stream()
        .map(payload -> payload.path("decision").asString())
        .toList();
  }

  private List<JsonNode> payloadsOf(String event, String requestId) {
    return owner.events(event).stream()
        .map(EventFrame::payload)
        .flatMap(java.util.Optional::stream)
        .filter(payload -> payload.path("requestId").asString().equals(requestId))
        .toList();
  }
}
