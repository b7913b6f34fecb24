package dev.clawgate.core.approvals;

/** The two kinds of approval; each has its own methods, events and id space. */
public enum ApprovalKind {
  /** A command an agent or node wants to run ({@code exec.approval.*}). */
  EXEC("exec"),
  /** A plugin's tool call ({@code plugin.approval.*}); ids are always {@code plugin:<uuid>}. */
  PLUGIN("plugin");

  private final String wireName;

  ApprovalKind(String wireName) {
    this.wireName = wireName;
  }

  /** {@code exec} or {@code plugin}, as stored and as the method and event names begin. */
  public String wireName() {
    return wireName;
  }

  static ApprovalKind fromWire(String wire) {
    for (ApprovalKind kind : values()) {
      if (kind.wireName.equals(wire)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("not an approval kind: " + wire);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
