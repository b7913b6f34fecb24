package dev.clawgate.core.conversations;

import java.util.Locale;

/**
 * How direct messages map to sessions (a channel account's {@code dmScope}), as in the reference's
 * {@code session.dmScope}.
 */
public enum DmScope {
  /** Every direct message of every channel shares {@code agent:<agent>:main}. */
  MAIN("main"),
  /** One session per peer, across channels: {@code agent:<agent>:dm:<peer>}. */
  PER_PEER("per-peer"),
  /** One session per channel and peer: {@code agent:<agent>:<channel>:dm:<peer>} (default). */
  PER_CHANNEL_PEER("per-channel-peer"),
  /** Also per account: {@code agent:<agent>:<channel>:<account>:dm:<peer>}. */
  PER_ACCOUNT_CHANNEL_PEER("per-account-channel-peer");

  private final String wireName;

  DmScope(String wireName) {
    this.wireName = wireName;
  }

  /** The config spelling. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses the config spelling.
   *
   * @throws IllegalArgumentException naming the allowed values
   */
  public static DmScope parse(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    for (DmScope scope : values()) {
      if (scope.wireName.equals(wanted)) {
        return scope;
      }
    }
    throw new IllegalArgumentException(
        "must be one of main, per-peer, per-channel-peer, per-account-channel-peer");
  }
}
