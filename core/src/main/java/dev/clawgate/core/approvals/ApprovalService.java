package dev.clawgate.core.approvals;

import dev.clawgate.core.store.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Exec and plugin approvals (spec/conversations.md, "Approvals") over the state store: the gateway
 * methods and the CLI act through this one implementation of every rule.
 *
 * <p>The promise it keeps: an approval is final exactly once. A pending request ends either by one
 * operator's decision, by an allow rule at the moment it is asked, or by expiry, each a conditional
 * update in one write transaction; whoever comes second is told who came first. A request that is
 * due but not yet swept is expired (and announced) by whichever read or resolve meets it first.
 * Listeners and waiters hear of a change only after it committed.
 */
public interface ApprovalService {
  /** How long an exec request waits when it does not say (as the reference: 30 minutes). */
  Duration EXEC_DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /** The longest an exec request may wait; longer timeouts are clamped to this. */
  Duration EXEC_MAX_TIMEOUT = Duration.ofHours(24);

  /** How long a plugin request waits when it does not say (as the reference: 2 minutes). */
  Duration PLUGIN_DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /** The longest a plugin request may wait; longer timeouts are clamped to this. */
  Duration PLUGIN_MAX_TIMEOUT = Duration.ofMinutes(10);

  /** The longest one {@link #awaitDecision} blocks; the requester may simply ask again. */
  Duration MAX_WAIT = Duration.ofMinutes(30);

  /** Resolved and expired approvals are kept this long (for waitDecision after the fact). */
  Duration RESOLVED_RETENTION = Duration.ofHours(24);

  /** The fewest characters of an exec id that {@link #resolve} accepts as a prefix. */
  int MIN_PREFIX = 4;

  /** {@code resolvedBy} of an approval that expired. */
  String EXPIRED_BY = "gateway:ttl";

  /** The {@code resolvedBy} prefix of an approval an allow rule answered: {@code rule:<ruleId>}. */
  String RULE_PREFIX = "rule:";

  /** The longest id a requester may choose (printable ASCII, no spaces). */
  int ID_MAX = 128;

  /** An approval service over {@code store}, telling {@code listener} after every commit. */
  static ApprovalService create(StateStore store, Clock clock, ApprovalListener listener) {
    return new StoredApprovalService(store, clock, listener);
  }

  /**
   * A new request, and the allow rule that answered it at once, if one did (then it is already
   * resolved as {@code allow-always} and nobody is asked).
   *
   * @param approval the request as stored
   * @param rule the rule that answered it
   */
  record Submitted(Approval approval, Optional<AllowRule> rule) {}

  /**
   * Stores an exec request, or answers it at once when an allow rule matches its command and agent.
   *
   * @throws dev.clawgate.protocol.ClawgateException {@code APPROVAL_ID_IN_USE} when its own id is
   *     taken; {@code INVALID_PARAMS} for an id that is not printable ASCII or starts with {@code
   *     plugin:}
   */
  Submitted requestExec(ExecRequest request);

  /** Stores a plugin request under a new {@code plugin:<uuid>} id. */
  Submitted requestPlugin(PluginRequest request);

  /**
   * Resolves a pending approval. An exec id may be given as a unique prefix of at least {@link
   * #MIN_PREFIX} characters (pending approvals are matched first, then recent finished ones).
   * {@code allow-always} on exec also records an allow rule for its command and agent, in the same
   * transaction.
   *
   * @return the resolved approval
   * @throws dev.clawgate.protocol.ClawgateException {@code APPROVAL_NOT_FOUND}, {@code
   *     APPROVAL_ID_AMBIGUOUS}, {@code APPROVAL_ALREADY_RESOLVED} (saying by whom, with what),
   *     {@code APPROVAL_EXPIRED}, {@code APPROVAL_DECISION_NOT_ALLOWED}; nothing changed, except
   *     that a due request was expired
   */
  Approval resolve(ApprovalKind kind, String id, Decision decision, Operator operator);

  /**
   * Waits until the approval {@code id} (exact) is final, for at most {@code limit}, {@link
   * #MAX_WAIT} and its remaining lifetime. Returns at once when it is final already.
   *
   * @return the approval: final, or still pending when the limit passed first
   * @throws dev.clawgate.protocol.ClawgateException {@code APPROVAL_NOT_FOUND}
   */
  Approval awaitDecision(ApprovalKind kind, String id, Duration limit);

  /** The approval {@code id} (exact), in any state, expiring it first when it is due. */
  Optional<Approval> approval(ApprovalKind kind, String id);

  /** Pending approvals of {@code kind}, oldest first (due ones are expired first). */
  List<Approval> pending(ApprovalKind kind);

  /** Resolved and expired approvals of {@code kind}, most recent first, at most {@code limit}. */
  List<Approval> finished(ApprovalKind kind, int limit);

  /** The exec allow rules, oldest first. */
  List<AllowRule> rules();

  /**
   * What a change of the allow rules did.
   *
   * @param rules every rule after the change
   * @param added rules created
   * @param removed rules deleted
   */
  record RuleChange(List<AllowRule> rules, List<AllowRule> added, List<AllowRule> removed) {}

  /**
   * Makes the allow rules exactly {@code specs}: rules already there stay (with their ids and
   * counts), the others are removed, missing ones are added. One transaction, audited per rule.
   */
  RuleChange replaceRules(List<RuleSpec> specs, Operator operator);

  /**
   * Adds {@code add} (a spec that already has a rule is left alone) and removes the rules {@code
   * remove}, in one transaction.
   *
   * @throws dev.clawgate.protocol.ClawgateException {@code INVALID_PARAMS} naming {@code
   *     params.remove[i]} for an id that is no rule; nothing changed
   */
  RuleChange changeRules(List<RuleSpec> add, List<String> remove, Operator operator);

  /**
   * What a sweep did.
   *
   * @param expired approvals that expired now
   * @param pruned finished approvals deleted after {@link #RESOLVED_RETENTION}
   */
  record SweepResult(List<Approval> expired, int pruned) {}

  /** Expires due approvals (each once) and prunes old finished ones. Run periodically. */
  SweepResult sweep();
}
