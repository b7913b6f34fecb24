package dev.clawgate.gateway.pairing;

import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.pairing.Approver;
import dev.clawgate.core.pairing.PairedDevice;
import dev.clawgate.core.pairing.PairingRequest;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.gateway.MethodCall;
import dev.clawgate.gateway.MethodSpec;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code device.pair.*} and {@code device.token.*} methods ({@link PairingEvents} carries the
 * pairing events). Each method is a thin mapping onto {@link PairingService}; every rule
 * (authority, union, revisions) lives there. All need {@code operator.pairing}; approving also
 * needs every scope it grants, which the service checks against the calling connection's scopes.
 */
public final class PairingMethods {
  private static final int ID_MAX = 128;
  private static final int AUDIT_LIMIT_MAX = 1_000;

  private PairingMethods() {}

  /** One owner action: params in, result out, performed as {@code approver}. */
  @FunctionalInterface
  private interface Action {
    JsonNode run(PairingService pairing, Optional<JsonNode> params, Approver approver);
  }

  private record Entry(String name, Scope scope, Action action) {}

  private static final List<Entry> TABLE =
      List.of(
          new Entry("device.pair.list", Scope.PAIRING, (p, params, a) -> list(p)),
          new Entry("device.pair.approve", Scope.PAIRING, PairingMethods::approve),
          new Entry("device.pair.reject", Scope.PAIRING, PairingMethods::reject),
          new Entry("device.pair.remove", Scope.PAIRING, PairingMethods::remove),
          new Entry("device.pair.rename", Scope.PAIRING, PairingMethods::rename),
          new Entry("device.token.rotate", Scope.PAIRING, PairingMethods::rotate),
          new Entry("device.token.revoke", Scope.PAIRING, PairingMethods::revoke),
          new Entry("audit.list", Scope.ADMIN, (p, params, a) -> audit(p, params)));

  /** The method declarations, in the order they appear in {@code hello-ok.features.methods}. */
  public static List<MethodSpec> specs(PairingService pairing) {
    return TABLE.stream()
        .map(e ->
            MethodSpec.operator(
                e.name(),
                e.scope(),
                call -> e.action().run(pairing, call.params(), approver(call))))
        .toList();
  }

  /**
   * Runs one of these methods directly on {@code pairing}, without a gateway: what the owner CLI
   * does on the state dir while the gateway is not running. Same validation, same rules, same
   * result shapes as over the wire; {@code approver} must hold the authority the method needs.
   *
   * @throws dev.clawgate.protocol.ClawgateException {@code UNKNOWN_METHOD} for any other method
   */
  public static JsonNode invokeDirect(
      PairingService pairing, String method, Optional<JsonNode> params, Approver approver) {
    for (Entry e : TABLE) {
      if (e.name().equals(method)) {
        requireScope(approver, e.scope(), method);
        return e.action().run(pairing, params, approver);
      }
    }
    throw notAnOwnerAction(method);
  }

  /**
   * What the gateway's method registry checks, for an owner action run directly: {@code approver}
   * must hold {@code scope} (or {@code operator.admin}).
   *
   * @throws ClawgateException {@code MISSING_SCOPE} otherwise
   */
  public static void requireScope(Approver approver, Scope scope, String method) {
    if (!approver.scopes().contains(scope) && !approver.scopes().contains(Scope.ADMIN)) {
      throw ClawgateException.of(
              ErrorCode.FORBIDDEN, DetailCode.MISSING_SCOPE, method + " requires " + scope.name())
          .build();
    }
  }

  /** The error for a method that is no owner action on the state dir. */
  public static ClawgateException notAnOwnerAction(String method) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.UNKNOWN_METHOD,
            "unknown method " + method + " (not an owner action on the state dir)")
        .build();
  }

  /** Who performs an owner action called over {@code call}, with the authority it holds. */
  public static Approver approver(MethodCall call) {
    String actor =
        call.deviceId()
            .map(id -> "device:" + id)
            .orElse(call.local() ? "owner:local" : "conn:" + call.connId());
    return new Approver(actor, call.scopes(), call.deviceId(), call.remoteAddress());
  }

  private static JsonNode list(PairingService pairing) {
    return PairingJson.snapshot(pairing.list());
  }

  private static JsonNode audit(PairingService pairing, Optional<JsonNode> params) {
    Fields fields =
        Fields.params(params).allowOnly(Set.of("deviceId", "action", "sinceMs", "limit"));
    AuditLog.Filter filter =
        new AuditLog.Filter(
            fields.optString("deviceId", ID_MAX),
            fields.optString("action", 64),
            fields.optInteger("sinceMs", 0, Long.MAX_VALUE),
            fields.optInteger("limit", 1, AUDIT_LIMIT_MAX).map(Long::intValue).orElse(50));
    ObjectNode node = Json.mapper().createObjectNode();
    ArrayNode entries = node.putArray("entries");
    pairing.history(filter).forEach(e -> entries.add(PairingJson.auditEntry(e)));
    return node;
  }

  private static JsonNode approve(
      PairingService pairing, Optional<JsonNode> callParams, Approver approver) {
    Fields params =
        Fields.params(callParams).allowOnly(Set.of("requestId", "deviceId", "revision"));
    Optional<Integer> revision =
        params.optInteger("revision", 1, Integer.MAX_VALUE).map(Long::intValue);
    Optional<String> requestId = params.optString("requestId", ID_MAX);
    PairingService.ApprovalResult result;
    if (requestId.isPresent()) {
      result = pairing.approve(requestId.get(), revision, approver);
    } else {
      String deviceId =
          params
              .optString("deviceId", ID_MAX)
              .orElseThrow(() ->
                  ClawgateException.invalidParams(
                      "params.requestId", "required (or params.deviceId)"));
      result = pairing.approveDevice(deviceId, revision, approver);
    }
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", result.alreadyApproved() ? "already-approved" : "approved");
    node.put("requestId", result.request().requestId());
    node.put("deviceId", result.request().deviceId());
    node.put("revision", result.request().revision());
    node.set("request", PairingJson.request(result.request(), Optional.of(result.device())));
    node.set("device", PairingJson.device(result.device(), false));
    return node;
  }

  private static JsonNode reject(
      PairingService pairing, Optional<JsonNode> callParams, Approver approver) {
    Fields params = Fields.params(callParams).allowOnly(Set.of("requestId"));
    PairingRequest rejected = pairing.reject(params.string("requestId", ID_MAX), approver);
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", "rejected");
    node.put("requestId", rejected.requestId());
    node.put("deviceId", rejected.deviceId());
    return node;
  }

  private static JsonNode remove(
      PairingService pairing, Optional<JsonNode> callParams, Approver approver) {
    Fields params = Fields.params(callParams).allowOnly(Set.of("deviceId"));
    String deviceId = params.string("deviceId", ID_MAX);
    pairing.remove(deviceId, approver);
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", "removed");
    node.put("deviceId", deviceId);
    return node;
  }

  private static JsonNode rename(
      PairingService pairing, Optional<JsonNode> callParams, Approver approver) {
    Fields params = Fields.params(callParams).allowOnly(Set.of("deviceId", "label", "name"));
    String label =
        params
            .optString("label", 256)
            .or(() -> params.optString("name", 256))
            .orElseThrow(() -> ClawgateException.invalidParams("params.label", "required"));
    PairedDevice device = pairing.rename(params.string("deviceId", ID_MAX), label, approver);
    return PairingJson.device(device, false);
  }

  private static JsonNode rotate(
      PairingService pairing, Optional<JsonNode> callParams, Approver approver) {
    Fields params = Fields.params(callParams).allowOnly(Set.of("deviceId", "role", "scopes"));
    Role role = Role.parse(params.optString("role", 16).orElse("operator"), "params.role");
    Optional<ScopeSet> scopes =
        params.has("scopes")
            ? Optional.of(
                ScopeSet.parse(params.stringList("scopes", 32, Scope.MAX_LENGTH), "params.scopes"))
            : Optional.empty();
    PairingService.RotatedToken rotated =
        pairing.rotate(params.string("deviceId", ID_MAX), role, scopes, approver);
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("deviceId", rotated.deviceId());
    node.put("role", rotated.role().wireName());
    node.put("token", rotated.token());
    rotated.scopes().names().forEach(node.putArray("scopes")::add);
    return node;
  }

  private static JsonNode revoke(
      PairingService pairing, Optional<JsonNode> callParams, Approver approver) {
    Fields params = Fields.params(callParams).allowOnly(Set.of("deviceId", "role"));
    Role role = Role.parse(params.optString("role", 16).orElse("operator"), "params.role");
    PairedDevice device = pairing.revoke(params.string("deviceId", ID_MAX), role, approver);
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", "revoked");
    node.put("role", role.wireName());
    node.set("device", PairingJson.device(device, false));
    return node;
  }
}
