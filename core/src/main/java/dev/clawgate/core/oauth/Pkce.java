package dev.clawgate.core.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/** PKCE with S256 only (RFC 7636; OAuth 2.1 §4.1.1). */
final class Pkce {
  /** 43 to 128 unreserved characters (RFC 7636 §4.1). */
  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  /** A base64url SHA-256: 43 characters. */
  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private Pkce() {}

  static boolean isChallenge(String value) {
    return CHALLENGE.matcher(value).matches();
  }

  static boolean isVerifier(String value) {
    return VERIFIER.matcher(value).matches();
  }

  /** Whether {@code verifier} is the S256 preimage of {@code challenge}, in constant time. */
  static boolean verifies(String verifier, String challenge) {
    byte[] expected = challenge.getBytes(StandardCharsets.US_ASCII);
    byte[] actual = s256(verifier).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, actual);
  }

  static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
