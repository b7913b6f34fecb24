package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.function.UnaryOperator;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signs a device's connect payloads (base64url, no padding, as on the wire).
 *
 * <p>The JDK's Ed25519 costs about 0.6 ms per signature on the reference machine, as much CPU as
 * the gateway spends on a whole device-less handshake; a load tool paying that on the same two
 * cores would measure mostly itself. Bouncy Castle's RFC 8032 code signs the same bytes (Ed25519 is
 * deterministic, so the signatures are identical, which a test checks) several times faster. The
 * gateway still verifies with the JDK, exactly as in production.
 */
final class DeviceSigner {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private DeviceSigner() {}

  /** A signer for {@code identity}: {@code bc} (Bouncy Castle) or {@code jdk}. */
  static UnaryOperator<String> of(String kind, DeviceIdentity identity) {
    return switch (kind) {
      case "jdk" -> identity::sign;
      case "bc" -> bouncyCastle(identity);
      default -> throw new IllegalArgumentException("unknown signer " + kind);
    };
  }

  private static UnaryOperator<String> bouncyCastle(DeviceIdentity identity) {
    byte[] seed = seed(identity);
    byte[] publicKey = identity.publicKey().raw();
    Ed25519.precompute();
    return payload -> {
      byte[] message = payload.getBytes(StandardCharsets.UTF_8);
      byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
      Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
      return BASE64URL.encodeToString(signature);
    };
  }

  /** The 32-byte private seed, read back from the identity's PKCS#8 PEM. */
  private static byte[] seed(DeviceIdentity identity) {
    String pem = identity.privateKeyPem();
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      EdECPrivateKey key =
          (EdECPrivateKey)
              KeyFactory.getInstance("Ed25519")
                  .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      return key.getBytes()
          .orElseThrow(() -> new IllegalStateException("the device key has no seed"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the device key", e);
    }
  }
}
