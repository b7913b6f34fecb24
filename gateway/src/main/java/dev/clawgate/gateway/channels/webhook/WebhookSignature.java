package dev.clawgate.gateway.channels.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature, in both directions: {@code X-Clawgate-Timestamp: <unix seconds>} and
 * {@code X-Clawgate-Signature: v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>}.
 * The timestamp is inside the signed bytes, so it cannot be moved forward to replay an old body.
 * Several comma-separated {@code v1=} values are accepted (a sender rotating its secret signs with
 * both); values of other versions are ignored.
 */
final class WebhookSignature {
  static final String TIMESTAMP_HEADER = "X-Clawgate-Timestamp";
  static final String SIGNATURE_HEADER = "X-Clawgate-Signature";
  private static final String VERSION = "v1=";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  WebhookSignature(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The header value for {@code body} sent at {@code timestamp}: {@code v1=<hex>}. */
  String sign(String timestamp, byte[] body) {
    return VERSION + HexFormat.of().formatHex(mac(timestamp, body));
  }

  /**
   * Whether one of the {@code v1=} values of {@code header} signs {@code body} at {@code
   * timestamp}.
   */
  boolean verify(String timestamp, byte[] body, String header) {
    byte[] expected =
        HexFormat.of().formatHex(mac(timestamp, body)).getBytes(StandardCharsets.US_ASCII);
    boolean match = false;
    for (String part : header.split(",", 16)) {
      String value = part.strip();
      if (value.startsWith(VERSION)) {
        byte[] given =
            value
                .substring(VERSION.length())
                .toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII);
        // Constant time for equal lengths; every candidate is checked so timing says nothing about
        // which one matched.
        match |= MessageDigest.isEqual(expected, given);
      }
    }
    return match;
  }

  private byte[] mac(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSignature[v1]";
  }
}
