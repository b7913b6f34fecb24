package dev.clawgate.core.approvals;

import java.util.Objects;
import java.util.Optional;

/**
 * A persistent exec allow rule: a request with exactly this command string and this agent is
 * allowed ({@code allow-always}) without asking. An absent agent matches only requests without one.
 *
 * @param id the rule id
 * @param command the command string, compared exactly
 * @param agentId the agent, or none
 * @param createdBy who made it (the operator's name)
 * @param createdAtMs when
 * @param sourceApprovalId the approval whose {@code allow-always} made it, if any
 * @param lastUsedAtMs when it last answered a request
 * @param useCount how many requests it answered
 */
public record AllowRule(
    String id,
    String command,
    Optional<String> agentId,
    String createdBy,
    long createdAtMs,
    Optional<String> sourceApprovalId,
    Optional<Long> lastUsedAtMs,
    long useCount) {
  public AllowRule {
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(command, "null command");
    Objects.requireNonNull(agentId, "null agentId");
    Objects.requireNonNull(createdBy, "null createdBy");
    Objects.requireNonNull(sourceApprovalId, "null sourceApprovalId");
    Objects.requireNonNull(lastUsedAtMs, "null lastUsedAtMs");
  }

  /** What the rule matches. */
  public RuleSpec spec() {
    return new RuleSpec(command, agentId);
  }
}
