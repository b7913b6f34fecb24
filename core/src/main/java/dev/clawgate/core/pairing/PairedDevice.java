package dev.clawgate.core.pairing;

import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A paired device as the owner sees it: identity, pinned metadata, approved roles with their scope
 * baselines, and its tokens (never their values).
 *
 * @param deviceId hex SHA-256 of the public key
 * @param publicKey base64url raw key (empty for kinds without a key)
 * @param kind what the device is
 * @param displayName the client's display name at approval
 * @param label the owner's name for the device ({@code devices rename})
 * @param platform pinned platform
 * @param deviceFamily pinned device family
 * @param clientId client kind at approval
 * @param clientMode client mode at approval
 * @param remoteAddress address at approval
 * @param approvedVia {@code owner} or {@code silent} (first approval)
 * @param createdAtMs first approval
 * @param approvedAtMs latest approval
 * @param lastSeenAtMs latest connect (updated at most once a minute)
 * @param lastSeenReason what the latest sighting was
 * @param roles approved roles and their baselines
 * @param tokens one per approved or revoked role
 */
public record PairedDevice(
    String deviceId,
    String publicKey,
    DeviceKind kind,
    Optional<String> displayName,
    Optional<String> label,
    Optional<String> platform,
    Optional<String> deviceFamily,
    Optional<String> clientId,
    Optional<String> clientMode,
    Optional<String> remoteAddress,
    String approvedVia,
    long createdAtMs,
    long approvedAtMs,
    Optional<Long> lastSeenAtMs,
    Optional<String> lastSeenReason,
    Map<Role, RoleGrant> roles,
    List<TokenInfo> tokens) {

  public PairedDevice {
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(publicKey, "null publicKey");
    Objects.requireNonNull(kind, "null kind");
    roles = Map.copyOf(roles);
    tokens = List.copyOf(tokens);
  }

  /** The baseline of {@code role}, or empty when the role is not approved. */
  public Optional<ScopeSet> baseline(Role role) {
    return Optional.ofNullable(roles.get(role)).map(RoleGrant::baseline);
  }

  /** The token of {@code role}, if any. */
  public Optional<TokenInfo> token(Role role) {
    return tokens.stream().filter(t -> t.role() == role).findFirst();
  }

  /**
   * An approved role.
   *
   * @param baseline the approved scopes (empty for node)
   * @param approvedAtMs when the role was last approved
   */
  public record RoleGrant(ScopeSet baseline, long approvedAtMs) {}

  /**
   * A device token without its value.
   *
   * @param role the token's role
   * @param scopes the token's scopes (covered by the role's baseline)
   * @param createdAtMs when the token record was created
   * @param issuedAtMs when the current value was issued (empty: not yet handed to the device)
   * @param rotatedAtMs last rotation
   * @param revokedAtMs when revoked
   * @param lastUsedAtMs last authentication with it
   */
  public record TokenInfo(
      Role role,
      ScopeSet scopes,
      long createdAtMs,
      Optional<Long> issuedAtMs,
      Optional<Long> rotatedAtMs,
      Optional<Long> revokedAtMs,
      Optional<Long> lastUsedAtMs) {}
}
