package dev.clawgate.protocol.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.protocol.CapturedFrames;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.device.DeviceProofVerifier.VerifiedDevice;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The signature in {@code req-connect-with-device.json} was made by the reference client (OpenClaw
 * 2026.9.6). Verifying it proves our payload, token choice and normalisation match the reference.
 */
class ReferenceInteropTest {
  private static final String EXPECTED_V3_PAYLOAD =
      "v3|b4f0e00935b61e7afe70a3f0a707d9022217f3c78f1a732d7b08e7c727649415|cli|cli|operator"
          + "|operator.read,operator.write,operator.approvals|1795573219844|tok123secret"
          + "|b2cc227f-cd80-4e14-8511-664deb30e670|linux|linux";

  private static ConnectParams captured() {
    return ConnectParams.parse(CapturedFrames.request("req-connect-with-device.json").params());
  }

  private static DeviceProof proof() {
    return captured().device().orElseThrow();
  }

  @Test
  void capturedDeviceIdIsDerivedFromItsPublicKey() {
    DevicePublicKey key = DevicePublicKey.parse(proof().publicKey()).orElseThrow();

    assertThat(key.deviceId()).isEqualTo(proof().id());
    assertThat(key.base64Url()).isEqualTo(proof().publicKey());
  }

  @Test
  void referenceSignatureVerifiesAsV3() {
    DeviceProof proof = proof();

    VerifiedDevice device =
        DeviceProofVerifier.verify(captured(), proof.nonce().orElseThrow(), proof.signedAt());

    assertThat(device.payloadVersion()).isEqualTo(3);
    assertThat(device.deviceId()).isEqualTo(proof.id());
  }

  @Test
  void referenceSignatureCoversExactlyTheDocumentedV3String() {
    DeviceProof proof = proof();
    DevicePublicKey key = DevicePublicKey.parse(proof.publicKey()).orElseThrow();
    byte[] signature = Base64.getUrlDecoder().decode(proof.signature());

    assertThat(
            DeviceAuthPayload.v3(
                captured(), proof.id(), proof.signedAt(), proof.nonce().orElseThrow()))
        .isEqualTo(EXPECTED_V3_PAYLOAD);
    assertThat(key.verifies(EXPECTED_V3_PAYLOAD.getBytes(StandardCharsets.UTF_8), signature))
        .isTrue();
    String v2 =
        DeviceAuthPayload.v2(captured(), proof.id(), proof.signedAt(), proof.nonce().orElseThrow());
    assertThat(key.verifies(v2.getBytes(StandardCharsets.UTF_8), signature)).isFalse();
  }

  @Test
  void referenceSignatureVerifiesWithinTheSkewAndExpiresBeyondIt() {
    DeviceProof proof = proof();
    String nonce = proof.nonce().orElseThrow();

    assertThat(DeviceProofVerifier.verify(captured(), nonce, proof.signedAt() + 120_000))
        .isNotNull();
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class,
            () -> DeviceProofVerifier.verify(captured(), nonce, proof.signedAt() + 120_001));
    assertThat(e.detail()).isEqualTo(DetailCode.DEVICE_AUTH_SIGNATURE_EXPIRED);
  }

  @Test
  void referenceSignatureReplayedOnAnotherConnectionIsANonceMismatch() {
    DeviceProof proof = proof();

    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class,
            () ->
                DeviceProofVerifier.verify(
                    captured(), "26ff0b4c-f252-4773-ae34-c00a6c2432c6", proof.signedAt()));

    assertThat(e.detail()).isEqualTo(DetailCode.DEVICE_AUTH_NONCE_MISMATCH);
  }

  @Test
  void capturedPublicKeyAlsoParsesAsPem() {
    DevicePublicKey key = DevicePublicKey.parse(proof().publicKey()).orElseThrow();

    assertThat(DevicePublicKey.parse(key.pem())).contains(key);
  }
}
