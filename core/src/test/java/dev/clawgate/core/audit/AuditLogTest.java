package dev.clawgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.clawgate.core.store.StateStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log lives and dies with the transaction of the change it describes. */
class AuditLogTest {
  @TempDir Path dir;

  private static AuditEntry entry(long atMs, String action, String deviceId) {
    return new AuditEntry(
        0,
        atMs,
        action,
        "owner:local",
        "ok",
        Optional.of(deviceId),
        Optional.empty(),
        Optional.of("operator"),
        Optional.of("127.0.0.1"),
        Map.of("scopesAfter", List.of("operator.read")));
  }

  @Test
  void entriesAreListedNewestFirstWithTheirDetail() {
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      store.execute(tx -> {
        AuditLog.append(tx, entry(1, "pairing.approve", "a"));
        AuditLog.append(tx, entry(2, "token.rotate", "a"));
        AuditLog.append(tx, entry(3, "pairing.approve", "b"));
      });

      List<AuditEntry> approvals =
          AuditLog.list(
              store,
              new AuditLog.Filter(Optional.empty(), Optional.of("pairing."), Optional.empty(), 10));
      List<AuditEntry> ofA =
          AuditLog.list(
              store, new AuditLog.Filter(Optional.of("a"), Optional.empty(), Optional.of(2L), 10));

      assertThat(approvals).extracting(AuditEntry::atMs).containsExactly(3L, 1L);
      assertThat(approvals.getFirst().detail())
          .containsEntry("scopesAfter", List.of("operator.read"));
      assertThat(ofA).extracting(AuditEntry::action).containsExactly("token.rotate");
    }
  }

  @Test
  void anEntryRollsBackWithItsTransaction() {
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      Throwable failure =
          catchThrowable(() ->
              store.execute(tx -> {
                AuditLog.append(tx, entry(1, "pairing.approve", "a"));
                throw new IllegalStateException("the change failed");
              }));

      assertThat(failure).isNotNull();
      assertThat(AuditLog.list(store, AuditLog.Filter.latest(10))).isEmpty();
    }
  }

  @Test
  void pruneDropsEntriesPastTheRetention() {
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      long now = AuditLog.RETENTION.toMillis() + 1_000;
      store.execute(tx -> {
        AuditLog.append(tx, entry(500, "old", "a"));
        AuditLog.append(tx, entry(now, "new", "a"));
      });

      int pruned = store.write(tx -> AuditLog.prune(tx, now));

      assertThat(pruned).isEqualTo(1);
      assertThat(AuditLog.list(store, AuditLog.Filter.latest(10)))
          .extracting(AuditEntry::action)
          .containsExactly("new");
    }
  }
}
