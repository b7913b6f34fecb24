package dev.clawgate.protocol.device;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.ProtocolLimits;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Verifies {@code connect.params.device} against the connection's challenge. Checks run in a fixed
 * order and the first failure is reported with its own code (all close the socket with 1008):
 *
 * <ol>
 *   <li>the public key parses: {@code DEVICE_AUTH_PUBLIC_KEY_INVALID}
 *   <li>the claimed id is the key's id: {@code DEVICE_AUTH_DEVICE_ID_MISMATCH}
 *   <li>{@code |now - signedAt| <= 120 s}: {@code DEVICE_AUTH_SIGNATURE_EXPIRED}
 *   <li>a nonce was signed: {@code DEVICE_AUTH_NONCE_REQUIRED}
 *   <li>it is this connection's challenge nonce: {@code DEVICE_AUTH_NONCE_MISMATCH}
 *   <li>the v3, else v2, payload verifies: {@code DEVICE_AUTH_SIGNATURE_INVALID}
 * </ol>
 *
 * A nonce is issued once per connection and the connection accepts one {@code connect}, so a
 * replayed signature always meets a different nonce.
 */
public final class DeviceProofVerifier {
  private DeviceProofVerifier() {}

  /**
   * A device whose proof verified.
   *
   * @param deviceId the derived device id
   * @param publicKey the device's key
   * @param payloadVersion 3 or 2, whichever payload the signature covered
   */
  public record VerifiedDevice(String deviceId, DevicePublicKey publicKey, int payloadVersion) {}

  /** Verifies the proof of {@code params}, which must carry a device. */
  public static VerifiedDevice verify(ConnectParams params, String challengeNonce, long nowMs) {
    DeviceProof proof =
        params
            .device()
            .orElseThrow(() -> new IllegalArgumentException("connect carries no device proof"));
    DevicePublicKey key =
        DevicePublicKey.parse(proof.publicKey())
            .orElseThrow(() ->
                fail(
                    DetailCode.DEVICE_AUTH_PUBLIC_KEY_INVALID,
                    "device public key invalid",
                    "device-public-key"));
    if (!key.deviceId().equals(proof.id())) {
      throw fail(
          DetailCode.DEVICE_AUTH_DEVICE_ID_MISMATCH,
          "device identity mismatch",
          "device-id-mismatch");
    }
    if (Math.abs(nowMs - proof.signedAt()) > ProtocolLimits.SIGNATURE_SKEW.toMillis()) {
      throw fail(
          DetailCode.DEVICE_AUTH_SIGNATURE_EXPIRED,
          "device signature expired (signedAt is more than 120 s from the gateway clock)",
          "device-signature-stale");
    }
    String nonce =
        proof
            .nonce()
            .orElseThrow(() ->
                fail(
                    DetailCode.DEVICE_AUTH_NONCE_REQUIRED,
                    "device nonce required (sign the connect.challenge nonce)",
                    "device-nonce-missing"));
    if (!nonce.equals(challengeNonce)) {
      throw fail(
          DetailCode.DEVICE_AUTH_NONCE_MISMATCH,
          "device nonce mismatch (sign this connection's connect.challenge nonce)",
          "device-nonce-mismatch");
    }
    Optional<byte[]> signature =
        DevicePublicKey.decodeBase64(proof.signature()).filter(s -> s.length == 64);
    if (signature.isPresent()) {
      String v3 = DeviceAuthPayload.v3(params, key.deviceId(), proof.signedAt(), nonce);
      if (key.verifies(v3.getBytes(StandardCharsets.UTF_8), signature.get())) {
        return new VerifiedDevice(key.deviceId(), key, 3);
      }
      String v2 = DeviceAuthPayload.v2(params, key.deviceId(), proof.signedAt(), nonce);
      if (key.verifies(v2.getBytes(StandardCharsets.UTF_8), signature.get())) {
        return new VerifiedDevice(key.deviceId(), key, 2);
      }
    }
    throw fail(
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID, "device signature invalid", "device-signature");
  }

  private static ClawgateException fail(DetailCode code, String message, String reason) {
    return ClawgateException.of(ErrorCode.INVALID_REQUEST, code, message)
        .detail("reason", reason)
        .build();
  }
}
