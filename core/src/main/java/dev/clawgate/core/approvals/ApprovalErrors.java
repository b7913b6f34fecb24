package dev.clawgate.core.approvals;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.util.List;

/**
 * Every refusal of the approval rules, each with its own detail code and a message that says what
 * happened and what to do next. Nothing else builds the {@code APPROVAL_*} codes.
 */
final class ApprovalErrors {
  /** At most this many matching ids are listed for an ambiguous prefix. */
  static final int LISTED_MATCHES = 5;

  private ApprovalErrors() {}

  static ClawgateException notFound(ApprovalKind kind, String id) {
    String hint =
        kind == ApprovalKind.EXEC && id.length() < ApprovalService.MIN_PREFIX
            ? " (an id prefix needs at least " + ApprovalService.MIN_PREFIX + " characters)"
            : "";
    return ClawgateException.of(
            ErrorCode.NOT_FOUND,
            DetailCode.APPROVAL_NOT_FOUND,
            "unknown "
                + kind
                + " approval id "
                + id
                + hint
                + ": no such request (resolved ones are kept for 24 h). List pending ones with:"
                + " clawgate approvals list")
        .detail("id", id)
        .detail("kind", kind.wireName())
        .build();
  }

  static ClawgateException ambiguous(ApprovalKind kind, String prefix, List<String> matches) {
    List<String> listed = matches.subList(0, Math.min(LISTED_MATCHES, matches.size()));
    int more = matches.size() - listed.size();
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.APPROVAL_ID_AMBIGUOUS,
            "ambiguous "
                + kind
                + " approval id prefix "
                + prefix
                + "; matches: "
                + String.join(", ", listed)
                + (more > 0 ? " (+" + more + " more)" : "")
                + ". Use the full id.")
        .detail("id", prefix)
        .detail("kind", kind.wireName())
        .detail("matches", listed)
        .detail("matchCount", matches.size())
        .build();
  }

  static ClawgateException alreadyResolved(Approval approval) {
    String decision = approval.outcome().orElse("?");
    String by = approval.resolvedBy().orElse("?");
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.APPROVAL_ALREADY_RESOLVED,
            approval.kind()
                + " approval "
                + approval.id()
                + " was already resolved by "
                + by
                + " with "
                + decision
                + "; nothing changed")
        .detail("id", approval.id())
        .detail("kind", approval.kind().wireName())
        .detail("decision", decision)
        .detail("resolvedBy", by)
        .detail("resolvedAtMs", approval.resolvedAtMs().orElse(0L))
        .build();
  }

  static ClawgateException expired(Approval approval) {
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.APPROVAL_EXPIRED,
            approval.kind()
                + " approval "
                + approval.id()
                + " expired unanswered (it waited "
                + describe(approval.expiresAtMs() - approval.createdAtMs())
                + "); it can no longer be resolved, the requester must ask again")
        .detail("id", approval.id())
        .detail("kind", approval.kind().wireName())
        .detail("decision", Decision.EXPIRED)
        .detail("expiresAtMs", approval.expiresAtMs())
        .build();
  }

  static ClawgateException idInUse(String id) {
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.APPROVAL_ID_IN_USE,
            "approval id "
                + id
                + " is already in use; send another id, or none to get a generated one")
        .detail("id", id)
        .build();
  }

  static ClawgateException notAllowed(Approval approval, Decision decision) {
    List<String> allowed = Decision.wireNames(approval.allowedDecisions());
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.APPROVAL_DECISION_NOT_ALLOWED,
            decision
                + " is unavailable for this "
                + approval.kind()
                + " approval; it allows "
                + String.join(", ", allowed))
        .detail("id", approval.id())
        .detail("decision", decision.wireName())
        .detail("allowedDecisions", allowed)
        .build();
  }

  static ClawgateException noSuchRule(int index, String ruleId) {
    String field = "params.remove[" + index + "]";
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.INVALID_PARAMS,
            field + ": no exec allow rule " + ruleId + " (list them with exec.approvals.get)")
        .detail("field", field)
        .detail("ruleId", ruleId)
        .build();
  }

  private static String describe(long ms) {
    long seconds = Math.max(0, ms) / 1000;
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 7200) {
      return seconds / 60 + " min";
    }
    return seconds / 3600 + " h";
  }
}
