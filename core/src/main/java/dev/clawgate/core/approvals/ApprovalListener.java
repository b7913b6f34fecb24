package dev.clawgate.core.approvals;

/**
 * Told about approvals after the change committed, so the gateway can broadcast {@code
 * *.approval.requested} and {@code *.approval.resolved}. Called on the thread that made the change;
 * implementations must not block. A request an allow rule answered at once is only {@link
 * #resolved}: nobody was asked.
 */
public interface ApprovalListener {
  /** A request now waits for an operator. */
  default void requested(Approval approval) {}

  /** A request was resolved (by an operator or an allow rule) or expired. */
  default void resolved(Approval approval) {}

  /** A listener that ignores everything. */
  static ApprovalListener none() {
    return new ApprovalListener() {};
  }
}
