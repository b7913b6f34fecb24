package dev.clawgate.client;

import dev.clawgate.protocol.Role;
import java.util.List;
import java.util.Objects;

/**
 * A device token this machine holds for one role, as stored in {@code device-auth.json}. {@link
 * #toString()} never shows the token.
 *
 * @param token the token value (a secret)
 * @param role the role it authenticates
 * @param scopes the token's scopes as last reported by the gateway ({@code hello-ok.auth.scopes})
 * @param updatedAtMs when it was stored, in epoch milliseconds
 */
public record StoredDeviceToken(String token, Role role, List<String> scopes, long updatedAtMs) {
  public StoredDeviceToken {
    Objects.requireNonNull(token, "null token");
    Objects.requireNonNull(role, "null role");
    scopes = List.copyOf(scopes);
  }

  @Override
  public String toString() {
    return "StoredDeviceToken[token=<redacted>, role="
        + role
        + ", scopes="
        + scopes
        + ", updatedAtMs="
        + updatedAtMs
        + "]";
  }
}
