package dev.clawgate.core.approvals;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.store.Tx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The audit entries of approvals, written inside the transaction of the change they describe:
 * {@code approval.resolve}, {@code approval.expire}, {@code approval.rule.add} and {@code
 * approval.rule.remove}. The entry's {@code requestId} is the approval id.
 */
final class ApprovalAudit {
  private ApprovalAudit() {}

  static void resolved(Tx tx, long nowMs, Approval approval, Decision decision, Operator by) {
    append(
        tx,
        nowMs,
        "approval.resolve",
        by.actor(),
        by.deviceId(),
        Optional.of(by.remoteAddress()),
        Optional.of(approval.id()),
        detail(approval, decision.wireName(), Map.of("resolvedBy", by.name())));
  }

  static void answeredByRule(Tx tx, long nowMs, Approval approval, String ruleId) {
    append(
        tx,
        nowMs,
        "approval.resolve",
        ApprovalService.RULE_PREFIX + ruleId,
        Optional.empty(),
        Optional.empty(),
        Optional.of(approval.id()),
        detail(approval, Decision.ALLOW_ALWAYS.wireName(), Map.of("ruleId", ruleId)));
  }

  static void expired(Tx tx, long nowMs, Approval approval) {
    append(
        tx,
        nowMs,
        "approval.expire",
        ApprovalService.EXPIRED_BY,
        Optional.empty(),
        Optional.empty(),
        Optional.of(approval.id()),
        detail(approval, Decision.EXPIRED, Map.of()));
  }

  /** A rule added or removed; {@code via} says how ({@code allow-always}, a method name). */
  static void rule(Tx tx, long nowMs, String action, Operator by, AllowRule rule, String via) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("ruleId", rule.id());
    detail.put("command", rule.command());
    rule.agentId().ifPresent(agent -> detail.put("agentId", agent));
    detail.put("via", via);
    append(
        tx,
        nowMs,
        action,
        by.actor(),
        by.deviceId(),
        Optional.of(by.remoteAddress()),
        rule.sourceApprovalId(),
        detail);
  }

  private static Map<String, Object> detail(
      Approval approval, String decision, Map<String, Object> more) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("kind", approval.kind().wireName());
    detail.put("decision", decision);
    detail.putAll(more);
    return detail;
  }

  private static void append(
      Tx tx,
      long nowMs,
      String action,
      String actor,
      Optional<String> deviceId,
      Optional<String> remoteAddress,
      Optional<String> approvalId,
      Map<String, Object> detail) {
    AuditLog.append(
        tx,
        new AuditEntry(
            0,
            nowMs,
            action,
            actor,
            "ok",
            deviceId,
            approvalId,
            Optional.empty(),
            remoteAddress,
            detail));
  }
}
