package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.Frame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.device.DeviceIdentity;
import dev.clawgate.protocol.device.DeviceProofVerifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectFramesTest {
  private static final List<String> SCOPES = List.of("operator.read");

  @Test
  void tokenConnectIsAStrictlyValidConnectRequestWithTheToken() {
    String text = ConnectFrames.sharedToken("s3cret", SCOPES).connect("any-nonce", 1);
    Frame frame = Frames.parse(text);
    assertThat(frame).isInstanceOf(RequestFrame.class);
    RequestFrame request = (RequestFrame) frame;
    assertThat(request.method()).isEqualTo("connect");
    assertThat(request.id()).isEqualTo(ConnectFrames.CONNECT_ID);
    ConnectParams params = ConnectParams.parse(request.params());
    assertThat(params.auth().token()).contains("s3cret");
    assertThat(params.device()).isEmpty();
    assertThat(params.scopeNames()).isEqualTo(SCOPES);
  }

  @Test
  void signedConnectPassesTheGatewaysProofCheckForItsNonce() {
    DeviceIdentity identity = DeviceIdentity.generate();
    ConnectFrames frames =
        ConnectFrames.signed(
            identity,
            DeviceSigner.of("bc", identity),
            AuthParams.none().withDeviceToken("dt"),
            SCOPES);
    long now = System.currentTimeMillis();
    ConnectParams params = frames.params("nonce-1", now);
    DeviceProofVerifier.VerifiedDevice verified =
        DeviceProofVerifier.verify(params, "nonce-1", now);
    assertThat(verified.deviceId()).isEqualTo(identity.deviceId());
    assertThat(verified.payloadVersion()).isEqualTo(3);
    assertThat(params.auth().deviceToken()).contains("dt");
  }

  @Test
  void signedConnectDoesNotPassForAnotherNonce() {
    DeviceIdentity identity = DeviceIdentity.generate();
    ConnectFrames frames =
        ConnectFrames.signed(
            identity, identity::sign, AuthParams.none().withToken("s3cret"), SCOPES);
    long now = System.currentTimeMillis();
    ConnectParams params = frames.params("nonce-1", now);
    assertThatThrownBy(() -> DeviceProofVerifier.verify(params, "nonce-2", now))
        .hasMessageContaining("nonce mismatch");
  }

  @Test
  void nonceIsReadFromTheChallenge() {
    String challenge =
        "{\"type\":\"event\",\"event\":\"connect.challenge\",\"payload\":{\"nonce\":\"n-1\",\"ts\":5}}";
    assertThat(ConnectFrames.nonceOf(challenge)).isEqualTo("n-1");
  }

  @Test
  void aFirstFrameThatIsNoChallengeFailsTheHandshake() {
    assertThatThrownBy(() -> ConnectFrames.nonceOf("{\"type\":\"event\",\"event\":\"tick\"}"))
        .isInstanceOf(HandshakeFailure.class);
    assertThatThrownBy(() -> ConnectFrames.nonceOf("not json"))
        .isInstanceOf(HandshakeFailure.class);
  }

  @Test
  void helloOkIsRecognisedAndRefusalsAreDescribedByDetailCode() {
    String ok =
        "{\"type\":\"res\",\"id\":\"c1\",\"ok\":true,\"payload\":{\"type\":\"hello-ok\",\"protocol\":4}}";
    String refused =
        "{\"type\":\"res\",\"id\":\"c1\",\"ok\":false,\"error\":{\"code\":\"INVALID_REQUEST\","
            + "\"message\":\"m\",\"details\":{\"code\":\"AUTH_TOKEN_MISMATCH\"}}}";
    assertThat(ConnectFrames.isHelloOk(ok)).isTrue();
    assertThat(ConnectFrames.isHelloOk(refused)).isFalse();
    assertThat(ConnectFrames.describeFailure(refused)).isEqualTo("refused: AUTH_TOKEN_MISMATCH");
  }
}
