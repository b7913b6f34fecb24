package dev.clawgate.core.approvals;

import static dev.clawgate.core.approvals.ApprovalFixture.operator;
import static dev.clawgate.core.approvals.ApprovalFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asking, finding and resolving approvals; every refusal names its cause and changes nothing. */
class ApprovalResolutionTest {
  @TempDir Path dir;

  @Test
  void anExecRequestWaitsAndIsAnnouncedOnce() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.exec("rm -rf ./build", Optional.of("main"));

      assertThat(asked.pending()).isTrue();
      assertThat(asked.id()).matches("[0-9a-f-]{36}");
      assertThat(asked.request().path("command").asString()).isEqualTo("rm -rf ./build");
      assertThat(asked.request().path("agentId").asString()).isEqualTo("main");
      assertThat(asked.request().path("cwd").asString()).isEqualTo("/srv/app");
      assertThat(asked.expiresAtMs() - asked.createdAtMs())
          .isEqualTo(ApprovalService.EXEC_DEFAULT_TIMEOUT.toMillis());
      assertThat(f.events.requestedOf(asked.id())).hasSize(1);
      assertThat(f.events.resolved).isEmpty();
      assertThat(f.service().pending(ApprovalKind.EXEC))
          .extracting(Approval::id)
          .containsExactly(asked.id());
      assertThat(f.service().pending(ApprovalKind.PLUGIN)).isEmpty();
    }
  }

  @Test
  void resolvingRecordsTheDecisionWhoAndWhenAndIsAudited() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.exec("make deploy", Optional.empty());

      Approval resolved =
          f.service().resolve(ApprovalKind.EXEC, asked.id(), Decision.DENY, operator("Ops UI"));

      assertThat(resolved.state()).isEqualTo(ApprovalState.RESOLVED);
      assertThat(resolved.outcome()).contains("deny");
      assertThat(resolved.resolvedBy()).contains("Ops UI");
      assertThat(resolved.resolvedAtMs()).contains(f.clock.millis());
      assertThat(f.events.resolvedOf(asked.id())).containsExactly(resolved);
      assertThat(f.service().pending(ApprovalKind.EXEC)).isEmpty();
      assertThat(f.audit("approval.resolve"))
          .singleElement()
          .satisfies(e -> {
            assertThat(e.actor()).isEqualTo("conn:Ops UI");
            assertThat(e.requestId()).contains(asked.id());
            assertThat(e.detail()).containsEntry("decision", "deny").containsEntry("kind", "exec");
          });
    }
  }

  @Test
  void anExecIdMayBeGivenAsAUniquePrefixOfAtLeastFourCharacters() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked =
          f.submitExec(Optional.of("abcd1234-own"), "ls", Optional.empty(), Optional.empty())
              .approval();
      f.submitExec(Optional.of("ffff0000-other"), "ls", Optional.empty(), Optional.empty());

      ClawgateException tooShort =
          refused(
              DetailCode.APPROVAL_NOT_FOUND,
              () ->
                  f.service()
                      .resolve(ApprovalKind.EXEC, "abc", Decision.ALLOW_ONCE, operator("a")));
      assertThat(tooShort.getMessage()).contains("at least 4 characters");

      Approval resolved =
          f.service().resolve(ApprovalKind.EXEC, "abcd", Decision.ALLOW_ONCE, operator("a"));
      assertThat(resolved.id()).isEqualTo(asked.id());
      assertThat(resolved.outcome()).contains("allow-once");
    }
  }

  @Test
  void anAmbiguousPrefixListsTheMatchesAndResolvesNothing() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      f.submitExec(Optional.of("beef-1"), "ls", Optional.empty(), Optional.empty());
      f.submitExec(Optional.of("beef-2"), "ls", Optional.empty(), Optional.empty());
      ApprovalFixture.Contents before = f.contents();

      ClawgateException ambiguous =
          refused(
              DetailCode.APPROVAL_ID_AMBIGUOUS,
              () -> f.service().resolve(ApprovalKind.EXEC, "beef", Decision.DENY, operator("a")));

      assertThat(ambiguous.getMessage()).contains("beef-1, beef-2").contains("Use the full id");
      assertThat(ambiguous.details().get("matches")).isEqualTo(List.of("beef-1", "beef-2"));
      assertThat(f.contents()).isEqualTo(before);
      // The full id is never ambiguous, even though it is a prefix of nothing else.
      assertThat(
              f.service().resolve(ApprovalKind.EXEC, "beef-1", Decision.DENY, operator("a")).id())
          .isEqualTo("beef-1");
      // With one of them resolved, the pending one is what the prefix means.
      assertThat(f.service().resolve(ApprovalKind.EXEC, "beef", Decision.DENY, operator("a")).id())
          .isEqualTo("beef-2");
    }
  }

  @Test
  void pluginIdsAreGeneratedAndNeverMatchedByPrefix() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.plugin();
      assertThat(asked.id()).matches("plugin:[0-9a-f-]{36}");
      assertThat(asked.expiresAtMs() - asked.createdAtMs())
          .isEqualTo(ApprovalService.PLUGIN_DEFAULT_TIMEOUT.toMillis());
      assertThat(asked.request().path("title").asString()).isEqualTo("Delete build output");
      assertThat(asked.request().path("severity").asString()).isEqualTo("warning");

      refused(
          DetailCode.APPROVAL_NOT_FOUND,
          () ->
              f.service()
                  .resolve(
                      ApprovalKind.PLUGIN,
                      asked.id().substring(0, 12),
                      Decision.DENY,
                      operator("a")));
      // Ids are per kind: the exec methods do not know plugin approvals.
      refused(
          DetailCode.APPROVAL_NOT_FOUND,
          () -> f.service().resolve(ApprovalKind.EXEC, asked.id(), Decision.DENY, operator("a")));
      assertThat(
              f.service()
                  .resolve(ApprovalKind.PLUGIN, asked.id(), Decision.DENY, operator("a"))
                  .outcome())
          .contains("deny");
    }
  }

  @Test
  void anExplicitIdMustBeNewAndNotLookLikeAPluginId() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval first =
          f.submitExec(Optional.of("job-42"), "ls", Optional.empty(), Optional.empty()).approval();
      f.service().resolve(ApprovalKind.EXEC, first.id(), Decision.ALLOW_ONCE, operator("a"));
      ApprovalFixture.Contents before = f.contents();

      ClawgateException inUse =
          refused(
              DetailCode.APPROVAL_ID_IN_USE,
              () -> f.submitExec(Optional.of("job-42"), "ls", Optional.empty(), Optional.empty()));
      assertThat(inUse.code()).isEqualTo(ErrorCode.CONFLICT);
      assertThat(inUse.getMessage()).contains("job-42");
      refused(
          DetailCode.INVALID_PARAMS,
          () -> f.submitExec(Optional.of("plugin:mine"), "ls", Optional.empty(), Optional.empty()));
      refused(
          DetailCode.INVALID_PARAMS,
          () -> f.submitExec(Optional.of("has space"), "ls", Optional.empty(), Optional.empty()));
      assertThat(f.contents()).isEqualTo(before);
      assertThat(f.events.requested).hasSize(1);
    }
  }

  @Test
  void resolvingTwiceSaysByWhomAndWithWhatAndChangesNothing() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.exec("ls", Optional.empty());
      f.service().resolve(ApprovalKind.EXEC, asked.id(), Decision.ALLOW_ONCE, operator("Alice"));
      ApprovalFixture.Contents before = f.contents();

      ClawgateException again =
          refused(
              DetailCode.APPROVAL_ALREADY_RESOLVED,
              () ->
                  f.service()
                      .resolve(ApprovalKind.EXEC, asked.id(), Decision.DENY, operator("Bob")));

      assertThat(again.getMessage()).contains("by Alice").contains("allow-once");
      assertThat(again.details())
          .containsEntry("resolvedBy", "Alice")
          .containsEntry("decision", "allow-once");
      assertThat(f.contents()).isEqualTo(before);
      assertThat(f.events.resolvedOf(asked.id())).hasSize(1);
    }
  }

  @Test
  void aDecisionThePluginDoesNotAllowIsRefusedAndChangesNothing() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.plugin(EnumSet.of(Decision.ALLOW_ONCE, Decision.DENY));
      assertThat(asked.request().path("allowedDecisions").toString())
          .isEqualTo("[\"allow-once\",\"deny\"]");
      ApprovalFixture.Contents before = f.contents();

      ClawgateException refusal =
          refused(
              DetailCode.APPROVAL_DECISION_NOT_ALLOWED,
              () ->
                  f.service()
                      .resolve(
                          ApprovalKind.PLUGIN, asked.id(), Decision.ALLOW_ALWAYS, operator("a")));

      assertThat(refusal.getMessage()).contains("allow-always is unavailable");
      assertThat(refusal.details().get("allowedDecisions"))
          .isEqualTo(List.of("allow-once", "deny"));
      assertThat(f.contents()).isEqualTo(before);
      assertThat(f.events.resolved).isEmpty();
      assertThat(f.service().pending(ApprovalKind.PLUGIN)).hasSize(1);
    }
  }

  @Test
  void anUnknownDecisionOrIdIsNamedPrecisely() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      f.exec("ls", Optional.empty());
      ApprovalFixture.Contents before = f.contents();

      ClawgateException invalid =
          refused(DetailCode.APPROVAL_DECISION_INVALID, () -> Decision.parse("approve"));
      assertThat(invalid.getMessage()).contains("\"approve\"").contains("allow-once");
      ClawgateException unknown =
          refused(
              DetailCode.APPROVAL_NOT_FOUND,
              () ->
                  f.service()
                      .resolve(ApprovalKind.EXEC, "no-such-id", Decision.DENY, operator("a")));
      assertThat(unknown.code()).isEqualTo(ErrorCode.NOT_FOUND);
      assertThat(unknown.getMessage()).contains("no-such-id");
      refused(
          DetailCode.APPROVAL_NOT_FOUND,
          () ->
              f.service()
                  .awaitDecision(ApprovalKind.EXEC, "no-such-id", java.time.Duration.ofSeconds(1)));
      assertThat(f.contents()).isEqualTo(before);
    }
  }

  @Test
  void approvalsSurviveARestart() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval pending = f.exec("backup.sh", Optional.of("ops"));
      Approval done = f.plugin();
      f.service().resolve(ApprovalKind.PLUGIN, done.id(), Decision.ALLOW_ONCE, operator("a"));

      f.restart();

      assertThat(f.service().pending(ApprovalKind.EXEC)).containsExactly(pending);
      assertThat(f.service().approval(ApprovalKind.PLUGIN, done.id()).orElseThrow().outcome())
          .contains("allow-once");
      assertThat(
              f.service()
                  .resolve(ApprovalKind.EXEC, pending.id(), Decision.DENY, operator("b"))
                  .outcome())
          .contains("deny");
    }
  }
}
