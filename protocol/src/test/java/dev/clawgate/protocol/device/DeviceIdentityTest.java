package dev.clawgate.protocol.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A device's key pair: generate, sign, store as PEM, load again. */
class DeviceIdentityTest {

  @Test
  void generatedIdentitySignsWhatItsPublicKeyVerifies() {
    DeviceIdentity identity = DeviceIdentity.generate();

    String signature = identity.sign("v3|payload");

    byte[] bytes = Base64.getUrlDecoder().decode(signature);
    assertThat(signature).doesNotContain("=", "+", "/");
    assertThat(bytes).hasSize(64);
    assertThat(identity.publicKey().verifies("v3|payload".getBytes(StandardCharsets.UTF_8), bytes))
        .isTrue();
    assertThat(identity.publicKey().verifies("v3|payloaD".getBytes(StandardCharsets.UTF_8), bytes))
        .isFalse();
  }

  @Test
  void signatureCoversTheUtf8BytesOfThePayload() {
    DeviceIdentity identity = DeviceIdentity.generate();
    String payload = "v3|id|cli|cli|operator||1|tökén|nonce|İos|";

    byte[] signature = Base64.getUrlDecoder().decode(identity.sign(payload));

    assertThat(identity.publicKey().verifies(payload.getBytes(StandardCharsets.UTF_8), signature))
        .isTrue();
  }

  @Test
  void deviceIdIsDerivedFromThePublicKey() {
    DeviceIdentity identity = DeviceIdentity.generate();

    assertThat(identity.deviceId()).isEqualTo(identity.publicKey().deviceId()).hasSize(64);
    assertThat(identity.deviceId()).isNotEqualTo(DeviceIdentity.generate().deviceId());
  }

  @Test
  void pemRoundTripKeepsTheDeviceIdAndTheKey() {
    DeviceIdentity identity = DeviceIdentity.generate();

    DeviceIdentity loaded =
        DeviceIdentity.fromPem(identity.publicKeyPem(), identity.privateKeyPem());

    assertThat(loaded.deviceId()).isEqualTo(identity.deviceId());
    assertThat(loaded.publicKey()).isEqualTo(identity.publicKey());
    byte[] signature = Base64.getUrlDecoder().decode(loaded.sign("hello"));
    assertThat(identity.publicKey().verifies("hello".getBytes(StandardCharsets.UTF_8), signature))
        .isTrue();
  }

  @Test
  void pemFilesUseTheReferenceFormats() {
    DeviceIdentity identity = DeviceIdentity.generate();

    assertThat(identity.publicKeyPem())
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(identity.privateKeyPem())
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
  }

  @Test
  void mismatchedPublicAndPrivateKeysAreRejected() {
    DeviceIdentity one = DeviceIdentity.generate();
    DeviceIdentity other = DeviceIdentity.generate();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> DeviceIdentity.fromPem(one.publicKeyPem(), other.privateKeyPem()))
        .withMessageContaining("do not belong together");
  }

  @Test
  void swappedOrGarbagePemsAreRejected() {
    DeviceIdentity identity = DeviceIdentity.generate();

    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> DeviceIdentity.fromPem(identity.privateKeyPem(), identity.publicKeyPem()));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DeviceIdentity.fromPem("not a pem", identity.privateKeyPem()));
  }

  @Test
  void toStringShowsOnlyTheDeviceId() {
    DeviceIdentity identity = DeviceIdentity.generate();
    String privateBody =
        identity.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");

    assertThat(identity.toString()).contains(identity.deviceId()).doesNotContain(privateBody);
  }
}
