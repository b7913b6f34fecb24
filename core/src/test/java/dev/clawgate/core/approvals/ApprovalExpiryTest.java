package dev.clawgate.core.approvals;

import static dev.clawgate.core.approvals.ApprovalFixture.operator;
import static dev.clawgate.core.approvals.ApprovalFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.clawgate.protocol.DetailCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An approval nobody answers expires exactly once, whoever meets it first. */
class ApprovalExpiryTest {
  @TempDir Path dir;

  @Test
  void theSweepExpiresADueRequestOnceAsExpired() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked =
          f.submitExec(Optional.empty(), "ls", Optional.empty(), Optional.of(Duration.ofMinutes(1)))
              .approval();
      Approval later = f.exec("uptime", Optional.empty());

      f.clock.advance(Duration.ofSeconds(59));
      assertThat(f.service().sweep().expired()).isEmpty();
      f.clock.advance(Duration.ofSeconds(1));
      ApprovalService.SweepResult sweep = f.service().sweep();

      assertThat(sweep.expired()).extracting(Approval::id).containsExactly(asked.id());
      Approval expired = sweep.expired().getFirst();
      assertThat(expired.state()).isEqualTo(ApprovalState.EXPIRED);
      assertThat(expired.outcome()).contains("expired");
      assertThat(expired.resolvedBy()).contains(ApprovalService.EXPIRED_BY);
      assertThat(f.service().sweep().expired()).isEmpty();
      assertThat(f.events.resolvedOf(asked.id())).containsExactly(expired);
      assertThat(f.audit("approval.expire")).hasSize(1);
      assertThat(f.service().pending(ApprovalKind.EXEC))
          .extracting(Approval::id)
          .containsExactly(later.id());
    }
  }

  @Test
  void aDueRequestNotYetSweptIsExpiredByTheResolveThatMeetsItAndStaysExpired() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.plugin(EnumSet.allOf(Decision.class), Optional.of(Duration.ofSeconds(30)));
      f.clock.advance(Duration.ofSeconds(30));

      var refusal =
          refused(
              DetailCode.APPROVAL_EXPIRED,
              () ->
                  f.service()
                      .resolve(
                          ApprovalKind.PLUGIN, asked.id(), Decision.ALLOW_ONCE, operator("a")));
      assertThat(refusal.getMessage()).contains("expired").contains("ask again");
      // The expiry committed although the resolve was refused, and was announced once.
      assertThat(f.events.resolvedOf(asked.id()))
          .singleElement()
          .satisfies(a -> assertThat(a.outcome()).contains("expired"));
      refused(
          DetailCode.APPROVAL_EXPIRED,
          () -> f.service().resolve(ApprovalKind.PLUGIN, asked.id(), Decision.DENY, operator("b")));
      assertThat(f.service().sweep().expired()).isEmpty();
      assertThat(f.events.resolvedOf(asked.id())).hasSize(1);
      assertThat(f.audit("approval."))
          .extracting(e -> e.action())
          .containsExactly("approval.expire");
    }
  }

  @Test
  void listingAndLookingUpExpireDueRequestsFirst() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval listed = f.exec("a", Optional.empty());
      Approval lookedUp = f.exec("b", Optional.empty());
      f.clock.advance(ApprovalService.EXEC_DEFAULT_TIMEOUT);

      assertThat(f.service().approval(ApprovalKind.EXEC, lookedUp.id()).orElseThrow().outcome())
          .contains("expired");
      assertThat(f.service().pending(ApprovalKind.EXEC)).isEmpty();
      assertThat(f.events.resolved)
          .extracting(Approval::id)
          .containsExactlyInAnyOrder(listed.id(), lookedUp.id());
    }
  }

  @Test
  void aWaitingRequesterHearsTheExpiry() throws Exception {
    try (ApprovalFixture f = ApprovalFixture.open(dir);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Approval asked = f.exec("sleep 1", Optional.empty());
      Future<Approval> waiting =
          threads.submit(() ->
              f.service().awaitDecision(ApprovalKind.EXEC, asked.id(), Duration.ofMinutes(1)));

      await().until(() -> ((StoredApprovalService) f.service()).waitingApprovals() == 1);
      f.clock.advance(ApprovalService.EXEC_DEFAULT_TIMEOUT);
      f.service().sweep();

      assertThat(waiting.get().outcome()).contains("expired");
      assertThat(((StoredApprovalService) f.service()).waitingApprovals()).isZero();
    }
  }

  @Test
  void timeoutsDefaultAndAreClampedToTheMaximum() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval longExec =
          f.submitExec(Optional.empty(), "ls", Optional.empty(), Optional.of(Duration.ofDays(7)))
              .approval();
      Approval longPlugin =
          f.plugin(EnumSet.allOf(Decision.class), Optional.of(Duration.ofHours(1)));

      assertThat(longExec.expiresAtMs() - longExec.createdAtMs())
          .isEqualTo(ApprovalService.EXEC_MAX_TIMEOUT.toMillis());
      assertThat(longPlugin.expiresAtMs() - longPlugin.createdAtMs())
          .isEqualTo(ApprovalService.PLUGIN_MAX_TIMEOUT.toMillis());
    }
  }

  @Test
  void finishedApprovalsArePrunedAfterTheRetention() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval old = f.exec("ls", Optional.empty());
      f.service().resolve(ApprovalKind.EXEC, old.id(), Decision.DENY, operator("a"));
      f.clock.advance(Duration.ofHours(12));
      Approval recent = f.exec("pwd", Optional.empty());
      f.service().resolve(ApprovalKind.EXEC, recent.id(), Decision.DENY, operator("a"));
      assertThat(f.service().finished(ApprovalKind.EXEC, 10))
          .extracting(Approval::id)
          .containsExactly(recent.id(), old.id());

      f.clock.advance(Duration.ofHours(12));
      assertThat(f.service().sweep().pruned()).isZero();
      f.clock.advance(Duration.ofMillis(1));
      assertThat(f.service().sweep().pruned()).isEqualTo(1);

      assertThat(f.service().approval(ApprovalKind.EXEC, old.id())).isEmpty();
      assertThat(f.service().approval(ApprovalKind.EXEC, recent.id())).isPresent();
    }
  }
}
