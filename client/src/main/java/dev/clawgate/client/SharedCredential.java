package dev.clawgate.client;

import java.util.Objects;

/**
 * The gateway's shared secret, as a client presents it: {@code gateway.auth.token} or {@code
 * gateway.auth.password} (configured client-side as {@code gateway.remote.token|password}). {@code
 * toString()} never shows the value.
 */
public sealed interface SharedCredential {
  /** The secret value. */
  String secret();

  /** A shared token, sent as {@code auth.token}. */
  static SharedCredential token(String value) {
    return new Token(value);
  }

  /** A shared password, sent as {@code auth.password}. */
  static SharedCredential password(String value) {
    return new Password(value);
  }

  /**
   * A shared token.
   *
   * @param secret the token
   */
  record Token(String secret) implements SharedCredential {
    public Token {
      requireNonBlank(secret, "token");
    }

    @Override
    public String toString() {
      return "Token[<redacted>]";
    }
  }

  /**
   * A shared password.
   *
   * @param secret the password
   */
  record Password(String secret) implements SharedCredential {
    public Password {
      requireNonBlank(secret, "password");
    }

    @Override
    public String toString() {
      return "Password[<redacted>]";
    }
  }

  private static void requireNonBlank(String value, String what) {
    Objects.requireNonNull(value, "null " + what);
    if (value.isBlank()) {
      throw new IllegalArgumentException("the shared " + what + " is blank");
    }
  }
}
