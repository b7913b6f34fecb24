package dev.clawgate.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state database: migrations, reopening, refusing a newer schema, private files. */
class StateStoreTest {
  @TempDir Path dir;

  private static long userVersion(StateStore store) {
    return count(store, "PRAGMA user_version");
  }

  private static long count(StateStore store, String sql) {
    return store.read(tx -> tx.scalar(sql));
  }

  @Test
  void migrationsSetUserVersionToTheLatestSchema() {
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      assertThat(userVersion(store)).isEqualTo(Migrations.latest()).isPositive();
      List<String> tables =
          store.read(tx ->
              tx.list(
                  "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                  rs -> rs.getString(1)));
      assertThat(tables)
          .contains(
              "audit_log",
              "device_roles",
              "device_tokens",
              "devices",
              "pairing_request_revisions",
              "pairing_requests");
      java.util.Optional<String> journal =
          store.read(tx -> tx.first("PRAGMA journal_mode", rs -> rs.getString(1)));
      assertThat(journal).contains("wal");
    }
  }

  @Test
  void reopeningIsIdempotentAndKeepsTheData() {
    Path file = dir.resolve("state.db");
    try (StateStore store = StateStore.open(file)) {
      store.execute(tx ->
          tx.update(
              "INSERT INTO audit_log (at_ms, action, actor, outcome) VALUES (1, 'x', 'y', 'ok')"));
    }
    for (int i = 0; i < 3; i++) {
      try (StateStore store = StateStore.open(file)) {
        assertThat(userVersion(store)).isEqualTo(Migrations.latest());
        assertThat(count(store, "SELECT COUNT(*) FROM audit_log")).isEqualTo(1);
      }
    }
  }

  @Test
  void databaseFromANewerClawgateIsRefusedClearly() throws Exception {
    Path file = dir.resolve("state.db");
    StateStore.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (Migrations.latest() + 1));
    }

    ClawgateException error =
        catchThrowableOfType(ClawgateException.class, () -> StateStore.open(file));

    assertThat(error).isNotNull();
    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(error.detail()).isEqualTo(DetailCode.STORE_UNAVAILABLE);
    assertThat(error.getMessage())
        .contains("schema version " + (Migrations.latest() + 1))
        .contains("upgrade clawgate");
    // Nothing was changed, and a failed open leaves the file usable by a newer clawgate.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        var rs = s.executeQuery("PRAGMA user_version")) {
      assertThat(rs.getInt(1)).isEqualTo(Migrations.latest() + 1);
    }
  }

  @Test
  void databaseFilesArePrivateToTheOwner() throws Exception {
    Path file = dir.resolve("nested").resolve("state.db");
    try (StateStore store = StateStore.open(file)) {
      store.execute(tx ->
          tx.update(
              "INSERT INTO audit_log (at_ms, action, actor, outcome) VALUES (1, 'x', 'y', 'ok')"));
      Set<PosixFilePermission> privateFile = PosixFilePermissions.fromString("rw-------");
      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(privateFile);
      for (String suffix : List.of("-wal", "-shm")) {
        Path sidecar = file.resolveSibling(file.getFileName() + suffix);
        // They exist while the store is open (WAL mode) and hold the same data as the file.
        assertThat(sidecar).exists();
        assertThat(Files.getPosixFilePermissions(sidecar)).as(suffix).isEqualTo(privateFile);
      }
      assertThat(Files.getPosixFilePermissions(file.getParent()))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aFailedWriteRollsBackEverything() {
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      ClawgateException error =
          catchThrowableOfType(
              ClawgateException.class,
              () ->
                  store.execute(tx -> {
                    tx.update(
                        "INSERT INTO audit_log (at_ms, action, actor, outcome)"
                            + " VALUES (1, 'x', 'y', 'ok')");
                    tx.update("INSERT INTO no_such_table VALUES (1)");
                  }));

      assertThat(error).isNotNull();
      assertThat(error.detail()).isEqualTo(DetailCode.STORE_UNAVAILABLE);
      assertThat(count(store, "SELECT COUNT(*) FROM audit_log")).isZero();
    }
  }

  @Test
  void aClosedStoreRefusesWork() {
    StateStore store = StateStore.open(dir.resolve("state.db"));
    store.close();
    store.close();

    ClawgateException error =
        catchThrowableOfType(
            ClawgateException.class, () -> store.read(tx -> tx.scalar("SELECT 1")));

    assertThat(error).isNotNull();
    assertThat(error.detail()).isEqualTo(DetailCode.STORE_UNAVAILABLE);
  }

  @Test
  void anInterruptedWriterGetsTheTruth() throws Exception {
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      CountDownLatch firstRunning = new CountDownLatch(1);
      CountDownLatch releaseFirst = new CountDownLatch(1);
      AtomicReference<Object> firstOutcome = new AtomicReference<>();
      AtomicReference<Object> secondOutcome = new AtomicReference<>();
      AtomicReference<Boolean> firstStillInterrupted = new AtomicReference<>();
      String insert =
          "INSERT INTO audit_log (at_ms, action, actor, outcome) VALUES (?, 'x', 'y', 'ok')";

      // The first write is running when its caller is interrupted: the caller waits for the
      // commit and gets the result, with its interrupt flag kept.
      Thread first =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  firstOutcome.set(
                      store.write(tx -> {
                        firstRunning.countDown();
                        awaitQuietly(releaseFirst);
                        return tx.update(insert, 1L);
                      }));
                } catch (RuntimeException e) {
                  firstOutcome.set(e);
                }
                firstStillInterrupted.set(Thread.currentThread().isInterrupted());
              });
      firstRunning.await();
      // The second is queued behind it when its caller is interrupted: it never runs.
      Thread second =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  secondOutcome.set(store.write(tx -> tx.update(insert, 2L)));
                } catch (RuntimeException e) {
                  secondOutcome.set(e);
                }
              });
      await().until(() -> second.getState() == Thread.State.WAITING);
      second.interrupt();
      second.join();
      first.interrupt();
      await().until(() -> first.getState() == Thread.State.WAITING);
      releaseFirst.countDown();
      first.join();

      assertThat(firstOutcome.get()).isEqualTo(1);
      assertThat(firstStillInterrupted.get()).isTrue();
      assertThat(secondOutcome.get())
          .isInstanceOfSatisfying(
              ClawgateException.class,
              e -> assertThat(e.getMessage()).contains("nothing was changed"));
      List<Long> written =
          store.read(tx -> tx.list("SELECT at_ms FROM audit_log", rs -> rs.getLong(1)));
      assertThat(written).containsExactly(1L);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException("the writer thread is never interrupted", e);
    }
  }

  @Test
  void concurrentWritesCommitTogetherAndAFailingOneIsUndoneAlone() throws Exception {
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      store.execute(tx -> tx.update("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
      int writers = 64;
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<Thread> threads = new java.util.ArrayList<>();
      java.util.Set<Integer> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
      for (int i = 0; i < writers; i++) {
        int id = i;
        threads.add(
            Thread.ofVirtual()
                .start(() -> {
                  try {
                    start.await();
                    store.execute(tx -> {
                      tx.update("INSERT INTO t (id) VALUES (?)", id);
                      if (id % 4 == 0) {
                        throw new IllegalStateException("write " + id + " fails");
                      }
                    });
                  } catch (IllegalStateException | ClawgateException e) {
                    failed.add(id);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
      }
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }

      assertThat(failed).hasSize(writers / 4).allMatch(id -> id % 4 == 0);
      assertThat(store.<List<Long>>read(tx -> tx.list("SELECT id FROM t", rs -> rs.getLong(1))))
          .hasSize(writers - writers / 4)
          .noneMatch(id -> id % 4 == 0);
    }
  }
}
