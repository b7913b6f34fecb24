package dev.clawgate.gateway.approvals;

import dev.clawgate.core.approvals.Approval;
import dev.clawgate.core.approvals.ApprovalKind;
import dev.clawgate.core.approvals.ApprovalService;
import dev.clawgate.core.approvals.Decision;
import dev.clawgate.core.approvals.Operator;
import dev.clawgate.core.approvals.Requester;
import dev.clawgate.gateway.MethodCall;
import dev.clawgate.gateway.MethodHandler;
import dev.clawgate.gateway.MethodSpec;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code exec.approval.*}, {@code plugin.approval.*} (scope {@code operator.approvals}) and
 * {@code exec.approvals.get|set} (admin) methods; {@link ApprovalEvents} carries the events. Each
 * method is a thin mapping onto {@link ApprovalService}, where every rule lives.
 *
 * <p>A request answers once (this gateway sends one response per request): with {@code twoPhase} at
 * once, {@code {status: "accepted"|"resolved", id, createdAtMs, expiresAtMs, decision?}}, and the
 * requester then calls {@code waitDecision}; without it, when the decision is made (or after {@link
 * ApprovalService#MAX_WAIT}), {@code {id, decision|null, createdAtMs, expiresAtMs, resolvedBy?,
 * ts?}}, as the reference's final response.
 */
public final class ApprovalMethods {
  private static final int ID_INPUT_MAX = 256;
  private static final int LIST_LIMIT_MAX = 500;

  private ApprovalMethods() {}

  /** Who calls: as a requester (kept with a request) and as an operator (resolving, rules). */
  private record Caller(Requester requester, Operator operator) {}

  @FunctionalInterface
  private interface Action {
    JsonNode run(ApprovalService service, Optional<JsonNode> params, Caller caller);
  }

  /** One method; an empty scope means {@code operator.admin}. */
  private record Entry(String name, Optional<Scope> scope, Action action) {}

  private static final Optional<Scope> APPROVALS = Optional.of(Scope.APPROVALS);

  private static final List<Entry> TABLE =
      List.of(
          new Entry("exec.approval.request", APPROVALS, ApprovalMethods::requestExec),
          new Entry("exec.approval.resolve", APPROVALS, resolve(ApprovalKind.EXEC)),
          new Entry("exec.approval.waitDecision", APPROVALS, waitDecision(ApprovalKind.EXEC)),
          new Entry("exec.approval.list", APPROVALS, list(ApprovalKind.EXEC)),
          new Entry("plugin.approval.request", APPROVALS, ApprovalMethods::requestPlugin),
          new Entry("plugin.approval.resolve", APPROVALS, resolve(ApprovalKind.PLUGIN)),
          new Entry("plugin.approval.waitDecision", APPROVALS, waitDecision(ApprovalKind.PLUGIN)),
          new Entry("plugin.approval.list", APPROVALS, list(ApprovalKind.PLUGIN)),
          new Entry("exec.approvals.get", Optional.empty(), ApprovalMethods::rules),
          new Entry("exec.approvals.set", Optional.empty(), ApprovalMethods::setRules));

  /** The method declarations, in the order they appear in {@code hello-ok.features.methods}. */
  public static List<MethodSpec> specs(ApprovalService service) {
    List<MethodSpec> specs = new ArrayList<>();
    for (Entry e : TABLE) {
      MethodHandler handler = call -> e.action().run(service, call.params(), caller(call));
      specs.add(
          e.scope().isPresent()
              ? MethodSpec.operator(e.name(), e.scope().get(), handler)
              : MethodSpec.admin(e.name(), handler));
    }
    return List.copyOf(specs);
  }

  /**
   * Runs one of these methods directly on {@code service}, without a gateway connection (offline
   * tools, tests): same validation, rules and result shapes as over the wire, performed by {@code
   * actor} (its {@code resolvedBy} name and audit actor).
   *
   * @throws ClawgateException {@code UNKNOWN_METHOD} for any other method
   */
  public static JsonNode invokeDirect(
      ApprovalService service, String method, Optional<JsonNode> params, String actor) {
    Caller caller =
        new Caller(
            new Requester(Optional.empty(), Optional.empty(), Optional.of(actor)),
            new Operator(actor, actor, Optional.empty(), "local"));
    for (Entry e : TABLE) {
      if (e.name().equals(method)) {
        return e.action().run(service, params, caller);
      }
    }
    throw ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.UNKNOWN_METHOD,
            "unknown method " + method + " (not an approval method)")
        .build();
  }

  private static Caller caller(MethodCall call) {
    String actor =
        call.deviceId()
            .map(id -> "device:" + id)
            .orElse(call.local() ? "owner:local" : "conn:" + call.connId());
    return new Caller(
        new Requester(Optional.of(call.connId()), call.deviceId(), Optional.of(call.clientName())),
        new Operator(call.clientName(), actor, call.deviceId(), call.remoteAddress()));
  }

  private static JsonNode requestExec(
      ApprovalService service, Optional<JsonNode> params, Caller caller) {
    var parsed = ApprovalParams.exec(params, caller.requester());
    return answer(service, service.requestExec(parsed.request()).approval(), parsed.twoPhase());
  }

  private static JsonNode requestPlugin(
      ApprovalService service, Optional<JsonNode> params, Caller caller) {
    var parsed = ApprovalParams.plugin(params, caller.requester());
    return answer(service, service.requestPlugin(parsed.request()).approval(), parsed.twoPhase());
  }

  private static JsonNode answer(ApprovalService service, Approval asked, boolean twoPhase) {
    if (twoPhase) {
      ObjectNode node = Json.mapper().createObjectNode();
      node.put("status", asked.pending() ? "accepted" : "resolved");
      node.setAll(ApprovalJson.decision(asked));
      if (asked.pending()) {
        node.remove("decision");
      }
      return node;
    }
    Approval decided =
        asked.pending()
            ? service.awaitDecision(asked.kind(), asked.id(), ApprovalService.MAX_WAIT)
            : asked;
    return ApprovalJson.decision(decided);
  }

  private static Action resolve(ApprovalKind kind) {
    return (service, params, caller) -> {
      Fields f = Fields.params(params).allowOnly(Set.of("id", "decision"));
      String id = f.string("id", ID_INPUT_MAX);
      Decision decision = Decision.parse(f.string("decision", 64));
      Approval resolved = service.resolve(kind, id, decision, caller.operator());
      ObjectNode node = Json.mapper().createObjectNode();
      node.put("ok", true);
      node.put("id", resolved.id());
      node.put("decision", decision.wireName());
      return node;
    };
  }

  private static Action waitDecision(ApprovalKind kind) {
    return (service, params, caller) -> {
      Fields f = Fields.params(params).allowOnly(Set.of("id", "timeoutMs"));
      String id = f.string("id", ID_INPUT_MAX);
      Duration limit =
          f.optInteger("timeoutMs", 0, Long.MAX_VALUE)
              .map(Duration::ofMillis)
              .orElse(ApprovalService.MAX_WAIT);
      return ApprovalJson.decision(service.awaitDecision(kind, id, limit));
    };
  }

  private static Action list(ApprovalKind kind) {
    return (service, params, caller) -> {
      Fields f = Fields.params(params).allowOnly(Set.of("includeResolved", "limit"));
      boolean includeResolved = f.optBoolean("includeResolved").orElse(false);
      int limit = f.optInteger("limit", 1, LIST_LIMIT_MAX).map(Long::intValue).orElse(50);
      List<Approval> approvals = new ArrayList<>(service.pending(kind));
      if (includeResolved) {
        approvals.addAll(service.finished(kind, limit));
      }
      return ApprovalJson.list(approvals);
    };
  }

  private static JsonNode rules(ApprovalService service, Optional<JsonNode> params, Caller caller) {
    Fields.params(params).allowOnly(Set.of());
    ObjectNode node = Json.mapper().createObjectNode();
    node.set("rules", ApprovalJson.rules(service.rules()));
    return node;
  }

  private static JsonNode setRules(
      ApprovalService service, Optional<JsonNode> params, Caller caller) {
    Fields f = Fields.params(params).allowOnly(Set.of("rules", "add", "remove"));
    boolean replace = f.has("rules");
    if (replace && (f.has("add") || f.has("remove"))) {
      throw ClawgateException.invalidParams(
          "params.rules", "replaces every rule; give either rules or add/remove, not both");
    }
    if (!replace && !f.has("add") && !f.has("remove")) {
      throw ClawgateException.invalidParams(
          "params", "give rules (replaces every rule) or add and/or remove");
    }
    ApprovalService.RuleChange change =
        replace
            ? service.replaceRules(ApprovalParams.ruleSpecs(f, "rules"), caller.operator())
            : service.changeRules(
                ApprovalParams.ruleSpecs(f, "add"),
                f.stringList("remove", ApprovalParams.RULES_MAX, ID_INPUT_MAX),
                caller.operator());
    ObjectNode node = Json.mapper().createObjectNode();
    node.set("rules", ApprovalJson.rules(change.rules()));
    node.set("added", ApprovalJson.rules(change.added()));
    node.set("removed", ApprovalJson.rules(change.removed()));
    return node;
  }
}
