package dev.clawgate.core.pairing;

import java.util.Locale;

/** The life of a pairing request: pending until approved, rejected, expired or removed. */
public enum RequestState {
  PENDING,
  APPROVED,
  REJECTED,
  EXPIRED,
  REMOVED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static RequestState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
