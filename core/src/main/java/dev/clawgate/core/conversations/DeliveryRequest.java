package dev.clawgate.core.conversations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One outbound text, identified by the caller's idempotency key.
 *
 * @param idempotencyKey the caller's key: the same key never delivers twice
 * @param route where to
 * @param text what
 * @param sessionKey the session it is mirrored into, if any
 */
public record DeliveryRequest(
    String idempotencyKey, Route route, String text, Optional<String> sessionKey) {
  public DeliveryRequest {
    Objects.requireNonNull(idempotencyKey, "null idempotencyKey");
    Objects.requireNonNull(route, "null route");
    Objects.requireNonNull(text, "null text");
    Objects.requireNonNull(sessionKey, "null sessionKey");
  }

  /** A digest of what is delivered where: a reused key must carry the same one. */
  public String fingerprint() {
    String canonical =
        String.join(
            "\u0000",
            route.channel(),
            route.accountId().orElse(""),
            route.to(),
            route.threadId().orElse(""),
            sessionKey.orElse(""),
            text);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
