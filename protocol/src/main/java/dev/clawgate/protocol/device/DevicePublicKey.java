package dev.clawgate.protocol.device;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A device's Ed25519 public key: 32 raw bytes. On the wire it is base64url without padding (PEM
 * SPKI is accepted too). The device id is derived from it, never chosen: {@code hex(sha256(raw))}.
 */
public final class DevicePublicKey {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final byte[] raw;
  private final PublicKey javaKey;
  private final String deviceId;

  private DevicePublicKey(byte[] raw) throws GeneralSecurityException {
    this.raw = raw.clone();
    byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + raw.length);
    System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
    this.javaKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    this.deviceId = HexFormat.of().formatHex(sha256(raw));
  }

  /** Parses base64url (or base64) raw 32 bytes, or a PEM SPKI block; empty when it is neither. */
  public static Optional<DevicePublicKey> parse(String encoded) {
    String text = encoded.strip();
    byte[] bytes;
    if (text.startsWith("-----BEGIN")) {
      String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      bytes = decodeBase64(body).orElse(null);
      if (bytes == null) {
        return Optional.empty();
      }
      if (bytes.length == SPKI_PREFIX.length + 32
          && Arrays.equals(SPKI_PREFIX, Arrays.copyOf(bytes, SPKI_PREFIX.length))) {
        bytes = Arrays.copyOfRange(bytes, SPKI_PREFIX.length, bytes.length);
      } else {
        return Optional.empty();
      }
    } else {
      bytes = decodeBase64(text).orElse(null);
    }
    if (bytes == null || bytes.length != 32) {
      return Optional.empty();
    }
    return fromRaw(bytes);
  }

  /** The key for 32 raw bytes; empty when they are not a valid Ed25519 point encoding. */
  public static Optional<DevicePublicKey> fromRaw(byte[] raw) {
    if (raw.length != 32) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DevicePublicKey(raw));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The key of a JDK Ed25519 public key. */
  public static DevicePublicKey of(PublicKey key) {
    byte[] spki = key.getEncoded();
    return fromRaw(Arrays.copyOfRange(spki, spki.length - 32, spki.length))
        .orElseThrow(() -> new IllegalArgumentException("not an Ed25519 public key"));
  }

  /** Decodes base64url or standard base64, with or without padding. */
  static Optional<byte[]> decodeBase64(String text) {
    try {
      String normalized = text.replace('+', '-').replace('/', '_');
      int end = normalized.length();
      while (end > 0 && normalized.charAt(end - 1) == '=') {
        end--;
      }
      return Optional.of(Base64.getUrlDecoder().decode(normalized.substring(0, end)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code signature} is this key's Ed25519 signature of {@code message} (RFC 8032, with
   * canonical {@code S}). Verified with Bouncy Castle's RFC 8032 code: it is about seven times
   * faster than the JDK's provider, and verification is most of a signed handshake's cost
   * (docs/decisions/0006-ed25519-verification.md).
   */
  public boolean verifies(byte[] message, byte[] signature) {
    return signature.length == Ed25519.SIGNATURE_SIZE
        && Ed25519.verify(signature, 0, raw, 0, message, 0, message.length);
  }

  /** The device id: lowercase hex SHA-256 of the raw key. */
  public String deviceId() {
    return deviceId;
  }

  /** Base64url of the raw key, without padding: the wire form. */
  public String base64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /** PEM SubjectPublicKeyInfo. */
  public String pem() {
    return Pem.encode("PUBLIC KEY", javaKey.getEncoded());
  }

  public PublicKey javaKey() {
    return javaKey;
  }

  public byte[] raw() {
    return raw.clone();
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DevicePublicKey that && Arrays.equals(raw, that.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "DevicePublicKey[" + base64Url() + "]";
  }
}
