package dev.clawgate.core.approvals;

import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ApprovalService} on the state store. Every change is one write transaction on the store's
 * single writer; listeners and waiters are told after it committed, never from inside it.
 */
final class StoredApprovalService implements ApprovalService {
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);

  private final StateStore store;
  private final Clock clock;
  private final ApprovalListener listener;
  private final Waiters waiters = new Waiters();

  /**
   * Held by a request from before its insert until its {@code requested} announcement, and by every
   * {@code resolved} announcement: so no operator hears a request resolved before it heard it
   * asked, however fast the answer. The writer thread never takes it.
   */
  private final ReentrantLock announcing = new ReentrantLock();

  StoredApprovalService(StateStore store, Clock clock, ApprovalListener listener) {
    this.store = Objects.requireNonNull(store, "null store");
    this.clock = Objects.requireNonNull(clock, "null clock");
    this.listener = Objects.requireNonNull(listener, "null listener");
  }

  /** An approval after a write, and whether that write expired it (rather than resolving it). */
  private record Change(Approval approval, boolean expiredNow) {}

  @Override
  public Submitted requestExec(ExecRequest request) {
    Approval approval = NewApprovals.exec(request, clock.millis());
    String id = approval.id();
    return submit(() ->
        store.write(tx -> {
          if (ApprovalRepository.exists(tx, id)) {
            throw ApprovalErrors.idInUse(id);
          }
          ApprovalRepository.insertPending(tx, approval);
          Optional<AllowRule> rule = RuleRepository.matching(tx, request.ruleSpec());
          if (rule.isEmpty()) {
            return new Submitted(approval, Optional.empty());
          }
          // Answered by the rule in the same transaction: it is never pending to anyone.
          long now = approval.createdAtMs();
          String ruleId = rule.get().id();
          String by = RULE_PREFIX + ruleId;
          ApprovalRepository.resolve(tx, id, Decision.ALLOW_ALWAYS, by, now, Optional.of(ruleId));
          RuleRepository.markUsed(tx, ruleId, now);
          ApprovalAudit.answeredByRule(tx, now, approval, ruleId);
          return new Submitted(reread(tx, approval), RuleRepository.byId(tx, ruleId));
        }));
  }

  @Override
  public Submitted requestPlugin(PluginRequest request) {
    Approval approval = NewApprovals.plugin(request, clock.millis());
    return submit(() ->
        store.write(tx -> {
          ApprovalRepository.insertPending(tx, approval);
          return new Submitted(approval, Optional.empty());
        }));
  }

  @Override
  public Approval resolve(ApprovalKind kind, String id, Decision decision, Operator operator) {
    long now = clock.millis();
    Change change =
        store.write(tx -> {
          Approval found = find(tx, kind, id);
          switch (found.state()) {
            case RESOLVED -> throw ApprovalErrors.alreadyResolved(found);
            case EXPIRED -> throw ApprovalErrors.expired(found);
            case PENDING -> {}
          }
          if (found.dueAt(now)) {
            // Commit the expiry (announced below), then refuse: the request is over.
            return new Change(expireInTx(tx, found, now).orElse(found), true);
          }
          if (!found.allowedDecisions().contains(decision)) {
            throw ApprovalErrors.notAllowed(found, decision);
          }
          return new Change(decide(tx, found, decision, operator, now), false);
        });
    announceResolved(change.approval());
    if (change.expiredNow()) {
      throw ApprovalErrors.expired(change.approval());
    }
    return change.approval();
  }

  private static Approval decide(
      Tx tx, Approval found, Decision decision, Operator operator, long now) {
    Optional<String> ruleId = Optional.empty();
    if (found.kind() == ApprovalKind.EXEC && decision == Decision.ALLOW_ALWAYS) {
      RuleSpec spec = new RuleSpec(found.command(), found.agentId());
      Optional<AllowRule> added =
          RuleRepository.add(tx, spec, operator.name(), now, Optional.of(found.id()));
      added.ifPresent(
          rule -> ApprovalAudit.rule(tx, now, "approval.rule.add", operator, rule, "allow-always"));
      ruleId = added.or(() -> RuleRepository.matching(tx, spec)).map(AllowRule::id);
    }
    if (ApprovalRepository.resolve(tx, found.id(), decision, operator.name(), now, ruleId) != 1) {
      // Unreachable with one writer (the row was read pending in this transaction); the guard
      // keeps the promise even if that ever changes. Throwing rolls the rule back too.
      throw ApprovalErrors.alreadyResolved(reread(tx, found));
    }
    ApprovalAudit.resolved(tx, now, found, decision, operator);
    return reread(tx, found);
  }

  /** The approval {@code id} names: exact, else (exec) a unique prefix, pending ones first. */
  private static Approval find(Tx tx, ApprovalKind kind, String id) {
    Optional<Approval> exact = ApprovalRepository.byId(tx, kind, id);
    if (exact.isPresent()) {
      return exact.get();
    }
    if (kind != ApprovalKind.EXEC || id.length() < MIN_PREFIX) {
      throw ApprovalErrors.notFound(kind, id);
    }
    List<String> matches = ApprovalRepository.idsWithPrefix(tx, kind, id, true);
    if (matches.isEmpty()) {
      matches = ApprovalRepository.idsWithPrefix(tx, kind, id, false);
    }
    if (matches.size() > 1) {
      throw ApprovalErrors.ambiguous(kind, id, matches);
    }
    if (matches.isEmpty()) {
      throw ApprovalErrors.notFound(kind, id);
    }
    return ApprovalRepository.byId(tx, kind, matches.getFirst()).orElseThrow();
  }

  @Override
  public Approval awaitDecision(ApprovalKind kind, String id, Duration limit) {
    // Register before reading (see Waiters): a resolution after the read still reaches us.
    CompletableFuture<Approval> waiter = waiters.register(id);
    try {
      Approval current =
          store
              .read(tx -> ApprovalRepository.byId(tx, kind, id))
              .orElseThrow(() -> ApprovalErrors.notFound(kind, id));
      long now = clock.millis();
      if (!current.pending() || current.dueAt(now)) {
        return settle(current);
      }
      long waitMs =
          Math.min(Math.min(limit.toMillis(), MAX_WAIT.toMillis()), current.expiresAtMs() - now);
      try {
        return waitMs <= 0 ? current : waiter.get(waitMs, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return settle(store.read(tx -> reread(tx, current)));
      } catch (ExecutionException e) {
        throw new IllegalStateException("a waiter never fails", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ClawgateException.of(
                ErrorCode.UNAVAILABLE, DetailCode.SHUTTING_DOWN, "interrupted while waiting")
            .build();
      }
    } finally {
      waiters.deregister(id, waiter);
    }
  }

  @Override
  public Optional<Approval> approval(ApprovalKind kind, String id) {
    return store.read(tx -> ApprovalRepository.byId(tx, kind, id)).map(this::settle);
  }

  /** {@code seen} as it is now, expired first (and announced) when it is due. */
  private Approval settle(Approval seen) {
    long now = clock.millis();
    if (!seen.dueAt(now)) {
      return seen;
    }
    Change change =
        store.write(tx -> {
          Approval current = reread(tx, seen);
          return current.dueAt(now)
              ? new Change(expireInTx(tx, current, now).orElse(current), true)
              : new Change(current, false);
        });
    if (change.expiredNow()) {
      announceResolved(change.approval());
    }
    return change.approval();
  }

  @Override
  public List<Approval> pending(ApprovalKind kind) {
    long now = clock.millis();
    if (store.read(tx -> ApprovalRepository.dueCount(tx, now)) > 0) {
      store.write(tx -> expireDue(tx, now)).forEach(this::announceResolved);
    }
    return store.read(tx -> ApprovalRepository.pending(tx, kind)).stream()
        .filter(a -> !a.dueAt(now))
        .toList();
  }

  @Override
  public List<Approval> finished(ApprovalKind kind, int limit) {
    return store.read(tx -> ApprovalRepository.finished(tx, kind, Math.max(1, limit)));
  }

  @Override
  public SweepResult sweep() {
    long now = clock.millis();
    long cutoff = now - RESOLVED_RETENTION.toMillis();
    // Usually nothing is due: one indexed read, and the writer is left alone.
    boolean work =
        store.read(tx ->
            ApprovalRepository.dueCount(tx, now) > 0
                || ApprovalRepository.prunableCount(tx, cutoff) > 0);
    if (!work) {
      return new SweepResult(List.of(), 0);
    }
    SweepResult result =
        store.write(tx ->
            new SweepResult(expireDue(tx, now), ApprovalRepository.pruneFinished(tx, cutoff)));
    result.expired().forEach(this::announceResolved);
    return result;
  }

  private static List<Approval> expireDue(Tx tx, long now) {
    List<Approval> expired = new ArrayList<>();
    for (Approval due : ApprovalRepository.due(tx, now)) {
      expireInTx(tx, due, now).ifPresent(expired::add);
    }
    return expired;
  }

  /** Expires {@code approval} if it is still pending and due; returns it expired, if it was. */
  private static Optional<Approval> expireInTx(Tx tx, Approval approval, long now) {
    if (ApprovalRepository.expire(tx, approval.id(), EXPIRED_BY, now) != 1) {
      return Optional.empty();
    }
    ApprovalAudit.expired(tx, now, approval);
    return Optional.of(reread(tx, approval));
  }

  @Override
  public List<AllowRule> rules() {
    return store.read(RuleRepository::all);
  }

  @Override
  public RuleChange replaceRules(List<RuleSpec> specs, Operator operator) {
    long now = clock.millis();
    return store.write(tx -> AllowRules.replace(tx, specs, operator, now));
  }

  @Override
  public RuleChange changeRules(List<RuleSpec> add, List<String> remove, Operator operator) {
    long now = clock.millis();
    return store.write(tx -> AllowRules.change(tx, add, remove, operator, now));
  }

  /** Stores a request with {@code write} and announces it, holding {@link #announcing}. */
  private Submitted submit(Supplier<Submitted> write) {
    announcing.lock();
    try {
      Submitted submitted = write.get();
      if (submitted.rule().isPresent()) {
        announceResolved(submitted.approval());
      } else {
        try {
          listener.requested(submitted.approval());
        } catch (RuntimeException e) {
          LOG.warn("approval listener failed on {}: {}", submitted.approval().id(), e.toString());
        }
      }
      return submitted;
    } finally {
      announcing.unlock();
    }
  }

  /** Tells waiters and the listener that {@code approval} is final; it committed already. */
  private void announceResolved(Approval approval) {
    waiters.complete(approval);
    announcing.lock();
    try {
      listener.resolved(approval);
    } catch (RuntimeException e) {
      LOG.warn("approval listener failed on {}: {}", approval.id(), e.toString());
    } finally {
      announcing.unlock();
    }
  }

  /** How many approvals have waiters now (for tests: nothing may be left behind). */
  int waitingApprovals() {
    return waiters.size();
  }

  private static Approval reread(Tx tx, Approval approval) {
    return ApprovalRepository.byId(tx, approval.kind(), approval.id()).orElseThrow();
  }
}
