package dev.clawgate.core.pairing;

import java.util.Locale;

/**
 * What a paired device is. All kinds pair, are listed, renamed and removed the same way; what
 * differs is how they prove who they are.
 */
public enum DeviceKind {
  /** A gateway-protocol client holding an Ed25519 key; its id is the hash of the key. */
  DEVICE("device", ""),
  /** An OAuth client of {@code /mcp}; it proves itself with tokens the gateway issued to it. */
  OAUTH_CLIENT("oauth-client", "oauth-"),
  /** A static bearer token made with {@code clawgate tokens create}. */
  TOKEN("token", "token-");

  private final String wireName;
  private final String idPrefix;

  DeviceKind(String wireName, String idPrefix) {
    this.wireName = wireName;
    this.idPrefix = idPrefix;
  }

  /** The name in the store, in JSON and in listings. */
  public String wireName() {
    return wireName;
  }

  /**
   * The prefix of this kind's device ids. A key-holding device's id is 64 hex digits, so ids of the
   * other kinds can never collide with one (and cannot be claimed by a connecting key).
   */
  public String idPrefix() {
    return idPrefix;
  }

  /** The kind of a stored name. */
  public static DeviceKind fromWire(String value) {
    for (DeviceKind kind : values()) {
      if (kind.wireName.equals(value.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown device kind " + value);
  }
}
