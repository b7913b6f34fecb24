package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.gateway.TestSocket;
import dev.clawgate.gateway.e2e.RawConnect.Refusal;
import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ProtocolLimits;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bad input over the wire against the assembled gateway: each gets its precise error and close code
 * (or, after {@code hello-ok}, an error response on a connection that stays up), and nothing is
 * written to the state database. The gateway holds real state while this runs (a paired device and
 * another device's pending request), so a write would have something to change.
 *
 * <p>The one write the spec asks for is an audit entry for a failed authentication that reached the
 * pairing rules ({@code DEVICE_IDENTITY_REQUIRED}); it is checked exactly.
 */
class BadInputTest {
  private static final String READ = Scope.READ.name();
  private static final String WRITE = Scope.WRITE.name();
  private static final AuthParams SHARED_TOKEN =
      AuthParams.none().withToken(GatewayUnderTest.TOKEN);

  @TempDir Path temp;
  private GatewayUnderTest gateway;
  private Owner owner;
  private Device paired;
  private PairingRequired pending;

  @BeforeEach
  void startGatewayWithState() {
    gateway = GatewayUnderTest.ownerApprovesEveryPairing(temp.resolve("gateway"));
    owner = Owner.connect(gateway);
    paired = Device.at(gateway, temp.resolve("paired"));
    owner.pair(paired.withSharedToken(READ));
    Device asking = Device.at(gateway, temp.resolve("asking"));
    pending = PairingRequired.of(Device.connectRefused(asking.withSharedToken(READ)));
    // Guards against a vacuous comparison: the snapshot sees the state just created.
    StoreContents state = gateway.contents();
    assertThat(state.tables().get("devices")).hasSize(1);
    assertThat(state.tables().get("pairing_requests")).hasSize(2);
    assertThat(state.tables().get("device_tokens")).hasSize(1);
  }

  @AfterEach
  void stopGateway() {
    owner.close();
    gateway.close();
  }

  @Test
  void malformedJsonBeforeConnectIsMalformedFrame() {
    StoreContents before = gateway.contents();
    try (TestSocket socket = gateway.rawSocket()) {
      socket.challenge();
      socket.send("{\"type\":\"req\",\"id\":\"1\",\"method\":\"connect\",\"params\":{");

      Refusal refusal = RawConnect.refused(socket, socket.next());

      assertRefused(refusal, "INVALID_REQUEST", "MALFORMED_FRAME", 1008);
    }
    assertThat(gateway.contents()).isEqualTo(before);
  }

  @Test
  void firstFrameOtherThanConnectIsConnectRequiredEvenForAnApproval() {
    StoreContents before = gateway.contents();
    try (TestSocket socket = gateway.rawSocket()) {
      socket.challenge();
      ObjectNode approve = Json.mapper().createObjectNode().put("requestId", pending.requestId());
      String id = socket.request("device.pair.approve", approve);
      JsonNode response = socket.next();

      assertThat(response.path("id").asString()).isEqualTo(id);
      assertRefused(
          RawConnect.refused(socket, response), "INVALID_REQUEST", "CONNECT_REQUIRED", 1008);
    }
    assertThat(gateway.contents()).isEqualTo(before);
    assertThat(owner.pendingRequestIds()).containsExactly(pending.requestId());
  }

  @Test
  void frameOverThePreConnectLimitIsClosedWith1009() {
    StoreContents before = gateway.contents();
    try (TestSocket socket = gateway.rawSocket()) {
      socket.challenge();
      ObjectNode connect = RawConnect.operator(SHARED_TOKEN, READ).toNode();
      connect.put("userAgent", "x".repeat(ProtocolLimits.PRE_CONNECT_MAX_BYTES));
      var _ = socket.request("connect", connect);

      TestSocket.Close close = socket.awaitClose();

      assertThat(close.code()).isEqualTo(1009);
      assertThat(close.reason()).contains(String.valueOf(ProtocolLimits.PRE_CONNECT_MAX_BYTES));
      assertThat(socket.pending()).as("no response, only the close").isZero();
    }
    assertThat(gateway.contents()).isEqualTo(before);
  }

  @Test
  void frameOverMaxPayloadAfterConnectIsClosedWith1009() {
    try (TestSocket socket = gateway.rawSocket()) {
      assertThat(
              socket
                  .connect(RawConnect.operator(SHARED_TOKEN, READ).toNode())
                  .path("ok")
                  .asBoolean())
          .isTrue();
      StoreContents before = gateway.contents();
      String oversized = "\"" + "y".repeat(ProtocolLimits.MAX_PAYLOAD_BYTES) + "\"";

      // The gateway may close while the frame is still being sent; only the close counts.
      var _ = catchThrowable(() -> socket.send(oversized));

      assertThat(socket.awaitClose().code()).isEqualTo(1009);
      assertThat(gateway.contents()).isEqualTo(before);
    }
  }

  @Test
  void binaryFrameBeforeConnectIsClosedWith1003() {
    StoreContents before = gateway.contents();
    try (TestSocket socket = gateway.rawSocket()) {
      socket.challenge();
      socket.sendBinary(
          RawConnect.operator(SHARED_TOKEN, READ)
              .toNode()
              .toString()
              .getBytes(StandardCharsets.UTF_8));

      assertThat(socket.awaitClose().code()).isEqualTo(1003);
    }
    assertThat(gateway.contents()).isEqualTo(before);
  }

  /** Ways to forge or misuse the device proof of the paired device, asking it for more. */
  enum Forgery {
    /** The key is not an Ed25519 public key. */
    PUBLIC_KEY_INVALID("DEVICE_AUTH_PUBLIC_KEY_INVALID") {
      @Override
      DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces) {
        DeviceProof valid = RawConnect.proof(victim, params, nonces.current(), now());
        return new DeviceProof(
            valid.id(), "not-a-key", valid.signature(), valid.signedAt(), valid.nonce());
      }
    },
    /** The paired device's id, claimed with another key. */
    DEVICE_ID_MISMATCH("DEVICE_AUTH_DEVICE_ID_MISMATCH") {
      @Override
      DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces) {
        DeviceProof attacker =
            RawConnect.proof(DeviceIdentity.generate(), params, nonces.current(), now());
        return new DeviceProof(
            victim.deviceId(),
            attacker.publicKey(),
            attacker.signature(),
            attacker.signedAt(),
            attacker.nonce());
      }
    },
    /** A proof signed ten minutes ago. */
    SIGNATURE_EXPIRED("DEVICE_AUTH_SIGNATURE_EXPIRED") {
      @Override
      DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces) {
        return RawConnect.proof(
            victim, params, nonces.current(), now() - Duration.ofMinutes(10).toMillis());
      }
    },
    /** A proof that signs no nonce. */
    NONCE_REQUIRED("DEVICE_AUTH_NONCE_REQUIRED") {
      @Override
      DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces) {
        DeviceProof valid = RawConnect.proof(victim, params, nonces.current(), now());
        return new DeviceProof(
            valid.id(), valid.publicKey(), valid.signature(), valid.signedAt(), Optional.empty());
      }
    },
    /** A proof by the real key over an earlier connection's (stale) nonce. */
    STALE_NONCE("DEVICE_AUTH_NONCE_MISMATCH") {
      @Override
      DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces) {
        return RawConnect.proof(victim, params, nonces.earlier(), now());
      }
    },
    /** The paired device's id and key, signed by another key. */
    FOREIGN_SIGNATURE("DEVICE_AUTH_SIGNATURE_INVALID") {
      @Override
      DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces) {
        DeviceProof attacker =
            RawConnect.proof(DeviceIdentity.generate(), params, nonces.current(), now());
        return new DeviceProof(
            victim.deviceId(),
            victim.publicKey().base64Url(),
            attacker.signature(),
            attacker.signedAt(),
            attacker.nonce());
      }
    },
    /** A valid signature of fewer scopes than the connect asks for. */
    SCOPES_CHANGED_AFTER_SIGNING("DEVICE_AUTH_SIGNATURE_INVALID") {
      @Override
      DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces) {
        return RawConnect.proof(
            victim, RawConnect.operator(params.auth(), READ), nonces.current(), now());
      }
    };

    final String detailCode;

    Forgery(String detailCode) {
      this.detailCode = detailCode;
    }

    abstract DeviceProof proof(DeviceIdentity victim, ConnectParams params, Nonces nonces);

    private static long now() {
      return System.currentTimeMillis();
    }
  }

  /**
   * @param current the nonce of the connection the proof is sent on
   * @param earlier the nonce of an earlier connection
   */
  record Nonces(String current, String earlier) {}

  @ParameterizedTest
  @EnumSource(Forgery.class)
  void forgedDeviceProofIsRefusedWithItsOwnCodeAndWritesNothing(Forgery forgery) {
    String earlier;
    try (TestSocket earlierConnection = gateway.rawSocket()) {
      earlier = earlierConnection.challenge().path("nonce").asString();
    }
    StoreContents before = gateway.contents();
    try (TestSocket socket = gateway.rawSocket()) {
      String nonce = socket.challenge().path("nonce").asString();
      ConnectParams asksForMore = RawConnect.operator(SHARED_TOKEN, READ, WRITE);
      DeviceProof forged =
          forgery.proof(paired.identity(), asksForMore, new Nonces(nonce, earlier));

      Refusal refusal =
          RawConnect.refused(socket, socket.sendConnect(asksForMore.withDevice(forged).toNode()));

      assertRefused(refusal, "INVALID_REQUEST", forgery.detailCode, 1008);
    }
    assertThat(gateway.contents()).isEqualTo(before);
    assertThat(owner.pendingRequestIds()).containsExactly(pending.requestId());
  }

  @Test
  void replayedConnectIsANonceMismatch() {
    ObjectNode captured;
    try (TestSocket original = gateway.rawSocket()) {
      String nonce = original.challenge().path("nonce").asString();
      ConnectParams params = RawConnect.operator(SHARED_TOKEN, READ);
      captured =
          params
              .withDevice(
                  RawConnect.proof(paired.identity(), params, nonce, System.currentTimeMillis()))
              .toNode();
      assertThat(original.sendConnect(captured).path("ok").asBoolean()).isTrue();
      StoreContents before = gateway.contents();

      // Replayed on the same connection: it is already connected, and stays so.
      JsonNode again = original.sendConnect(captured);
      assertThat(again.path("error").path("details").path("code").asString())
          .isEqualTo("ALREADY_CONNECTED");
      assertThat(original.call("health").path("ok").asBoolean()).isTrue();

      // Replayed on a new connection: the signature covers the old connection's nonce.
      try (TestSocket replay = gateway.rawSocket()) {
        replay.challenge();
        assertRefused(
            RawConnect.refused(replay, replay.sendConnect(captured)),
            "INVALID_REQUEST",
            "DEVICE_AUTH_NONCE_MISMATCH",
            1008);
      }
      assertThat(gateway.contents()).isEqualTo(before);
    }
  }

  @Test
  void unknownMethodIsRefusedAndTheConnectionStays() {
    try (GatewayClient client = GatewayClient.connect(paired.withSharedToken(READ))) {
      StoreContents before = gateway.contents();

      GatewayErrorException unknown =
          catchThrowableOfType(
              GatewayErrorException.class, () -> client.call("device.pair.approveAll"));

      assertThat(unknown.rawCode()).isEqualTo("INVALID_REQUEST");
      assertThat(unknown.rawDetailCode()).contains("UNKNOWN_METHOD");
      assertThat(client.isOpen()).isTrue();
      assertThat(client.call("health").path("ok").asBoolean()).isTrue();
      assertThat(gateway.contents()).isEqualTo(before);
    }
  }

  @Test
  void outOfScopeCallsAreRefusedAndChangeNothing() {
    ObjectNode approvePending =
        Json.mapper()
            .createObjectNode()
            .put("requestId", pending.requestId())
            .put("revision", pending.revision());
    try (GatewayClient device = GatewayClient.connect(paired.withSharedToken(READ));
        Owner pairingOnly = Owner.withScopes(gateway, Scope.PAIRING.name())) {
      StoreContents before = gateway.contents();

      // A paired device approving another device's request: it does not hold operator.pairing.
      GatewayErrorException notPairing =
          catchThrowableOfType(
              GatewayErrorException.class,
              () -> device.call("device.pair.approve", approvePending));
      // An approver with operator.pairing but without the operator.read the request asks for.
      GatewayErrorException cannotGrant =
          pairingOnly.approveRefused(pending.requestId(), pending.revision());

      assertThat(notPairing.rawCode()).isEqualTo("FORBIDDEN");
      assertThat(notPairing.rawDetailCode()).contains("MISSING_SCOPE");
      assertThat(notPairing.getMessage()).contains(Scope.PAIRING.name());
      assertThat(cannotGrant.rawCode()).isEqualTo("FORBIDDEN");
      assertThat(cannotGrant.rawDetailCode()).contains("APPROVER_MISSING_SCOPE");
      assertThat(
              PairingRequired.strings(cannotGrant.rawDetails().orElseThrow().path("missingScopes")))
          .containsExactly(READ);
      assertThat(device.isOpen()).isTrue();
      assertThat(gateway.contents()).isEqualTo(before);
      assertThat(owner.pendingRequestIds()).containsExactly(pending.requestId());
    }
  }

  @Test
  void nodeWithoutDeviceIdentityIsRefusedAndOnlyAudited() {
    StoreContents before = gateway.contents();

    Refusal refusal =
        RawConnect.refused(
            gateway, RawConnect.params(Role.NODE, RawConnect.CLIENT, SHARED_TOKEN, List.of()));

    assertRefused(refusal, "NOT_PAIRED", "DEVICE_IDENTITY_REQUIRED", 1008);
    StoreContents after = gateway.contents();
    assertThat(after.pairingState()).isEqualTo(before.pairingState());
    assertThat(after.auditEntryCount()).isEqualTo(before.auditEntryCount() + 1);
    AuditEntry failure = gateway.audit("").getLast();
    assertThat(failure.action()).isEqualTo("auth.failed");
    assertThat(failure.role()).contains("node");
    assertThat(failure.detail()).containsEntry("code", "DEVICE_IDENTITY_REQUIRED");
  }

  private static void assertRefused(
      Refusal refusal, String code, String detailCode, int closeCode) {
    assertThat(refusal.code()).as("error.code of %s", refusal).isEqualTo(code);
    assertThat(refusal.detailCode()).as("details.code of %s", refusal).isEqualTo(detailCode);
    assertThat(refusal.close().code()).as("close code of %s", refusal).isEqualTo(closeCode);
  }
}
