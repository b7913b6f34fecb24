package dev.clawgate.gateway.pairing;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.pairing.PairedDevice;
import dev.clawgate.core.pairing.PairingRequest;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.Collection;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Wire shapes of pairing records, field-compatible with the reference's {@code device.pair.list}
 * (see spec/frames/res-device.pair.list.json) plus clawgate's additions ({@code revision}, {@code
 * reason}, {@code expiresAtMs}, {@code approvedScopes}, {@code label}). Token values and hashes are
 * never part of any shape here.
 */
public final class PairingJson {
  private PairingJson() {}

  /**
   * The {@code device.pair.list} payload: {@code pending} requests (each with its device's approved
   * scopes) and {@code paired} devices. The CLI prints the same shape when it reads the state dir
   * directly.
   */
  public static ObjectNode snapshot(PairingService.Snapshot snapshot) {
    ObjectNode node = Json.mapper().createObjectNode();
    ArrayNode pending = node.putArray("pending");
    for (PairingRequest r : snapshot.pending()) {
      Optional<PairedDevice> device =
          snapshot.paired().stream().filter(d -> d.deviceId().equals(r.deviceId())).findFirst();
      pending.add(request(r, device));
    }
    ArrayNode paired = node.putArray("paired");
    snapshot.paired().forEach(d -> paired.add(device(d, false)));
    return node;
  }

  /** A pending or resolved request. */
  public static ObjectNode request(PairingRequest r, Optional<PairedDevice> device) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("requestId", r.requestId());
    node.put("deviceId", r.deviceId());
    node.put("publicKey", r.publicKey());
    node.put("kind", r.kind().wireName());
    r.displayName().ifPresent(v -> node.put("displayName", v));
    r.platform().ifPresent(v -> node.put("platform", v));
    r.deviceFamily().ifPresent(v -> node.put("deviceFamily", v));
    r.clientId().ifPresent(v -> node.put("clientId", v));
    r.clientMode().ifPresent(v -> node.put("clientMode", v));
    Role primary = r.roles().contains(Role.OPERATOR) ? Role.OPERATOR : r.roles().iterator().next();
    node.put("role", primary.wireName());
    roles(node.putArray("roles"), r.roles());
    scopes(node.putArray("scopes"), r.scopes());
    scopes(
        node.putArray("approvedScopes"),
        device.flatMap(d -> d.baseline(Role.OPERATOR)).orElse(ScopeSet.empty()));
    node.put("remoteIp", r.remoteAddress());
    node.put("isRepair", r.isRepair());
    node.put("reason", r.reason().wireName());
    node.put("revision", r.revision());
    node.put("state", r.state().wireName());
    node.put("ts", r.createdAtMs());
    node.put("refreshedAtMs", r.refreshedAtMs());
    node.put("expiresAtMs", r.expiresAtMs());
    r.resolvedAtMs().ifPresent(v -> node.put("resolvedAtMs", v));
    r.resolvedBy().ifPresent(v -> node.put("resolvedBy", v));
    r.approvedVia().ifPresent(v -> node.put("approvedVia", v));
    node.put("approveCommand", r.approveCommand());
    return node;
  }

  /** A paired device, with its tokens summarised (no values). */
  public static ObjectNode device(PairedDevice d, boolean connected) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("deviceId", d.deviceId());
    node.put("publicKey", d.publicKey());
    node.put("kind", d.kind().wireName());
    d.displayName().ifPresent(v -> node.put("displayName", v));
    d.label().ifPresent(v -> node.put("label", v));
    d.platform().ifPresent(v -> node.put("platform", v));
    d.deviceFamily().ifPresent(v -> node.put("deviceFamily", v));
    d.clientId().ifPresent(v -> node.put("clientId", v));
    d.clientMode().ifPresent(v -> node.put("clientMode", v));
    if (!d.roles().isEmpty()) {
      Role primary = d.roles().containsKey(Role.OPERATOR) ? Role.OPERATOR : Role.NODE;
      node.put("role", primary.wireName());
    }
    roles(node.putArray("roles"), d.roles().keySet());
    scopes(node.putArray("scopes"), d.baseline(Role.OPERATOR).orElse(ScopeSet.empty()));
    node.put("approvedVia", d.approvedVia());
    node.put("createdAtMs", d.createdAtMs());
    node.put("approvedAtMs", d.approvedAtMs());
    d.lastSeenAtMs().ifPresent(v -> node.put("lastSeenAtMs", v));
    d.lastSeenReason().ifPresent(v -> node.put("lastSeenReason", v));
    d.remoteAddress().ifPresent(v -> node.put("remoteIp", v));
    node.put("connected", connected);
    ArrayNode tokens = node.putArray("tokens");
    for (PairedDevice.TokenInfo t : d.tokens()) {
      ObjectNode tn = tokens.addObject();
      tn.put("role", t.role().wireName());
      scopes(tn.putArray("scopes"), t.scopes());
      tn.put("createdAtMs", t.createdAtMs());
      tn.put("issued", t.issuedAtMs().isPresent());
      t.issuedAtMs().ifPresent(v -> tn.put("issuedAtMs", v));
      t.rotatedAtMs().ifPresent(v -> tn.put("rotatedAtMs", v));
      t.revokedAtMs().ifPresent(v -> tn.put("revokedAtMs", v));
      t.lastUsedAtMs().ifPresent(v -> tn.put("lastUsedAtMs", v));
    }
    return node;
  }

  /** An audit entry; its detail never holds a secret (see {@link AuditEntry}). */
  public static ObjectNode auditEntry(AuditEntry e) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", e.id());
    node.put("atMs", e.atMs());
    node.put("action", e.action());
    node.put("actor", e.actor());
    node.put("outcome", e.outcome());
    e.deviceId().ifPresent(v -> node.put("deviceId", v));
    e.requestId().ifPresent(v -> node.put("requestId", v));
    e.role().ifPresent(v -> node.put("role", v));
    e.remoteAddress().ifPresent(v -> node.put("remoteIp", v));
    node.set("detail", Json.mapper().valueToTree(e.detail()));
    return node;
  }

  private static void roles(ArrayNode array, Collection<Role> roles) {
    roles.stream().sorted().forEach(r -> array.add(r.wireName()));
  }

  private static void scopes(ArrayNode array, ScopeSet scopes) {
    scopes.names().forEach(array::add);
  }
}
