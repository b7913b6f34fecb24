package dev.clawgate.core.pairing;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one implementation of approving a request, used by owner approvals and silent local approvals
 * alike. Approval only ever adds:
 *
 * <ul>
 *   <li>roles := roles ∪ requested roles
 *   <li>baseline(role) := baseline(role) ∪ requested scopes
 *   <li>token(role).scopes := token(role).scopes ∪ requested scopes; the token's value is kept (a
 *       token that does not exist yet is created un-issued and minted at the device's next connect)
 * </ul>
 */
final class Approvals {
  private Approvals() {}

  /** Applies {@code request} (which must be pending) and marks it approved. */
  static PairingRequest apply(
      Tx tx, PairingRequest request, String via, Approver approver, long nowMs) {
    Optional<PairedDevice> before = PairingRepository.device(tx, request.deviceId());
    PairingRepository.upsertDevice(tx, request, via, nowMs);
    Map<String, Object> detail = new LinkedHashMap<>();
    for (Role role : request.roles().stream().sorted().toList()) {
      ScopeSet granted = scopesFor(role, request.scopes());
      ScopeSet baselineBefore = before.flatMap(d -> d.baseline(role)).orElse(ScopeSet.empty());
      ScopeSet baselineAfter = baselineBefore.union(granted);
      PairingRepository.setBaseline(tx, request.deviceId(), role, baselineAfter, nowMs);
      Optional<PairingRepository.TokenRow> token =
          PairingRepository.token(tx, request.deviceId(), role);
      boolean revoked = token.isPresent() && token.get().info().revokedAtMs().isPresent();
      if (revoked) {
        PairingRepository.unrevoke(tx, request.deviceId(), role);
      }
      // A revoked token's old scopes were withdrawn with its role; they must not come back with a
      // re-approval of fewer scopes (the token would exceed the new baseline).
      ScopeSet tokenScopes =
          token
              .filter(t -> !revoked)
              .map(t -> t.info().scopes())
              .orElse(ScopeSet.empty())
              .union(granted);
      PairingRepository.setTokenScopes(tx, request.deviceId(), role, tokenScopes, nowMs);
      detail.put(role.wireName() + ".baselineBefore", baselineBefore.names());
      detail.put(role.wireName() + ".baselineAfter", baselineAfter.names());
    }
    RequestRepository.resolve(
        tx, request.requestId(), RequestState.APPROVED, nowMs, approver.actor(), Optional.of(via));
    detail.put("revision", request.revision());
    detail.put("via", via);
    AuditLog.append(
        tx,
        new AuditEntry(
            0,
            nowMs,
            "pairing.approve",
            approver.actor(),
            "ok",
            Optional.of(request.deviceId()),
            Optional.of(request.requestId()),
            Optional.of(
                String.join(",", request.roles().stream().sorted().map(Role::wireName).toList())),
            Optional.of(approver.remoteAddress()),
            detail));
    return RequestRepository.byId(tx, request.requestId()).orElseThrow();
  }

  /** Node tokens carry no scopes; operator tokens carry the operator scopes asked for. */
  static ScopeSet scopesFor(Role role, ScopeSet requested) {
    return role == Role.NODE ? ScopeSet.empty() : requested;
  }

  /**
   * The scopes {@code approver} lacks to approve {@code request}: {@code operator.pairing}, every
   * operator scope granted, and {@code operator.admin} for the node role.
   */
  static ScopeSet missingAuthority(Approver approver, PairingRequest request) {
    ScopeSet needed = ScopeSet.of(Scope.PAIRING).union(request.scopes());
    if (request.roles().contains(Role.NODE)) {
      needed = needed.union(ScopeSet.of(Scope.ADMIN));
    }
    return approver.scopes().missing(needed);
  }

  /** The scopes {@code approver} lacks to manage a device or token holding {@code scopes}. */
  static ScopeSet missingAuthority(Approver approver, ScopeSet scopes) {
    return approver.scopes().missing(ScopeSet.of(Scope.PAIRING).union(scopes));
  }

  static AuditEntry entry(
      long nowMs,
      String action,
      Approver approver,
      String deviceId,
      Optional<Role> role,
      Map<String, Object> detail) {
    return new AuditEntry(
        0,
        nowMs,
        action,
        approver.actor(),
        "ok",
        Optional.of(deviceId),
        Optional.empty(),
        role.map(Role::wireName),
        Optional.of(approver.remoteAddress()),
        detail);
  }

  static List<String> names(ScopeSet scopes) {
    return scopes.names();
  }
}
