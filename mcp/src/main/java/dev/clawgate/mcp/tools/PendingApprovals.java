package dev.clawgate.mcp.tools;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What this bridge has seen asked and not yet answered (reference §4.4): exec and plugin approvals
 * from {@code *.approval.requested} events, until their {@code *.resolved} event or expiry ({@code
 * expiresAtMs}, else {@link #APPROVAL_DEFAULT_TTL} after it was seen); and Claude permission
 * request ids, for {@link #CLAUDE_PERMISSION_TTL}.
 *
 * <p>Expired entries are swept lazily: whenever an entry is added and {@link #SWEEP_INTERVAL} has
 * passed, always before {@link #listOpen()}, and a Claude id is checked for expiry when looked up.
 * Each map also holds at most {@link #MAX_ENTRIES}, dropping the oldest, so memory stays bounded
 * whatever the event stream does.
 */
final class PendingApprovals {
  static final Duration APPROVAL_DEFAULT_TTL = Duration.ofMinutes(30);
  static final Duration CLAUDE_PERMISSION_TTL = Duration.ofHours(1);
  static final Duration SWEEP_INTERVAL = Duration.ofMinutes(5);
  static final int MAX_ENTRIES = 10_000;

  private record Approval(ObjectNode json, double createdAtMs, long expiresAtMs) {}

  private final Clock clock;
  private final Map<String, Approval> approvals = bounded();
  private final Map<String, Long> claudePermissions = bounded();
  private long nextSweepMs;
  private boolean closed;

  PendingApprovals(Clock clock) {
    this.clock = clock;
  }

  /** Tracks the approval a {@code *.approval.requested} payload announces, if it has an id. */
  synchronized void track(ApprovalKind kind, JsonNode payload) {
    String id = JsonValues.text(payload.path("id"));
    if (closed || id == null) {
      return;
    }
    long now = clock.millis();
    ObjectNode json = JsonValues.object();
    json.put("kind", kind.wire());
    json.put("id", id);
    JsonNode request = payload.path("request");
    if (request.isContainer()) {
      json.set("request", request);
    }
    JsonNode createdAt = payload.path("createdAtMs");
    if (createdAt.isNumber()) {
      json.set("createdAtMs", createdAt);
    }
    JsonNode expiresAt = payload.path("expiresAtMs");
    long expiresAtMs = now + APPROVAL_DEFAULT_TTL.toMillis();
    if (expiresAt.isNumber()) {
      json.set("expiresAtMs", expiresAt);
      expiresAtMs = (long) Math.ceil(expiresAt.asDouble());
    }
    approvals.put(id, new Approval(json, createdAt.asDouble(0), expiresAtMs));
    sweepIfDue(now);
  }

  /** Forgets the approval a {@code *.approval.resolved} payload names. */
  synchronized void untrack(JsonNode payload) {
    String id = JsonValues.text(payload.path("id"));
    if (id != null) {
      approvals.remove(id);
    }
  }

  /** {@code [{kind, id, request?, createdAtMs?, expiresAtMs?}]}, oldest request first. */
  synchronized ArrayNode listOpen() {
    sweep(clock.millis());
    ArrayNode list = JsonValues.array();
    approvals.values().stream()
        .sorted(Comparator.comparingDouble(Approval::createdAtMs))
        .forEach(a -> list.add(a.json()));
    return list;
  }

  synchronized void rememberClaudePermission(String requestId) {
    if (closed) {
      return;
    }
    long now = clock.millis();
    claudePermissions.put(requestId, now);
    sweepIfDue(now);
  }

  synchronized boolean isClaudePermissionPending(String requestId) {
    Long seenAt = claudePermissions.get(requestId);
    return seenAt != null && clock.millis() - seenAt < CLAUDE_PERMISSION_TTL.toMillis();
  }

  synchronized void forgetClaudePermission(String requestId) {
    claudePermissions.remove(requestId);
  }

  /** Forgets everything and ignores what comes later. */
  synchronized void close() {
    closed = true;
    approvals.clear();
    claudePermissions.clear();
  }

  synchronized int size() {
    return approvals.size() + claudePermissions.size();
  }

  private void sweepIfDue(long now) {
    if (now >= nextSweepMs) {
      sweep(now);
    }
  }

  private void sweep(long now) {
    nextSweepMs = now + SWEEP_INTERVAL.toMillis();
    approvals.values().removeIf(a -> now >= a.expiresAtMs());
    claudePermissions.values().removeIf(seenAt -> now - seenAt >= CLAUDE_PERMISSION_TTL.toMillis());
  }

  private static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>() {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }
}
