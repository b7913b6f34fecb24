package dev.clawgate.core.approvals;

import java.util.Objects;
import java.util.Optional;

/**
 * What an allow rule matches: a command string (exactly) and an agent (absent matches absent).
 *
 * @param command a non-blank command string
 * @param agentId a non-blank agent id, or none
 */
public record RuleSpec(String command, Optional<String> agentId) {
  public RuleSpec {
    Objects.requireNonNull(command, "null command");
    Objects.requireNonNull(agentId, "null agentId");
    if (command.isBlank()) {
      throw new IllegalArgumentException("blank command");
    }
    if (agentId.isPresent() && agentId.get().isBlank()) {
      throw new IllegalArgumentException("blank agentId");
    }
  }
}
