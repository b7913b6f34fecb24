package dev.clawgate.core.approvals;

import static dev.clawgate.core.approvals.ApprovalFixture.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The requester learns the decision: while waiting, or after the fact. */
class WaitDecisionTest {
  @TempDir Path dir;

  @Test
  void everyWaiterHearsTheDecisionOnceItCommitted() throws Exception {
    try (ApprovalFixture f = ApprovalFixture.open(dir);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Approval asked = f.exec("ls", Optional.empty());
      StoredApprovalService service = (StoredApprovalService) f.service();
      List<Future<Approval>> waiting = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        waiting.add(
            threads.submit(
                () -> service.awaitDecision(ApprovalKind.EXEC, asked.id(), Duration.ofMinutes(1))));
      }
      await().until(() -> service.waitingApprovals() == 1);

      Approval resolved =
          service.resolve(ApprovalKind.EXEC, asked.id(), Decision.ALLOW_ONCE, operator("a"));

      for (Future<Approval> waiter : waiting) {
        assertThat(waiter.get()).isEqualTo(resolved);
      }
      assertThat(service.waitingApprovals()).isZero();
    }
  }

  @Test
  void aFinalApprovalIsAnsweredAtOnce() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.plugin();
      f.service().resolve(ApprovalKind.PLUGIN, asked.id(), Decision.DENY, operator("a"));

      Approval answer =
          f.service().awaitDecision(ApprovalKind.PLUGIN, asked.id(), Duration.ofDays(1));

      assertThat(answer.outcome()).contains("deny");
      assertThat(answer.resolvedBy()).contains("a");
    }
  }

  @Test
  void aWaitThatRunsOutReturnsThePendingApprovalAndLeavesNothingBehind() {
    try (ApprovalFixture f = ApprovalFixture.open(dir)) {
      Approval asked = f.exec("ls", Optional.empty());

      Approval answer =
          f.service().awaitDecision(ApprovalKind.EXEC, asked.id(), Duration.ofMillis(20));

      assertThat(answer.pending()).isTrue();
      assertThat(answer.outcome()).isEmpty();
      assertThat(((StoredApprovalService) f.service()).waitingApprovals()).isZero();
    }
  }
}
