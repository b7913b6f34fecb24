package dev.clawgate.protocol;

import java.util.OptionalInt;

/** The protocol versions clawgate speaks, and their negotiation. */
public final class ProtocolVersions {
  /** Oldest version served. */
  public static final int MIN = 3;

  /** Newest version served. */
  public static final int MAX = 4;

  private ProtocolVersions() {}

  /** The highest version in both the client's range and ours, if any. */
  public static OptionalInt negotiate(int clientMin, int clientMax) {
    int high = Math.min(clientMax, MAX);
    int low = Math.max(clientMin, MIN);
    return high >= low ? OptionalInt.of(high) : OptionalInt.empty();
  }
}
