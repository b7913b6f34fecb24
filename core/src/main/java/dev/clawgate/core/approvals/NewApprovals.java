package dev.clawgate.core.approvals;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a request into the pending approval to store: its id, the request object operators see,
 * what they may answer, and when it expires. Nothing is stored here.
 */
final class NewApprovals {
  /** Requester-chosen ids: printable ASCII without spaces (so prefixes sort as they read). */
  private static final Pattern OWN_ID =
      Pattern.compile("[\\x21-\\x7e]{1," + ApprovalService.ID_MAX + "}");

  private static final String PLUGIN_ID_PREFIX = "plugin:";

  /** Largest stored request (its JSON text): operators read it, so it stays a page, not a file. */
  static final int MAX_REQUEST_CHARS = 64 * 1024;

  private NewApprovals() {}

  static Approval exec(ExecRequest request, long nowMs) {
    request.id().ifPresent(NewApprovals::checkOwnId);
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("command", request.command());
    copyExcept(request.details(), payload, Set.of("command", "agentId"));
    request.agentId().ifPresent(agent -> payload.put("agentId", agent));
    return pending(
        request.id().orElseGet(() -> UUID.randomUUID().toString()),
        ApprovalKind.EXEC,
        payload,
        EnumSet.allOf(Decision.class),
        nowMs,
        timeoutMs(
            request.timeout(),
            ApprovalService.EXEC_DEFAULT_TIMEOUT,
            ApprovalService.EXEC_MAX_TIMEOUT),
        request.requester());
  }

  static Approval plugin(PluginRequest request, long nowMs) {
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("title", request.title());
    payload.put("description", request.description());
    payload.put("severity", request.severity().wireName());
    Decision.wireNames(request.allowedDecisions())
        .forEach(payload.putArray("allowedDecisions")::add);
    copyExcept(
        request.details(), payload, Set.of("title", "description", "severity", "allowedDecisions"));
    return pending(
        PLUGIN_ID_PREFIX + UUID.randomUUID(),
        ApprovalKind.PLUGIN,
        payload,
        request.allowedDecisions(),
        nowMs,
        timeoutMs(
            request.timeout(),
            ApprovalService.PLUGIN_DEFAULT_TIMEOUT,
            ApprovalService.PLUGIN_MAX_TIMEOUT),
        request.requester());
  }

  private static Approval pending(
      String id,
      ApprovalKind kind,
      ObjectNode payload,
      Set<Decision> allowed,
      long nowMs,
      long timeoutMs,
      Requester requester) {
    if (Json.mapper().writeValueAsString(payload).length() > MAX_REQUEST_CHARS) {
      throw ClawgateException.invalidParams(
          "params", "the request is larger than " + MAX_REQUEST_CHARS / 1024 + " KiB");
    }
    return new Approval(
        id,
        kind,
        payload,
        allowed,
        nowMs,
        nowMs + timeoutMs,
        ApprovalState.PENDING,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        requester);
  }

  private static void checkOwnId(String id) {
    if (!OWN_ID.matcher(id).matches()) {
      throw ClawgateException.invalidParams(
          "params.id",
          "must be 1 to " + ApprovalService.ID_MAX + " printable ASCII characters without spaces");
    }
    if (id.startsWith(PLUGIN_ID_PREFIX)) {
      throw ClawgateException.invalidParams(
          "params.id", "ids starting with " + PLUGIN_ID_PREFIX + " are reserved for plugins");
    }
  }

  /** The asked timeout, or the default, clamped to {@code [1 ms, max]} (as the reference). */
  private static long timeoutMs(Optional<Duration> asked, Duration fallback, Duration max) {
    long ms = asked.orElse(fallback).toMillis();
    return Math.max(1, Math.min(ms, max.toMillis()));
  }

  private static void copyExcept(ObjectNode from, ObjectNode to, Set<String> skipped) {
    from.properties()
        .forEach(e -> {
          if (!skipped.contains(e.getKey())) {
            to.set(e.getKey(), e.getValue().deepCopy());
          }
        });
  }
}
