package dev.clawgate.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook post as the gateway's {@code webhook} channel expects it: {@code
 * X-Clawgate-Signature: v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>} with
 * {@code X-Clawgate-Timestamp: <unix seconds>}. Holds one {@link Mac}, so one signer per thread.
 */
final class WebhookSigner {
  static final String TIMESTAMP_HEADER = "X-Clawgate-Timestamp";
  static final String SIGNATURE_HEADER = "X-Clawgate-Signature";

  private final Mac mac;

  WebhookSigner(String secret) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The signature header's value for {@code body} sent at {@code timestamp} (unix seconds). */
  String sign(String timestamp, byte[] body) {
    mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
    return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
