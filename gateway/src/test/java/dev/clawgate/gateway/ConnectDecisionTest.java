package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.config.GatewayConfig.Bind;
import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.core.pairing.ConnectAttempt;
import dev.clawgate.core.pairing.ConnectAuthorizer;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What the transport establishes before and around the pairing rules' decision. */
class ConnectDecisionTest extends GatewayTestBase {

  @Test
  void validDeviceProofReachesTheAuthorizer() {
    start();
    DeviceIdentity identity = DeviceIdentity.generate();
    TestSocket socket = open();
    String nonce = socket.challenge().path("nonce").asString();
    ConnectParams params =
        Fixtures.signed(
            Fixtures.operator("operator.read"), identity, nonce, System.currentTimeMillis());
    JsonNode response = socket.sendConnect(params.toNode());
    assertThat(response.path("ok").asBoolean()).as("%s", response).isTrue();
    ConnectAttempt attempt = authorizer.last();
    assertThat(attempt.device()).isPresent();
    assertThat(attempt.device().get().deviceId()).isEqualTo(identity.deviceId());
  }

  @Test
  void staleNonceIsANonceMismatch() {
    start();
    DeviceIdentity identity = DeviceIdentity.generate();
    TestSocket socket = open();
    socket.challenge();
    String stale = UUID.randomUUID().toString();
    ConnectParams params =
        Fixtures.signed(Fixtures.operator(), identity, stale, System.currentTimeMillis());
    JsonNode response = socket.sendConnect(params.toNode());
    assertThat(detail(response)).isEqualTo("DEVICE_AUTH_NONCE_MISMATCH");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
    assertThat(authorizer.attempts).isEmpty();
  }

  @Test
  void forgedSignatureIsASignatureFailure() {
    start();
    DeviceIdentity signer = DeviceIdentity.generate();
    TestSocket socket = open();
    String nonce = socket.challenge().path("nonce").asString();
    // Signed for read, sent asking for admin: the signature no longer covers the request.
    ConnectParams signedForRead =
        Fixtures.signed(
            Fixtures.operator("operator.read"), signer, nonce, System.currentTimeMillis());
    var node = signedForRead.toNode();
    node.putArray("scopes").add("operator.admin");
    JsonNode response = socket.sendConnect(node);
    assertThat(detail(response)).isEqualTo("DEVICE_AUTH_SIGNATURE_INVALID");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
  }

  @Test
  void oldSignatureIsExpired() {
    start();
    DeviceIdentity identity = DeviceIdentity.generate();
    TestSocket socket = open();
    String nonce = socket.challenge().path("nonce").asString();
    long tenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
    JsonNode response =
        socket.sendConnect(
            Fixtures.signed(Fixtures.operator(), identity, nonce, tenMinutesAgo).toNode());
    assertThat(detail(response)).isEqualTo("DEVICE_AUTH_SIGNATURE_EXPIRED");
  }

  @Test
  void pairingRequiredClosesWithTheRequestId() {
    ConnectAuthorizer pairing =
        attempt -> {
          throw ClawgateException.of(
                  ErrorCode.NOT_PAIRED,
                  DetailCode.PAIRING_REQUIRED,
                  "pairing required (not-paired)")
              .detail("requestId", "req-42")
              .build();
        };
    GatewayServer gateway = track(GatewayServer.builder(Fixtures.config(), pairing).build());
    gateway.start();
    TestSocket socket = track(TestSocket.open(gateway.port(), "/", Map.of()));
    JsonNode response = socket.connect(Fixtures.operator().toNode());
    assertThat(response.path("error").path("code").asString()).isEqualTo("NOT_PAIRED");
    assertThat(response.path("error").path("details").path("requestId").asString())
        .isEqualTo("req-42");
    assertThat(socket.awaitClose())
        .isEqualTo(new TestSocket.Close(1008, "pairing required: req-42"));
  }

  @Test
  void unexpectedAuthorizerFailureIsInternalWithARefOnly() {
    ConnectAuthorizer broken =
        attempt -> {
          throw new IllegalStateException("database password is hunter2");
        };
    GatewayServer gateway = track(GatewayServer.builder(Fixtures.config(), broken).build());
    gateway.start();
    TestSocket socket = track(TestSocket.open(gateway.port(), "/", Map.of()));
    JsonNode response = socket.connect(Fixtures.operator().toNode());
    JsonNode error = response.path("error");
    assertThat(error.path("code").asString()).isEqualTo("INTERNAL");
    assertThat(error.path("message").asString()).matches("internal error \\(ref [0-9a-f]{8}\\)");
    assertThat(response.toString()).doesNotContain("hunter2");
    assertThat(socket.awaitClose().code()).isEqualTo(1011);
  }

  @Test
  void loopbackWithoutHeadersIsLocal() {
    start();
    connected(Fixtures.operator());
    assertThat(authorizer.last().local()).isTrue();
    assertThat(authorizer.last().remoteAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void browserOriginIsNotLocal() {
    start();
    open(Map.of("Origin", "http://127.0.0.1:5173")).connect(Fixtures.operator().toNode());
    assertThat(authorizer.last().local()).isFalse();
  }

  @Test
  void untrustedForwardingHeaderIsNotLocalAndIsNotBelieved() {
    start();
    open(Map.of("X-Forwarded-For", "203.0.113.9")).connect(Fixtures.operator().toNode());
    assertThat(authorizer.last().local()).isFalse();
    assertThat(authorizer.last().remoteAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void trustedProxyForwardsTheClientAddress() {
    start(
        Fixtures.config(Bind.LOOPBACK, AuthMode.TOKEN, RateLimit.defaults(), List.of("127.0.0.1")),
        b -> b);
    open(Map.of("X-Forwarded-For", "203.0.113.9")).connect(Fixtures.operator().toNode());
    assertThat(authorizer.last().remoteAddress()).isEqualTo("203.0.113.9");
    assertThat(authorizer.last().local()).isFalse();
  }
}
