package dev.clawgate.core.pairing;

/** Why a device must (re)pair. The wire names are those of the reference protocol. */
public enum PairingReason {
  NOT_PAIRED("not-paired", "device is not approved yet"),
  ROLE_UPGRADE("role-upgrade", "device is asking for a role it has not been approved for"),
  SCOPE_UPGRADE("scope-upgrade", "device is asking for more scopes than currently approved"),
  METADATA_UPGRADE("metadata-upgrade", "device platform changed and must be re-approved"),
  /** An OAuth client signing in again from a browser the owner has not confirmed. */
  REAUTHORIZE(
      "re-authorize", "client is signing in again from a browser the owner has not confirmed");

  private final String wireName;
  private final String requirement;

  PairingReason(String wireName, String requirement) {
    this.wireName = wireName;
    this.requirement = requirement;
  }

  public String wireName() {
    return wireName;
  }

  /** The human explanation used in the {@code PAIRING_REQUIRED} message. */
  public String requirement() {
    return requirement;
  }

  static PairingReason fromWire(String value) {
    for (PairingReason reason : values()) {
      if (reason.wireName.equals(value)) {
        return reason;
      }
    }
    throw new IllegalArgumentException("unknown pairing reason " + value);
  }
}
