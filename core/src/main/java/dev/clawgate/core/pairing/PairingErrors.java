package dev.clawgate.core.pairing;

import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.List;
import java.util.Optional;

/**
 * Every refusal of the pairing rules, each with its own detail code and a message that names the
 * real cause and the next step. This table is why a scope shortfall can never be reported as a
 * token mismatch: each cause has exactly one builder here, and nothing else builds these codes.
 */
final class PairingErrors {
  private PairingErrors() {}

  static ClawgateException secretMissing(AuthMode mode) {
    boolean token = mode == AuthMode.TOKEN;
    return auth(
            token ? DetailCode.AUTH_TOKEN_MISSING : DetailCode.AUTH_PASSWORD_MISSING,
            token
                ? "unauthorized: gateway token missing (this gateway uses token auth: pass --token"
                    + " or --token-file, or set gateway.remote.token to the gateway's"
                    + " gateway.auth.token)"
                : "unauthorized: gateway password missing (this gateway uses password auth: pass"
                    + " --password or --password-file, or set gateway.remote.password)",
            token ? "token_missing" : "password_missing")
        .build();
  }

  static ClawgateException secretMismatch(AuthMode mode) {
    boolean token = mode == AuthMode.TOKEN;
    return auth(
            token ? DetailCode.AUTH_TOKEN_MISMATCH : DetailCode.AUTH_PASSWORD_MISMATCH,
            token
                ? "unauthorized: gateway token mismatch: the token sent is not this gateway's"
                    + " gateway.auth.token (check --token, --token-file, CLAWGATE_GATEWAY_TOKEN"
                    + " or gateway.remote.token)"
                : "unauthorized: gateway password mismatch: the password sent is not this"
                    + " gateway's gateway.auth.password (check --password, --password-file,"
                    + " CLAWGATE_GATEWAY_PASSWORD or gateway.remote.password)",
            token ? "token_mismatch" : "password_mismatch")
        .build();
  }

  static ClawgateException deviceTokenMismatch(String deviceId, Role role, String why) {
    return auth(
            DetailCode.AUTH_DEVICE_TOKEN_MISMATCH,
            "unauthorized: device token rejected for device "
                + deviceId
                + " (role "
                + role
                + "): "
                + why
                + ". Connect without the stored device token to request pairing, or have the owner"
                + " issue a new one: clawgate devices rotate --device "
                + deviceId
                + " --role "
                + role,
            "device_token_mismatch")
        .detail("deviceId", deviceId)
        .detail("role", role.wireName())
        .build();
  }

  /**
   * {@code auth.token} matched neither the shared token nor, taken as a device token (pairing.md
   * rule 3), the device's token: say both, since the sender may have meant either. (The shared
   * secret's config keys stay unnamed: pairing.md names them only for AUTH_TOKEN_MISMATCH.)
   */
  static ClawgateException tokenMatchesNeither(String deviceId, Role role, String why) {
    return auth(
            DetailCode.AUTH_DEVICE_TOKEN_MISMATCH,
            "unauthorized: the token sent is neither this gateway's shared token nor the device"
                + " token of device "
                + deviceId
                + " (role "
                + role
                + ": "
                + why
                + "). If it is meant as the shared token, check the token the client was given"
                + " (--token, --token-file); if it is this device's token, the owner can issue a"
                + " new one: clawgate devices rotate --device "
                + deviceId
                + " --role "
                + role,
            "device_token_mismatch")
        .detail("deviceId", deviceId)
        .detail("role", role.wireName())
        .build();
  }

  static ClawgateException devicelessRemoteScopes(String remoteAddress, ScopeSet requested) {
    return auth(
            DetailCode.AUTH_SCOPE_MISMATCH,
            "the shared secret is valid, but a connection without a device identity from "
                + remoteAddress
                + " is granted no scopes (requested: "
                + display(requested)
                + "). Connect with a device identity so the owner can approve it, or connect"
                + " from the gateway's own machine.",
            "scope_mismatch")
        .detail("requestedScopes", requested.names())
        .detail("heldScopes", List.of())
        .build();
  }

  static ClawgateException deviceIdentityRequired(Role role) {
    return ClawgateException.of(
            ErrorCode.NOT_PAIRED,
            DetailCode.DEVICE_IDENTITY_REQUIRED,
            "device identity required: a " + role + " connection must sign with a device key")
        .detail("reason", "device-identity-required")
        .build();
  }

  static ClawgateException pairingRequired(
      PairingRequest request, Role role, ScopeSet requested, Optional<PairedDevice> device) {
    List<String> approvedRoles =
        device
            .map(d -> d.roles().keySet().stream().sorted().map(Role::wireName).toList())
            .orElse(List.of());
    ScopeSet approved = device.flatMap(d -> d.baseline(role)).orElse(ScopeSet.empty());
    return ClawgateException.of(
            ErrorCode.NOT_PAIRED,
            DetailCode.PAIRING_REQUIRED,
            "pairing required: "
                + request.reason().requirement()
                + " (requestId: "
                + request.requestId()
                + ", revision "
                + request.revision()
                + "; requested "
                + role
                + " "
                + display(requested)
                + ", approved "
                + display(approved)
                + "). The owner approves it with: "
                + request.approveCommand())
        .detail("reason", request.reason().wireName())
        .detail("requestId", request.requestId())
        .detail("revision", request.revision())
        .detail("deviceId", request.deviceId())
        .detail("requestedRole", role.wireName())
        .detail("requestedScopes", requested.names())
        .detail("approvedRoles", approvedRoles)
        .detail("approvedScopes", approved.names())
        .detail("approveCommand", request.approveCommand())
        .detail("remediationHint", "run `" + request.approveCommand() + "` on the gateway host")
        .detail("recommendedNextStep", "wait_for_approval")
        .detail("pauseReconnect", true)
        .build();
  }

  static ClawgateException requestLimit(String remoteAddress, long fromAddress, long total) {
    return ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.PAIRING_REQUEST_LIMIT,
            "too many pending pairing requests ("
                + fromAddress
                + " from "
                + remoteAddress
                + ", "
                + total
                + " in total); approve or reject some first: clawgate devices list")
        .retryAfterMs(60_000)
        .build();
  }

  static ClawgateException requestNotFound(String requestId) {
    return ClawgateException.of(
            ErrorCode.NOT_FOUND,
            DetailCode.PAIRING_REQUEST_NOT_FOUND,
            "unknown requestId "
                + requestId
                + ": no such pairing request (resolved requests are kept for 24 h). List current"
                + " requests with: clawgate devices list")
        .detail("requestId", requestId)
        .build();
  }

  static ClawgateException noPendingRequest(String deviceId) {
    return ClawgateException.of(
            ErrorCode.NOT_FOUND,
            DetailCode.PAIRING_REQUEST_NOT_FOUND,
            "device " + deviceId + " has no pending pairing request")
        .detail("deviceId", deviceId)
        .build();
  }

  static ClawgateException alreadyResolved(PairingRequest request) {
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED,
            "pairing request "
                + request.requestId()
                + " was already "
                + request.state().wireName()
                + request.resolvedBy().map(by -> " by " + by).orElse("")
                + "; the device must connect again to ask anew")
        .detail("requestId", request.requestId())
        .detail("state", request.state().wireName())
        .build();
  }

  static ClawgateException approvedDeviceRemoved(PairingRequest request) {
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED,
            "pairing request "
                + request.requestId()
                + " was already approved"
                + request.resolvedBy().map(by -> " by " + by).orElse("")
                + ", but device "
                + request.deviceId()
                + " has been removed since; it must connect again to ask anew")
        .detail("requestId", request.requestId())
        .detail("state", request.state().wireName())
        .detail("deviceId", request.deviceId())
        .build();
  }

  static ClawgateException expired(PairingRequest request) {
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.PAIRING_REQUEST_EXPIRED,
            "pairing request "
                + request.requestId()
                + " expired (pending requests live 5 minutes after the device's last attempt);"
                + " the device must connect again to ask anew")
        .detail("requestId", request.requestId())
        .detail("state", "expired")
        .build();
  }

  static ClawgateException revisionConflict(
      PairingRequest request, int seen, RequestRepository.Revision seenRevision) {
    ScopeSet addedScopes = request.scopes().minus(seenRevision.scopes());
    List<String> addedRoles =
        request.roles().stream()
            .filter(r -> !seenRevision.roles().contains(r))
            .sorted()
            .map(Role::wireName)
            .toList();
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.PAIRING_REQUEST_REVISION_CONFLICT,
            "pairing request "
                + request.requestId()
                + " changed since revision "
                + seen
                + ": it is now revision "
                + request.revision()
                + " and also asks for "
                + (addedRoles.isEmpty() ? "" : "roles " + String.join(",", addedRoles) + " ")
                + (addedScopes.isEmpty() ? "" : "scopes " + addedScopes)
                + ". Review and approve revision "
                + request.revision()
                + ": clawgate devices approve "
                + request.requestId())
        .detail("requestId", request.requestId())
        .detail("revision", request.revision())
        .detail("seenRevision", seen)
        .detail("addedRoles", addedRoles)
        .detail("addedScopes", addedScopes.names())
        .build();
  }

  static ClawgateException approverMissing(String action, ScopeSet missing, ScopeSet held) {
    return ClawgateException.of(
            ErrorCode.FORBIDDEN,
            DetailCode.APPROVER_MISSING_SCOPE,
            action
                + " needs "
                + display(missing)
                + " which this connection does not hold (it holds "
                + display(held)
                + "). The owner can do it from the gateway host: the local CLI with the shared"
                + " secret holds every scope")
        .detail("missingScopes", missing.names())
        .detail("heldScopes", held.names())
        .build();
  }

  static ClawgateException deviceNotFound(String deviceId) {
    return ClawgateException.of(
            ErrorCode.NOT_FOUND,
            DetailCode.DEVICE_NOT_FOUND,
            "no paired device " + deviceId + " (list devices with: clawgate devices list)")
        .detail("deviceId", deviceId)
        .build();
  }

  static ClawgateException roleNotApproved(String deviceId, Role role) {
    return ClawgateException.of(
            ErrorCode.CONFLICT,
            DetailCode.ROLE_NOT_APPROVED,
            "device " + deviceId + " is not approved for role " + role)
        .detail("deviceId", deviceId)
        .detail("role", role.wireName())
        .build();
  }

  static ClawgateException outsideBaseline(String deviceId, ScopeSet outside, ScopeSet baseline) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.SCOPE_OUTSIDE_BASELINE,
            "scopes "
                + display(outside)
                + " are outside the approved baseline of device "
                + deviceId
                + " ("
                + display(baseline)
                + "); rotate can only narrow. To grant more, the device must ask and the owner"
                + " approve")
        .detail("deviceId", deviceId)
        .detail("outsideScopes", outside.names())
        .detail("baselineScopes", baseline.names())
        .build();
  }

  static String display(ScopeSet scopes) {
    return scopes.isEmpty() ? "no scopes" : "[" + scopes.toString().replace(",", ", ") + "]";
  }

  private static ClawgateException.Builder auth(
      DetailCode code, String message, String authReason) {
    boolean deviceToken = code == DetailCode.AUTH_DEVICE_TOKEN_MISMATCH;
    return ClawgateException.of(ErrorCode.INVALID_REQUEST, code, message)
        .detail("authReason", authReason)
        .detail("canRetryWithDeviceToken", false)
        .detail(
            "recommendedNextStep",
            deviceToken
                ? "re_pair_or_rotate_device_token"
                : code == DetailCode.AUTH_SCOPE_MISMATCH
                    ? "pair_device"
                    : "update_auth_credentials");
  }
}
