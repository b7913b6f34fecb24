package dev.clawgate.core.pairing;

import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A pairing request: a device asking the owner for roles and scopes. Its id is stable for its whole
 * life; asking for more amends it in place (same id, higher revision).
 *
 * @param requestId stable id (UUID)
 * @param deviceId the asking device
 * @param publicKey the device's key (base64url raw; empty for kinds without a key)
 * @param kind what the device is
 * @param displayName the client's display name
 * @param platform the client's platform
 * @param deviceFamily the client's device family
 * @param clientId the client kind
 * @param clientMode the client mode
 * @param remoteAddress where the request came from
 * @param reason why pairing was needed
 * @param roles requested roles (union over all revisions)
 * @param scopes requested scopes (union over all revisions)
 * @param revision 1, incremented by each amendment
 * @param isRepair whether the device was already paired (an upgrade, not a first pairing)
 * @param state pending or how it was resolved
 * @param createdAtMs when it was created
 * @param refreshedAtMs when it was last refreshed or amended
 * @param expiresAtMs when it expires while pending
 * @param resolvedAtMs when it was resolved
 * @param resolvedBy who resolved it
 * @param approvedVia {@code owner} or {@code silent}, when approved
 */
public record PairingRequest(
    String requestId,
    String deviceId,
    String publicKey,
    DeviceKind kind,
    Optional<String> displayName,
    Optional<String> platform,
    Optional<String> deviceFamily,
    Optional<String> clientId,
    Optional<String> clientMode,
    String remoteAddress,
    PairingReason reason,
    Set<Role> roles,
    ScopeSet scopes,
    int revision,
    boolean isRepair,
    RequestState state,
    long createdAtMs,
    long refreshedAtMs,
    long expiresAtMs,
    Optional<Long> resolvedAtMs,
    Optional<String> resolvedBy,
    Optional<String> approvedVia) {

  public PairingRequest {
    Objects.requireNonNull(requestId, "null requestId");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(kind, "null kind");
    Objects.requireNonNull(reason, "null reason");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(scopes, "null scopes");
    Objects.requireNonNull(state, "null state");
  }

  /** The command an owner runs to approve this request. */
  public String approveCommand() {
    return "clawgate devices approve " + requestId;
  }
}
