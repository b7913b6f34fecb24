package dev.clawgate.core.approvals;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requesters waiting for approvals to be final, in memory. The service completes them after the
 * resolving transaction committed.
 *
 * <p>A waiter registers <em>before</em> it reads the approval, so a resolution committed between
 * its read and its wait still reaches it: either the read sees the final state, or the completion
 * finds the registered future. Each waiter has its own future and removes it when done, so nothing
 * is left behind by a waiter that gave up.
 */
final class Waiters {
  // A set is only touched inside compute/computeIfPresent/remove of its key, which are atomic.
  private final ConcurrentHashMap<String, Set<CompletableFuture<Approval>>> byId =
      new ConcurrentHashMap<>();

  CompletableFuture<Approval> register(String id) {
    CompletableFuture<Approval> waiter = new CompletableFuture<>();
    byId.compute(
        id,
        (key, waiters) -> {
          Set<CompletableFuture<Approval>> set = waiters == null ? new HashSet<>() : waiters;
          set.add(waiter);
          return set;
        });
    return waiter;
  }

  void deregister(String id, CompletableFuture<Approval> waiter) {
    byId.computeIfPresent(
        id,
        (key, waiters) -> {
          waiters.remove(waiter);
          return waiters.isEmpty() ? null : waiters;
        });
  }

  /** Completes every waiter of {@code approval}, which is final. */
  void complete(Approval approval) {
    Set<CompletableFuture<Approval>> waiters = byId.remove(approval.id());
    if (waiters != null) {
      waiters.forEach(w -> w.complete(approval));
    }
  }

  /** How many approvals have waiters (for tests: nothing may be left behind). */
  int size() {
    return byId.size();
  }
}
