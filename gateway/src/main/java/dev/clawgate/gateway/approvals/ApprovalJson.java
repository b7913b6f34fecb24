package dev.clawgate.gateway.approvals;

import dev.clawgate.core.approvals.AllowRule;
import dev.clawgate.core.approvals.Approval;
import dev.clawgate.protocol.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Wire shapes of approvals, field-compatible with the reference's events (openclaw-mcp-bridge.md
 * §7.7): {@code requested} is {@code {id, request, createdAtMs, expiresAtMs}}, {@code resolved} is
 * {@code {id, decision, resolvedBy, ts, request}}.
 */
public final class ApprovalJson {
  private ApprovalJson() {}

  /** The {@code *.approval.requested} payload. */
  public static ObjectNode requested(Approval a) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", a.id());
    node.set("request", a.request().deepCopy());
    node.put("createdAtMs", a.createdAtMs());
    node.put("expiresAtMs", a.expiresAtMs());
    return node;
  }

  /** The {@code *.approval.resolved} payload of a final approval. */
  public static ObjectNode resolved(Approval a) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", a.id());
    node.put("decision", a.outcome().orElseThrow(() -> new IllegalStateException(a.id())));
    node.put("resolvedBy", a.resolvedBy().orElse(""));
    node.put("ts", a.resolvedAtMs().orElse(0L));
    node.set("request", a.request().deepCopy());
    return node;
  }

  /**
   * What the requester learns: {@code {id, decision, createdAtMs, expiresAtMs}} with {@code
   * decision} null while undecided, plus {@code resolvedBy} and {@code ts} once final.
   */
  public static ObjectNode decision(Approval a) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", a.id());
    a.outcome().ifPresentOrElse(d -> node.put("decision", d), () -> node.putNull("decision"));
    a.resolvedBy().ifPresent(by -> node.put("resolvedBy", by));
    a.resolvedAtMs().ifPresent(ts -> node.put("ts", ts));
    node.put("createdAtMs", a.createdAtMs());
    node.put("expiresAtMs", a.expiresAtMs());
    return node;
  }

  /** One entry of {@code *.approval.list}. */
  public static ObjectNode listed(Approval a) {
    ObjectNode node = requested(a);
    node.put("kind", a.kind().wireName());
    node.put("approvalKind", a.kind().wireName());
    node.put("state", a.state().wireName());
    a.outcome().ifPresent(d -> node.put("decision", d));
    a.resolvedBy().ifPresent(by -> node.put("resolvedBy", by));
    a.resolvedAtMs().ifPresent(ts -> node.put("resolvedAtMs", ts));
    return node;
  }

  /** A bare array of listed approvals, as the reference's {@code *.approval.list} answers. */
  public static ArrayNode list(List<Approval> approvals) {
    ArrayNode array = Json.mapper().createArrayNode();
    approvals.forEach(a -> array.add(listed(a)));
    return array;
  }

  /** An exec allow rule. */
  public static ObjectNode rule(AllowRule r) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", r.id());
    node.put("command", r.command());
    r.agentId().ifPresent(agent -> node.put("agentId", agent));
    node.put("createdBy", r.createdBy());
    node.put("createdAtMs", r.createdAtMs());
    r.sourceApprovalId().ifPresent(id -> node.put("sourceApprovalId", id));
    r.lastUsedAtMs().ifPresent(ts -> node.put("lastUsedAtMs", ts));
    node.put("useCount", r.useCount());
    return node;
  }

  static ArrayNode rules(List<AllowRule> rules) {
    ArrayNode array = Json.mapper().createArrayNode();
    rules.forEach(r -> array.add(rule(r)));
    return array;
  }
}
