package dev.clawgate.core.pairing;

import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import java.util.Optional;

/**
 * What a successful {@code connect} was granted.
 *
 * @param role the granted role
 * @param connectionScopes what this connection may use (least privilege: the requested scopes)
 * @param reportedScopes {@code hello-ok.auth.scopes}: the device token's scopes, or the granted
 *     scopes for a device-less connection
 * @param authMethod how the connection authenticated: {@code token}, {@code password}, {@code
 *     device-token}, {@code device} or {@code none}
 * @param deviceId the device, when the connect carried one
 * @param issuedDeviceToken the device token, only when it was minted for this connection just now
 *     (tokens are stored hashed, so an existing value cannot be shown again)
 * @param tokenIssuedAtMs when the device token was created
 */
public record ConnectGrant(
    Role role,
    ScopeSet connectionScopes,
    ScopeSet reportedScopes,
    String authMethod,
    Optional<String> deviceId,
    Optional<String> issuedDeviceToken,
    Optional<Long> tokenIssuedAtMs) {

  public ConnectGrant {
    Objects.requireNonNull(role, "null role");
    Objects.requireNonNull(connectionScopes, "null connectionScopes");
    Objects.requireNonNull(reportedScopes, "null reportedScopes");
    Objects.requireNonNull(authMethod, "null authMethod");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(issuedDeviceToken, "null issuedDeviceToken");
    Objects.requireNonNull(tokenIssuedAtMs, "null tokenIssuedAtMs");
  }

  @Override
  public String toString() {
    return "ConnectGrant[role="
        + role
        + ", scopes="
        + connectionScopes
        + ", method="
        + authMethod
        + ", device="
        + deviceId.orElse("-")
        + ", issuedDeviceToken="
        + (issuedDeviceToken.isPresent() ? "<redacted>" : "<absent>")
        + "]";
  }
}
