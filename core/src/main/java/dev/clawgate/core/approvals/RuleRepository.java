package dev.clawgate.core.approvals;

import dev.clawgate.core.store.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for exec allow rules. No rules (of the other kind) live here. */
final class RuleRepository {
  private RuleRepository() {}

  static List<AllowRule> all(Tx tx) {
    return tx.list(
        "SELECT * FROM exec_allow_rules ORDER BY created_at_ms, rowid", RuleRepository::map);
  }

  static Optional<AllowRule> byId(Tx tx, String id) {
    return tx.first("SELECT * FROM exec_allow_rules WHERE id = ?", RuleRepository::map, id);
  }

  /** The rule for exactly this command and agent (absent matches only absent). */
  static Optional<AllowRule> matching(Tx tx, RuleSpec spec) {
    return tx.first(
        "SELECT * FROM exec_allow_rules WHERE command = ? AND ifnull(agent_id, '') = ?",
        RuleRepository::map,
        spec.command(),
        spec.agentId().orElse(""));
  }

  /** Adds a rule for {@code spec}; returns it, or empty when one already exists. */
  static Optional<AllowRule> add(
      Tx tx, RuleSpec spec, String createdBy, long nowMs, Optional<String> sourceApprovalId) {
    if (matching(tx, spec).isPresent()) {
      return Optional.empty();
    }
    String id = UUID.randomUUID().toString();
    tx.update(
        "INSERT INTO exec_allow_rules (id, command, agent_id, created_by, created_at_ms,"
            + " source_approval_id) VALUES (?, ?, ?, ?, ?, ?)",
        id,
        spec.command(),
        spec.agentId(),
        createdBy,
        nowMs,
        sourceApprovalId);
    return byId(tx, id);
  }

  static void markUsed(Tx tx, String id, long nowMs) {
    tx.update(
        "UPDATE exec_allow_rules SET last_used_at_ms = ?, use_count = use_count + 1 WHERE id = ?",
        nowMs,
        id);
  }

  static void delete(Tx tx, String id) {
    tx.update("DELETE FROM exec_allow_rules WHERE id = ?", id);
  }

  private static AllowRule map(ResultSet rs) throws SQLException {
    return new AllowRule(
        rs.getString("id"),
        rs.getString("command"),
        Tx.optString(rs, "agent_id"),
        rs.getString("created_by"),
        rs.getLong("created_at_ms"),
        Tx.optString(rs, "source_approval_id"),
        Tx.optLong(rs, "last_used_at_ms"),
        rs.getLong("use_count"));
  }
}
