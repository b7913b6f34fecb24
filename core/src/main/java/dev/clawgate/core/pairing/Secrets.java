package dev.clawgate.core.pairing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Token values and their comparison. A token is 32 random bytes in base64url; the store keeps only
 * its SHA-256. Comparisons hash both sides first, so they take the same time whatever the inputs'
 * lengths or contents.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A new token value: 32 random bytes, base64url without padding. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** SHA-256 of the UTF-8 value. */
  public static byte[] hash(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /** Whether {@code presented} hashes to {@code expectedHash}, in constant time. */
  public static boolean matchesHash(String presented, byte[] expectedHash) {
    return MessageDigest.isEqual(hash(presented), expectedHash);
  }

  /** Whether two secrets are equal, in time independent of where they differ. */
  public static boolean equal(String presented, String expected) {
    return MessageDigest.isEqual(hash(presented), hash(expected));
  }
}
