package dev.clawgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.device.DeviceIdentity;
import dev.clawgate.protocol.device.DeviceProofVerifier;
import dev.clawgate.protocol.device.DeviceProofVerifier.VerifiedDevice;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectRequestTest {
  private static final String NONCE = "26ff0b4c-f252-4773-ae34-c00a6c2432c6";
  private final DeviceIdentity identity = DeviceIdentity.generate();

  @Test
  void aSignedConnectVerifiesAsTheGatewayReadsIt() {
    ClientOptions options =
        ClientOptions.builder()
            .token("tok123secret")
            .identity(identity)
            .scopes("operator.write", "operator.read", "operator.approvals")
            .build();
    long now = System.currentTimeMillis();

    ConnectParams built = ConnectRequest.build(options, Optional.of("ignored"), NONCE, now);
    // What the gateway sees: the wire form, parsed back.
    ConnectParams received = ConnectParams.parse(Optional.of(built.toNode()));

    VerifiedDevice device = DeviceProofVerifier.verify(received, NONCE, now);
    assertThat(device.deviceId()).isEqualTo(identity.deviceId());
    assertThat(device.payloadVersion()).isEqualTo(3);
    assertThat(received.scopeNames())
        .containsExactly("operator.write", "operator.read", "operator.approvals");
    assertThat(received.auth().token()).contains("tok123secret");
    assertThat(received.auth().deviceToken()).isEmpty(); // a shared secret wins over a device token
    assertThat(received.minProtocol()).isEqualTo(3);
    assertThat(received.maxProtocol()).isEqualTo(4);
    assertThat(received.device().orElseThrow().publicKey())
        .isEqualTo(identity.publicKey().base64Url());
  }

  @Test
  void withoutASharedSecretTheStoredDeviceTokenIsSentAndSigned() {
    ClientOptions options =
        ClientOptions.builder().identity(identity).scopes("operator.read").build();
    long now = System.currentTimeMillis();

    ConnectParams received =
        ConnectParams.parse(
            Optional.of(
                ConnectRequest.build(options, Optional.of("dev-tok"), NONCE, now).toNode()));

    assertThat(received.auth().deviceToken()).contains("dev-tok");
    assertThat(received.auth().token()).isEmpty();
    assertThat(DeviceProofVerifier.verify(received, NONCE, now).deviceId())
        .isEqualTo(identity.deviceId());
  }

  @Test
  void withoutAnIdentityNothingIsSignedAndNoDeviceTokenIsSent() {
    ClientOptions options = ClientOptions.builder().password("pw").scopes("operator.admin").build();

    ConnectParams params =
        ConnectRequest.build(options, Optional.of("dev-tok"), NONCE, System.currentTimeMillis());

    assertThat(params.device()).isEmpty();
    assertThat(params.auth().password()).contains("pw");
    assertThat(params.auth().deviceToken()).isEmpty();
  }
}
