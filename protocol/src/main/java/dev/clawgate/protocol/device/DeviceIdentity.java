package dev.clawgate.protocol.device;

import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DeviceProof;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * A device's Ed25519 key pair: what a client holds to prove it is a paired device. Keys are stored
 * as PEM (PKCS#8 private, SPKI public), the format the reference clients use.
 */
public final class DeviceIdentity {
  private final DevicePublicKey publicKey;
  private final PrivateKey privateKey;

  private DeviceIdentity(DevicePublicKey publicKey, PrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  /** A fresh key pair. */
  public static DeviceIdentity generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new DeviceIdentity(DevicePublicKey.of(pair.getPublic()), pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is required by every JDK 15+", e);
    }
  }

  /** Rebuilds an identity from its PEM files; fails if the keys do not belong together. */
  public static DeviceIdentity fromPem(String publicKeyPem, String privateKeyPem) {
    try {
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      DevicePublicKey publicKey =
          DevicePublicKey.of(
              factory.generatePublic(new X509EncodedKeySpec(Pem.decode(publicKeyPem))));
      PrivateKey privateKey =
          factory.generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(privateKeyPem)));
      DeviceIdentity identity = new DeviceIdentity(publicKey, privateKey);
      byte[] probe = "clawgate-identity-check".getBytes(StandardCharsets.UTF_8);
      if (!publicKey.verifies(probe, identity.signBytes(probe))) {
        throw new IllegalArgumentException("the public and private keys do not belong together");
      }
      return identity;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an Ed25519 identity: " + e.getMessage(), e);
    }
  }

  public String deviceId() {
    return publicKey.deviceId();
  }

  public DevicePublicKey publicKey() {
    return publicKey;
  }

  public String publicKeyPem() {
    return publicKey.pem();
  }

  public String privateKeyPem() {
    return Pem.encode("PRIVATE KEY", privateKey.getEncoded());
  }

  /**
   * The v3 proof of this device for {@code params} (without their own proof) on the connection
   * whose challenge carried {@code nonce}: {@code params.withDevice(proof)} is the signed connect.
   */
  public DeviceProof proveV3(ConnectParams params, String nonce, long signedAtMs) {
    String payload = DeviceAuthPayload.v3(params, deviceId(), signedAtMs, nonce);
    return new DeviceProof(
        deviceId(), publicKey.base64Url(), sign(payload), signedAtMs, Optional.of(nonce));
  }

  /** Signs the UTF-8 bytes of {@code payload}; returns base64url without padding. */
  public String sign(String payload) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(signBytes(payload.getBytes(StandardCharsets.UTF_8)));
  }

  private byte[] signBytes(byte[] message) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(privateKey);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "DeviceIdentity[" + deviceId() + "]";
  }
}
