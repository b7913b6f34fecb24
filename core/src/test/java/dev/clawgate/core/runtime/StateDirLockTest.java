package dev.clawgate.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.runtime.StateDirLock.Holder;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state dir lock: one holder at a time, whether the other one is in this process or another;
 * released by {@code close()} and by the holder's death, even {@code kill -9}; and never released
 * behind its holder's back by what the same process asks about it.
 */
class StateDirLockTest {
  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dir;

  private Path stateDir() {
    return dir.resolve("state");
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void aFreshStateDirIsCreatedPrivatelyAndLocked() throws IOException {
    Path nested = stateDir().resolve("nested");
    try (StateDirLock lock = StateDirLock.tryAcquire(nested, Holder.GATEWAY).orElseThrow()) {
      assertThat(permissions(nested)).isEqualTo("rwx------");
      assertThat(permissions(nested.resolve(StateDirLock.FILE_NAME))).isEqualTo("rw-------");
      assertThat(StateDirLock.holderText(nested)).contains("gateway " + PID);
    }
  }

  @Test
  void aSecondHolderInThisProcessGetsNothingUntilTheFirstCloses() {
    StateDirLock first = StateDirLock.tryAcquire(stateDir(), Holder.GATEWAY).orElseThrow();

    assertThat(StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND)).isEmpty();
    assertThat(StateDirLock.tryAcquire(stateDir(), Holder.GATEWAY)).isEmpty();

    first.close();
    first.close(); // idempotent
    try (StateDirLock second =
        StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND).orElseThrow()) {
      assertThat(StateDirLock.holderText(stateDir())).contains("owner-command " + PID);
    }
  }

  @Test
  void theLockFileNamesItsLatestHolderAndOnlyThat() {
    assertThat(StateDirLock.holderText(stateDir())).isEmpty();
    StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND).orElseThrow().close();
    try (StateDirLock lock = StateDirLock.tryAcquire(stateDir(), Holder.GATEWAY).orElseThrow()) {
      assertThat(StateDirLock.holderText(stateDir())).contains("gateway " + PID);
    }
  }

  @Test
  void threadsRacingForTheLockGetItOnceAtATime() throws Exception {
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Optional<StateDirLock>>> attempts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        attempts.add(
            pool.submit(() -> {
              start.await();
              return StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND);
            }));
      }
      start.countDown();
      List<StateDirLock> winners = new ArrayList<>();
      for (Future<Optional<StateDirLock>> attempt : attempts) {
        attempt.get().ifPresent(winners::add);
      }

      assertThat(winners).hasSize(1);
      assertThat(LockHolderProcess.freeForAnotherProcess(stateDir())).isFalse();
      winners.getFirst().close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void acquireWaitsForAHolderThatReleases() throws Exception {
    StateDirLock held = StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND).orElseThrow();
    Thread releaser =
        Thread.ofPlatform()
            .start(() -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              held.close();
            });

    try (StateDirLock lock =
        StateDirLock.acquire(stateDir(), Holder.GATEWAY, Duration.ofMinutes(5))) {
      assertThat(StateDirLock.holderText(stateDir())).contains("gateway " + PID);
    } finally {
      releaser.join();
    }
  }

  @Test
  void acquireGivesUpWhenTheLockStaysHeld() {
    try (StateDirLock held =
        StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND).orElseThrow()) {
      ClawgateException e =
          catchThrowableOfType(
              ClawgateException.class,
              () -> StateDirLock.acquire(stateDir(), Holder.GATEWAY, Duration.ofMillis(200)));

      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(e.detail()).isEqualTo(DetailCode.STORE_UNAVAILABLE);
      assertThat(e.details()).containsEntry("reason", "state-dir-in-use");
      assertThat(e.getMessage())
          .contains("another clawgate process (owner-command " + PID + ")")
          .contains(stateDir().toString())
          .contains("try again");
    }
  }

  @Test
  @Timeout(120) // only a guard against waiting out the day of patience
  void acquireGivesUpAtOnceWhenARunningGatewayHoldsTheDir() throws IOException {
    try (StateDirLock held = StateDirLock.tryAcquire(stateDir(), Holder.GATEWAY).orElseThrow()) {
      new GatewayRuntime(PID, "ws://127.0.0.1:18789", 18789, System.currentTimeMillis(), "test")
          .write(stateDir());

      ClawgateException e =
          catchThrowableOfType(
              ClawgateException.class,
              () -> StateDirLock.acquire(stateDir(), Holder.OWNER_COMMAND, Duration.ofDays(1)));

      assertThat(e.detail()).isEqualTo(DetailCode.STORE_UNAVAILABLE);
      assertThat(e.details()).containsEntry("reason", "state-dir-in-use");
      assertThat(e.getMessage())
          .contains("a gateway (pid " + PID + ", ws://127.0.0.1:18789)")
          .contains("clawgate gateway stop");
    }
  }

  @Test
  void aLockHeldByAnotherProcessIsFreeAgainOnceItIsKilled() throws Exception {
    try (LockHolderProcess other = LockHolderProcess.start(stateDir(), Holder.GATEWAY)) {
      assertThat(other.holds()).isTrue();
      assertThat(StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND)).isEmpty();
      assertThat(StateDirLock.holderText(stateDir())).contains("gateway " + other.pid());
      ClawgateException e =
          catchThrowableOfType(
              ClawgateException.class,
              () -> StateDirLock.acquire(stateDir(), Holder.OWNER_COMMAND, Duration.ofMillis(100)));
      assertThat(e.details()).containsEntry("reason", "state-dir-in-use");
      assertThat(e.getMessage()).contains("gateway " + other.pid());

      other.kill();

      try (StateDirLock lock =
          StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND).orElseThrow()) {
        assertThat(StateDirLock.holderText(stateDir())).contains("owner-command " + PID);
      }
    }
  }

  @Test
  void aLockReleasedByAnotherProcessIsFreeAgain() throws Exception {
    try (LockHolderProcess other = LockHolderProcess.start(stateDir(), Holder.OWNER_COMMAND)) {
      assertThat(other.holds()).isTrue();
      assertThat(StateDirLock.tryAcquire(stateDir(), Holder.GATEWAY)).isEmpty();

      other.release();

      StateDirLock.tryAcquire(stateDir(), Holder.GATEWAY).orElseThrow().close();
    }
  }

  @Test
  void aLockHeldHereStaysHeldForOtherProcessesWhateverThisProcessAsks() throws Exception {
    try (StateDirLock held = StateDirLock.tryAcquire(stateDir(), Holder.GATEWAY).orElseThrow()) {
      assertThat(LockHolderProcess.freeForAnotherProcess(stateDir())).isFalse();

      assertThat(StateDirLock.tryAcquire(stateDir(), Holder.OWNER_COMMAND)).isEmpty();
      assertThat(StateDirLock.holderText(stateDir())).contains("gateway " + PID);
      assertThat(
              catchThrowableOfType(
                  ClawgateException.class,
                  () ->
                      StateDirLock.acquire(
                          stateDir(), Holder.OWNER_COMMAND, Duration.ofMillis(100))))
          .isNotNull();

      assertThat(LockHolderProcess.freeForAnotherProcess(stateDir()))
          .as("the lock is still held for other processes")
          .isFalse();
    }
    assertThat(LockHolderProcess.freeForAnotherProcess(stateDir())).isTrue();
  }
}
