package dev.clawgate.protocol;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code connect.params.device}: a device's claim of identity and its signature over the connect.
 * Verified by {@link dev.clawgate.protocol.device.DeviceProofVerifier}.
 *
 * @param id the claimed device id (hex SHA-256 of the raw public key)
 * @param publicKey base64url raw 32-byte Ed25519 key, or PEM
 * @param signature base64url Ed25519 signature of the v3 or v2 payload
 * @param signedAt when the client signed, in epoch milliseconds
 * @param nonce the challenge nonce the client signed (blank when the client sent none)
 */
public record DeviceProof(
    String id, String publicKey, String signature, long signedAt, Optional<String> nonce) {

  private static final Set<String> KEYS =
      Set.of("id", "publicKey", "signature", "signedAt", "nonce");

  public DeviceProof {
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(publicKey, "null publicKey");
    Objects.requireNonNull(signature, "null signature");
    Objects.requireNonNull(nonce, "null nonce");
  }

  static DeviceProof parse(Fields fields) {
    fields.allowOnly(KEYS);
    String nonce = fields.node().path("nonce").asString("");
    if (fields.has("nonce") && !fields.node().get("nonce").isString()) {
      throw ClawgateException.invalidParams(fields.path("nonce"), "must be a string");
    }
    if (nonce.length() > 256) {
      throw ClawgateException.invalidParams(fields.path("nonce"), "longer than 256 characters");
    }
    return new DeviceProof(
        fields.string("id", 128),
        fields.string("publicKey", 1024),
        fields.string("signature", 512),
        fields.integer("signedAt", 0, Long.MAX_VALUE),
        nonce.isBlank() ? Optional.empty() : Optional.of(nonce));
  }
}
