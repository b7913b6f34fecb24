package dev.clawgate.gateway.pairing;

import dev.clawgate.core.pairing.Approver;
import dev.clawgate.core.pairing.PairedDevice;
import dev.clawgate.core.pairing.PairingRequest;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.gateway.MethodCall;
import dev.clawgate.gateway.MethodSpec;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code device.pair.*} and {@code device.token.*} methods ({@link PairingEvents} carries the
 * pairing events). Each method is a thin mapping onto {@link PairingService}; every rule
 * (authority, union, revisions) lives there. All need {@code operator.pairing}; approving also
 * needs every scope it grants, which the service checks against the calling connection's scopes.
 */
public final class PairingMethods {
  private static final int ID_MAX = 128;

  private PairingMethods() {}

  /** The method declarations, in the order they appear in {@code hello-ok.features.methods}. */
  public static List<MethodSpec> specs(PairingService pairing) {
    return List.of(
        MethodSpec.operator("device.pair.list", Scope.PAIRING, call -> list(pairing)),
        MethodSpec.operator("device.pair.approve", Scope.PAIRING, call -> approve(pairing, call)),
        MethodSpec.operator("device.pair.reject", Scope.PAIRING, call -> reject(pairing, call)),
        MethodSpec.operator("device.pair.remove", Scope.PAIRING, call -> remove(pairing, call)),
        MethodSpec.operator("device.pair.rename", Scope.PAIRING, call -> rename(pairing, call)),
        MethodSpec.operator("device.token.rotate", Scope.PAIRING, call -> rotate(pairing, call)),
        MethodSpec.operator("device.token.revoke", Scope.PAIRING, call -> revoke(pairing, call)));
  }

  static Approver approver(MethodCall call) {
    String actor =
        call.deviceId()
            .map(id -> "device:" + id)
            .orElse(call.local() ? "owner:local" : "conn:" + call.connId());
    return new Approver(actor, call.scopes(), call.deviceId(), call.remoteAddress());
  }

  private static JsonNode list(PairingService pairing) {
    return PairingJson.snapshot(pairing.list());
  }

  private static JsonNode approve(PairingService pairing, MethodCall call) {
    Fields params =
        Fields.params(call.params()).allowOnly(Set.of("requestId", "deviceId", "revision"));
    Optional<Integer> revision =
        params.optInteger("revision", 1, Integer.MAX_VALUE).map(Long::intValue);
    Optional<String> requestId = params.optString("requestId", ID_MAX);
    PairingService.ApprovalResult result;
    if (requestId.isPresent()) {
      result = pairing.approve(requestId.get(), revision, approver(call));
    } else {
      String deviceId =
          params
              .optString("deviceId", ID_MAX)
              .orElseThrow(() ->
                  dev.clawgate.protocol.ClawgateException.invalidParams(
                      "params.requestId", "required (or params.deviceId)"));
      result = pairing.approveDevice(deviceId, revision, approver(call));
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

  private static JsonNode reject(PairingService pairing, MethodCall call) {
    Fields params = Fields.params(call.params()).allowOnly(Set.of("requestId"));
    PairingRequest rejected = pairing.reject(params.string("requestId", ID_MAX), approver(call));
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", "rejected");
    node.put("requestId", rejected.requestId());
    node.put("deviceId", rejected.deviceId());
    return node;
  }

  private static JsonNode remove(PairingService pairing, MethodCall call) {
    Fields params = Fields.params(call.params()).allowOnly(Set.of("deviceId"));
    String deviceId = params.string("deviceId", ID_MAX);
    pairing.remove(deviceId, approver(call));
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", "removed");
    node.put("deviceId", deviceId);
    return node;
  }

  private static JsonNode rename(PairingService pairing, MethodCall call) {
    Fields params = Fields.params(call.params()).allowOnly(Set.of("deviceId", "label", "name"));
    String label =
        params
            .optString("label", 256)
            .or(() -> params.optString("name", 256))
            .orElseThrow(() ->
                dev.clawgate.protocol.ClawgateException.invalidParams("params.label", "required"));
    PairedDevice device = pairing.rename(params.string("deviceId", ID_MAX), label, approver(call));
    return PairingJson.device(device, false);
  }

  private static JsonNode rotate(PairingService pairing, MethodCall call) {
    Fields params = Fields.params(call.params()).allowOnly(Set.of("deviceId", "role", "scopes"));
    Role role = Role.parse(params.optString("role", 16).orElse("operator"), "params.role");
    Optional<ScopeSet> scopes =
        params.has("scopes")
            ? Optional.of(
                ScopeSet.parse(params.stringList("scopes", 32, Scope.MAX_LENGTH), "params.scopes"))
            : Optional.empty();
    PairingService.RotatedToken rotated =
        pairing.rotate(params.string("deviceId", ID_MAX), role, scopes, approver(call));
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("deviceId", rotated.deviceId());
    node.put("role", rotated.role().wireName());
    node.put("token", rotated.token());
    rotated.scopes().names().forEach(node.putArray("scopes")::add);
    return node;
  }

  private static JsonNode revoke(PairingService pairing, MethodCall call) {
    Fields params = Fields.params(call.params()).allowOnly(Set.of("deviceId", "role"));
    Role role = Role.parse(params.optString("role", 16).orElse("operator"), "params.role");
    PairedDevice device = pairing.revoke(params.string("deviceId", ID_MAX), role, approver(call));
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", "revoked");
    node.put("role", role.wireName());
    node.set("device", PairingJson.device(device, false));
    return node;
  }
}
