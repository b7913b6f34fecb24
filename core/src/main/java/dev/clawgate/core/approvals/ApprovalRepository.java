package dev.clawgate.core.approvals;

import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for approvals. No rules live here; the conditional updates are how exactly-once is kept. */
final class ApprovalRepository {
  /** Above every character an approval id may contain (ids are printable ASCII). */
  private static final String PREFIX_END = "\u007f";

  private ApprovalRepository() {}

  static Optional<Approval> byId(Tx tx, ApprovalKind kind, String id) {
    return tx.first(
        "SELECT * FROM approvals WHERE id = ? AND kind = ?",
        ApprovalRepository::map,
        id,
        kind.wireName());
  }

  static boolean exists(Tx tx, String id) {
    return tx.scalar("SELECT COUNT(*) FROM approvals WHERE id = ?", id) > 0;
  }

  /** Ids of {@code kind} starting with {@code prefix}, pending ones only or all, sorted. */
  static List<String> idsWithPrefix(Tx tx, ApprovalKind kind, String prefix, boolean pendingOnly) {
    return tx.list(
        "SELECT id FROM approvals WHERE id >= ? AND id < ? AND kind = ?"
            + (pendingOnly ? " AND state = 'pending'" : "")
            + " ORDER BY id LIMIT 100",
        rs -> rs.getString(1),
        prefix,
        prefix + PREFIX_END,
        kind.wireName());
  }

  static List<Approval> pending(Tx tx, ApprovalKind kind) {
    return tx.list(
        "SELECT * FROM approvals WHERE kind = ? AND state = 'pending' ORDER BY created_at_ms, id",
        ApprovalRepository::map,
        kind.wireName());
  }

  /** Resolved and expired approvals of {@code kind}, most recently resolved first. */
  static List<Approval> finished(Tx tx, ApprovalKind kind, int limit) {
    return tx.list(
        "SELECT * FROM approvals WHERE kind = ? AND state <> 'pending'"
            + " ORDER BY resolved_at_ms DESC, id LIMIT ?",
        ApprovalRepository::map,
        kind.wireName(),
        limit);
  }

  static List<Approval> due(Tx tx, long nowMs) {
    return tx.list(
        "SELECT * FROM approvals WHERE state = 'pending' AND expires_at_ms <= ?"
            + " ORDER BY expires_at_ms, id",
        ApprovalRepository::map,
        nowMs);
  }

  static long dueCount(Tx tx, long nowMs) {
    return tx.scalar(
        "SELECT COUNT(*) FROM approvals WHERE state = 'pending' AND expires_at_ms <= ?", nowMs);
  }

  static void insertPending(Tx tx, Approval a) {
    tx.update(
        "INSERT INTO approvals (id, kind, request, allowed_decisions, created_at_ms,"
            + " expires_at_ms, state, requested_by_conn, requested_by_device,"
            + " requested_by_client) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        a.id(),
        a.kind().wireName(),
        Json.mapper().writeValueAsString(a.request()),
        Decision.encode(a.allowedDecisions()),
        a.createdAtMs(),
        a.expiresAtMs(),
        a.requester().connId(),
        a.requester().deviceId(),
        a.requester().client());
  }

  /**
   * Resolves a pending approval; returns 1, or 0 when it was no longer pending (someone else
   * resolved it first, or it expired): the one place an operator's decision is written.
   */
  static int resolve(
      Tx tx, String id, Decision decision, String resolvedBy, long nowMs, Optional<String> ruleId) {
    return tx.update(
        "UPDATE approvals SET state = 'resolved', decision = ?, resolved_by = ?,"
            + " resolved_at_ms = ?, rule_id = ? WHERE id = ? AND state = 'pending'",
        decision.wireName(),
        resolvedBy,
        nowMs,
        ruleId,
        id);
  }

  /** Expires a pending approval that is due; returns 1, or 0 when it was not (any longer). */
  static int expire(Tx tx, String id, String resolvedBy, long nowMs) {
    return tx.update(
        "UPDATE approvals SET state = 'expired', decision = 'expired', resolved_by = ?,"
            + " resolved_at_ms = ? WHERE id = ? AND state = 'pending' AND expires_at_ms <= ?",
        resolvedBy,
        nowMs,
        id,
        nowMs);
  }

  static long prunableCount(Tx tx, long cutoffMs) {
    return tx.scalar(
        "SELECT COUNT(*) FROM approvals WHERE state <> 'pending' AND resolved_at_ms < ?", cutoffMs);
  }

  /** Deletes finished approvals resolved before {@code cutoffMs}; returns how many. */
  static int pruneFinished(Tx tx, long cutoffMs) {
    return tx.update(
        "DELETE FROM approvals WHERE state <> 'pending' AND resolved_at_ms < ?", cutoffMs);
  }

  private static Approval map(ResultSet rs) throws SQLException {
    Optional<String> decision = Tx.optString(rs, "decision");
    return new Approval(
        rs.getString("id"),
        ApprovalKind.fromWire(rs.getString("kind")),
        Json.mapper().readTree(rs.getString("request")),
        Decision.decode(rs.getString("allowed_decisions")),
        rs.getLong("created_at_ms"),
        rs.getLong("expires_at_ms"),
        ApprovalState.fromWire(rs.getString("state")),
        decision.filter(d -> !d.equals(Decision.EXPIRED)).map(Decision::parse),
        Tx.optString(rs, "resolved_by"),
        Tx.optLong(rs, "resolved_at_ms"),
        Tx.optString(rs, "rule_id"),
        new Requester(
            Tx.optString(rs, "requested_by_conn"),
            Tx.optString(rs, "requested_by_device"),
            Tx.optString(rs, "requested_by_client")));
  }
}
