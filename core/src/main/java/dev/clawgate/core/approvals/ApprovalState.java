package dev.clawgate.core.approvals;

/** Where an approval is in its life: pending, then resolved or expired, once and for good. */
public enum ApprovalState {
  PENDING("pending"),
  RESOLVED("resolved"),
  EXPIRED("expired");

  private final String wireName;

  ApprovalState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  static ApprovalState fromWire(String wire) {
    for (ApprovalState state : values()) {
      if (state.wireName.equals(wire)) {
        return state;
      }
    }
    throw new IllegalArgumentException("not an approval state: " + wire);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
