package dev.clawgate.core.approvals;

import static dev.clawgate.core.approvals.ApprovalFixture.operator;
import static dev.clawgate.core.approvals.ApprovalFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.protocol.DetailCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** allow-always on exec records a rule; a later identical request is allowed without asking. */
class AllowRuleTest {
  @TempDir Path dir;

  @Test
  void allowAlwaysMakesTheNextIdenticalRequestResolveWithoutAsking() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval first = f.exec("npm test", Optional.of("main"));
      f.service().resolve(ApprovalKind.EXEC, first.id(), Decision.ALLOW_ALWAYS, operator("Alice"));
      AllowRule rule = f.service().rules().getFirst();
      assertThat(rule.spec()).isEqualTo(new RuleSpec("npm test", Optional.of("main")));
      assertThat(rule.createdBy()).isEqualTo("Alice");
      assertThat(rule.sourceApprovalId()).contains(first.id());
      int requestedBefore = f.events.requested.size();

      ApprovalService.Submitted again =
          f.submitExec(Optional.empty(), "npm test", Optional.of("main"), Optional.empty());

      assertThat(again.rule()).map(AllowRule::id).contains(rule.id());
      Approval answered = again.approval();
      assertThat(answered.state()).isEqualTo(ApprovalState.RESOLVED);
      assertThat(answered.outcome()).contains("allow-always");
      assertThat(answered.resolvedBy()).contains("rule:" + rule.id());
      assertThat(answered.ruleId()).contains(rule.id());
      assertThat(f.events.requested).hasSize(requestedBefore);
      assertThat(f.events.resolvedOf(answered.id())).containsExactly(answered);
      assertThat(f.service().pending(ApprovalKind.EXEC)).isEmpty();
      assertThat(f.service().rules().getFirst().useCount()).isEqualTo(1);
      assertThat(f.audit("approval.rule.add")).hasSize(1);
      assertThat(f.audit("approval.resolve"))
          .extracting(AuditEntry::actor)
          .containsExactly("conn:Alice", "rule:" + rule.id());
    }
  }

  @Test
  void aRuleMatchesOnlyTheSameCommandAndTheSameAgent() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      f.service()
          .changeRules(
              List.of(
                  new RuleSpec("git status", Optional.of("main")),
                  new RuleSpec("uptime", Optional.empty())),
              List.of(),
              operator("owner"));

      assertThat(f.exec("git status", Optional.of("other")).pending()).isTrue();
      assertThat(f.exec("git status", Optional.empty()).pending()).isTrue();
      assertThat(f.exec("git status ", Optional.of("main")).pending()).isTrue();
      assertThat(f.exec("uptime", Optional.of("main")).pending()).isTrue();
      assertThat(f.exec("uptime", Optional.empty()).pending()).isFalse();
      assertThat(f.exec("git status", Optional.of("main")).pending()).isFalse();
    }
  }

  @Test
  void pluginAllowAlwaysAndExecAllowOnceRecordNoRule() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval plugin = f.plugin();
      f.service().resolve(ApprovalKind.PLUGIN, plugin.id(), Decision.ALLOW_ALWAYS, operator("a"));
      Approval once = f.exec("ls", Optional.empty());
      f.service().resolve(ApprovalKind.EXEC, once.id(), Decision.ALLOW_ONCE, operator("a"));

      assertThat(f.service().rules()).isEmpty();
      assertThat(f.exec("ls", Optional.empty()).pending()).isTrue();
    }
  }

  @Test
  void replacingTheRulesKeepsUnchangedOnesAndAuditsEachChange() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      RuleSpec keep = new RuleSpec("make", Optional.empty());
      RuleSpec drop = new RuleSpec("make clean", Optional.empty());
      RuleSpec add = new RuleSpec("make test", Optional.of("ci"));
      f.service().replaceRules(List.of(keep, drop), operator("owner"));
      String keptId = f.service().rules().getFirst().id();

      ApprovalService.RuleChange change =
          f.service().replaceRules(List.of(keep, add, add), operator("owner"));

      assertThat(change.rules()).extracting(AllowRule::spec).containsExactly(keep, add);
      assertThat(change.rules().getFirst().id()).isEqualTo(keptId);
      assertThat(change.added()).extracting(AllowRule::spec).containsExactly(add);
      assertThat(change.removed()).extracting(AllowRule::spec).containsExactly(drop);
      assertThat(f.audit("approval.rule."))
          .extracting(AuditEntry::action)
          .containsExactly(
              "approval.rule.add",
              "approval.rule.add",
              "approval.rule.remove",
              "approval.rule.add");
    }
  }

  @Test
  void removingAnUnknownRuleNamesItAndChangesNothing() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      f.service()
          .changeRules(List.of(new RuleSpec("ls", Optional.empty())), List.of(), operator("o"));
      String id = f.service().rules().getFirst().id();
      ApprovalFixture.Contents before = f.contents();

      var refusal =
          refused(
              DetailCode.INVALID_PARAMS,
              () ->
                  f.service()
                      .changeRules(
                          List.of(new RuleSpec("pwd", Optional.empty())),
                          List.of(id, "no-such-rule"),
                          operator("o")));

      assertThat(refusal.details()).containsEntry("field", "params.remove[1]");
      assertThat(f.contents()).isEqualTo(before);
      ApprovalService.RuleChange removed =
          f.service().changeRules(List.of(), List.of(id, id), operator("o"));
      assertThat(removed.removed()).hasSize(1);
      assertThat(removed.rules()).isEmpty();
    }
  }

  @Test
  void rulesSurviveARestart() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval first = f.exec("./deploy.sh", Optional.empty());
      f.service().resolve(ApprovalKind.EXEC, first.id(), Decision.ALLOW_ALWAYS, operator("a"));

      f.restart();

      assertThat(f.exec("./deploy.sh", Optional.empty()).outcome()).contains("allow-always");
    }
  }
}
