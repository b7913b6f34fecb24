package dev.clawgate.gateway;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Reference ids for unexpected failures: the client sees only the id, the server log has the id
 * with the stack, so an operator can match a user's report to the cause without leaking internals.
 */
final class Refs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Refs() {}

  /** A short random id, 8 hex digits. */
  static String next() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The error a client sees for an unexpected failure. */
  static ClawgateException internalError(String ref) {
    return ClawgateException.of(
            ErrorCode.INTERNAL, DetailCode.INTERNAL_ERROR, "internal error (ref " + ref + ")")
        .detail("ref", ref)
        .build();
  }
}
