package dev.clawgate.core.approvals;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * An agent's or node's request to run a command.
 *
 * @param id the requester's own id for it; the service makes a UUID when absent
 * @param command the command string (what allow rules match)
 * @param agentId the agent asking (what allow rules match)
 * @param details the rest of the request operators see ({@code commandArgv}, {@code cwd}, ...);
 *     {@code command} and {@code agentId} in it are replaced by the fields above
 * @param timeout how long it waits for a decision (default 30 minutes, at most 24 hours)
 * @param requester who asked
 */
public record ExecRequest(
    Optional<String> id,
    String command,
    Optional<String> agentId,
    ObjectNode details,
    Optional<Duration> timeout,
    Requester requester) {
  public ExecRequest {
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(command, "null command");
    Objects.requireNonNull(agentId, "null agentId");
    details = details.deepCopy();
    Objects.requireNonNull(timeout, "null timeout");
    Objects.requireNonNull(requester, "null requester");
    if (command.isBlank()) {
      throw new IllegalArgumentException("blank command");
    }
    if (agentId.isPresent() && agentId.get().isBlank()) {
      throw new IllegalArgumentException("blank agentId");
    }
  }

  /** What an allow rule must match to answer this request. */
  public RuleSpec ruleSpec() {
    return new RuleSpec(command, agentId);
  }
}
