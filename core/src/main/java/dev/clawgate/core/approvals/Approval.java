package dev.clawgate.core.approvals;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * One approval request and, once it is final, how it ended.
 *
 * @param id the approval id (a UUID or the requester's own id for exec, {@code plugin:<uuid>})
 * @param kind exec or plugin
 * @param request the request as operators see it (a JSON object; treat it as read-only)
 * @param allowedDecisions what an operator may answer
 * @param createdAtMs when it was asked
 * @param expiresAtMs when it expires unless answered first
 * @param state pending, resolved or expired
 * @param decision the operator's (or rule's) decision, when resolved
 * @param resolvedBy who resolved it: a client name, {@code rule:<ruleId>}, or {@code gateway:ttl}
 *     for expiry
 * @param resolvedAtMs when it was resolved or expired
 * @param ruleId the allow rule that answered it, or that its {@code allow-always} created
 * @param requester who asked
 */
public record Approval(
    String id,
    ApprovalKind kind,
    JsonNode request,
    Set<Decision> allowedDecisions,
    long createdAtMs,
    long expiresAtMs,
    ApprovalState state,
    Optional<Decision> decision,
    Optional<String> resolvedBy,
    Optional<Long> resolvedAtMs,
    Optional<String> ruleId,
    Requester requester) {

  public Approval {
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(kind, "null kind");
    Objects.requireNonNull(request, "null request");
    allowedDecisions = Set.copyOf(allowedDecisions);
    Objects.requireNonNull(state, "null state");
    Objects.requireNonNull(decision, "null decision");
    Objects.requireNonNull(resolvedBy, "null resolvedBy");
    Objects.requireNonNull(resolvedAtMs, "null resolvedAtMs");
    Objects.requireNonNull(ruleId, "null ruleId");
    Objects.requireNonNull(requester, "null requester");
  }

  /** Whether it still waits for a decision (it may be due: see {@link #dueAt}). */
  public boolean pending() {
    return state == ApprovalState.PENDING;
  }

  /** Whether it is pending but its time has passed at {@code nowMs}, so it must expire. */
  public boolean dueAt(long nowMs) {
    return pending() && expiresAtMs <= nowMs;
  }

  /**
   * The final outcome on the wire: {@code allow-once}, {@code allow-always}, {@code deny} or {@code
   * expired}; empty while pending.
   */
  public Optional<String> outcome() {
    return switch (state) {
      case PENDING -> Optional.empty();
      case EXPIRED -> Optional.of(Decision.EXPIRED);
      case RESOLVED -> decision.map(Decision::wireName);
    };
  }

  /** The command of an exec request ({@code request.command}). */
  String command() {
    return request.path("command").asString("");
  }

  /** The agent of the request ({@code request.agentId}), when it names one. */
  Optional<String> agentId() {
    JsonNode agent = request.get("agentId");
    return agent != null && agent.isString() ? Optional.of(agent.stringValue()) : Optional.empty();
  }
}
