package dev.clawgate.core.approvals;

import static dev.clawgate.core.approvals.ApprovalFixture.operator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operators answering the same request at the same moment: exactly one wins, every time. */
class ApprovalConcurrencyTest {
  private static final int OPERATORS = 8;
  private static final int ROUNDS = 40;
  private static final Decision[] DECISIONS = Decision.values();

  @TempDir Path dir;

  @Test
  void concurrentResolutionsOfOneRequestHaveExactlyOneWinner() throws Exception {
    try (ApprovalFixture f = ApprovalFixture.open(dir);
        ExecutorService threads = Executors.newFixedThreadPool(OPERATORS)) {
      for (int round = 0; round < ROUNDS; round++) {
        Approval asked = f.exec("job-" + round, Optional.of("agent-" + round));
        // Half the rounds name it by a prefix, so lookup and resolution race too.
        String named = round % 2 == 0 ? asked.id() : asked.id().substring(0, 8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Approval>>> results = new ArrayList<>();
        for (int i = 0; i < OPERATORS; i++) {
          Decision decision = DECISIONS[i % DECISIONS.length];
          Operator operator = operator("op-" + i);
          results.add(
              threads.submit(() -> {
                start.await();
                try {
                  return Optional.of(
                      f.service().resolve(ApprovalKind.EXEC, named, decision, operator));
                } catch (ClawgateException e) {
                  assertThat(e.detail()).isEqualTo(DetailCode.APPROVAL_ALREADY_RESOLVED);
                  return Optional.<Approval>empty();
                }
              }));
        }
        start.countDown();

        List<Approval> winners = new ArrayList<>();
        for (Future<Optional<Approval>> result : results) {
          result.get().ifPresent(winners::add);
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        Approval won = winners.getFirst();
        Approval stored = f.service().approval(ApprovalKind.EXEC, asked.id()).orElseThrow();
        assertThat(stored).isEqualTo(won);
        assertThat(f.events.resolvedOf(asked.id())).containsExactly(won);
        assertThat(
                f.audit("approval.resolve").stream()
                    .filter(e -> e.requestId().equals(Optional.of(asked.id()))))
            .hasSize(1);
        long rules =
            f.service().rules().stream()
                .filter(r -> r.sourceApprovalId().equals(Optional.of(asked.id())))
                .count();
        assertThat(rules).isEqualTo(won.outcome().orElseThrow().equals("allow-always") ? 1 : 0);
      }
    }
  }

  @Test
  void anAnswerAtTheMomentOfExpiryEitherWinsOrFindsItExpiredNeverBoth() throws Exception {
    try (ApprovalFixture f = ApprovalFixture.open(dir);
        ExecutorService threads = Executors.newFixedThreadPool(3)) {
      for (int round = 0; round < ROUNDS; round++) {
        Approval asked =
            f.submitExec(
                    Optional.empty(), "ls", Optional.empty(), Optional.of(Duration.ofSeconds(5)))
                .approval();
        f.clock.advance(Duration.ofSeconds(5));
        CountDownLatch start = new CountDownLatch(1);
        Future<?> sweep =
            threads.submit(() -> {
              start.await();
              return f.service().sweep();
            });
        Future<DetailCode> answer =
            threads.submit(() -> {
              start.await();
              try {
                f.service().resolve(ApprovalKind.EXEC, asked.id(), Decision.DENY, operator("a"));
                return DetailCode.INTERNAL_ERROR;
              } catch (ClawgateException e) {
                return e.detail();
              }
            });
        Future<Approval> waiter =
            threads.submit(() -> {
              start.await();
              return f.service()
                  .awaitDecision(ApprovalKind.EXEC, asked.id(), Duration.ofSeconds(5));
            });
        start.countDown();
        sweep.get();

        // Due means over: the answer is refused, whoever expired it.
        assertThat(answer.get()).isEqualTo(DetailCode.APPROVAL_EXPIRED);
        assertThat(waiter.get().outcome()).contains("expired");
        assertThat(f.events.resolvedOf(asked.id())).hasSize(1);
      }
      await().until(() -> ((StoredApprovalService) f.service()).waitingApprovals() == 0);
    }
  }
}
