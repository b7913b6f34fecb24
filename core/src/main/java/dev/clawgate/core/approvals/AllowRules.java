package dev.clawgate.core.approvals;

import dev.clawgate.core.store.Tx;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The owner's changes of the exec allow rules ({@code exec.approvals.set}), each run inside one
 * write transaction and audited per rule. A spec that already has a rule keeps it (id, counts).
 */
final class AllowRules {
  private static final String VIA = "exec.approvals.set";

  private AllowRules() {}

  static ApprovalService.RuleChange replace(
      Tx tx, List<RuleSpec> specs, Operator operator, long nowMs) {
    Set<RuleSpec> wanted = new LinkedHashSet<>(specs);
    List<AllowRule> removed = new ArrayList<>();
    for (AllowRule rule : RuleRepository.all(tx)) {
      if (!wanted.contains(rule.spec())) {
        RuleRepository.delete(tx, rule.id());
        ApprovalAudit.rule(tx, nowMs, "approval.rule.remove", operator, rule, VIA);
        removed.add(rule);
      }
    }
    List<AllowRule> added = add(tx, wanted, operator, nowMs);
    return new ApprovalService.RuleChange(RuleRepository.all(tx), added, removed);
  }

  static ApprovalService.RuleChange change(
      Tx tx, List<RuleSpec> add, List<String> remove, Operator operator, long nowMs) {
    List<AllowRule> removed = new ArrayList<>();
    for (int i = 0; i < remove.size(); i++) {
      String ruleId = remove.get(i);
      if (removed.stream().anyMatch(r -> r.id().equals(ruleId))) {
        continue; // named twice: removed once
      }
      int index = i;
      AllowRule rule =
          RuleRepository.byId(tx, ruleId)
              .orElseThrow(() -> ApprovalErrors.noSuchRule(index, ruleId));
      RuleRepository.delete(tx, ruleId);
      ApprovalAudit.rule(tx, nowMs, "approval.rule.remove", operator, rule, VIA);
      removed.add(rule);
    }
    List<AllowRule> added = add(tx, new LinkedHashSet<>(add), operator, nowMs);
    return new ApprovalService.RuleChange(RuleRepository.all(tx), added, removed);
  }

  private static List<AllowRule> add(Tx tx, Set<RuleSpec> specs, Operator operator, long nowMs) {
    List<AllowRule> added = new ArrayList<>();
    for (RuleSpec spec : specs) {
      Optional<AllowRule> rule =
          RuleRepository.add(tx, spec, operator.name(), nowMs, Optional.empty());
      if (rule.isPresent()) {
        ApprovalAudit.rule(tx, nowMs, "approval.rule.add", operator, rule.get(), VIA);
        added.add(rule.get());
      }
    }
    return added;
  }
}
