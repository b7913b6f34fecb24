package dev.clawgate.protocol;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code connect.params.auth}: the credentials a client presents. {@link #toString()} never shows a
 * value, so logging this record cannot leak a secret.
 *
 * @param token the shared gateway token (or a device token sent in its place)
 * @param password the shared gateway password
 * @param deviceToken a device token issued earlier by this gateway
 * @param bootstrapToken a one-time setup token
 * @param approvalRuntimeToken accepted for compatibility, not used by clawgate
 * @param agentRuntimeIdentityToken accepted for compatibility, not used by clawgate
 */
public record AuthParams(
    Optional<String> token,
    Optional<String> password,
    Optional<String> deviceToken,
    Optional<String> bootstrapToken,
    Optional<String> approvalRuntimeToken,
    Optional<String> agentRuntimeIdentityToken) {

  private static final Set<String> KEYS =
      Set.of(
          "token",
          "password",
          "deviceToken",
          "bootstrapToken",
          "approvalRuntimeToken",
          "agentRuntimeIdentityToken");
  private static final int MAX = 1024;

  public AuthParams {
    Objects.requireNonNull(token, "null token");
    Objects.requireNonNull(password, "null password");
    Objects.requireNonNull(deviceToken, "null deviceToken");
    Objects.requireNonNull(bootstrapToken, "null bootstrapToken");
    Objects.requireNonNull(approvalRuntimeToken, "null approvalRuntimeToken");
    Objects.requireNonNull(agentRuntimeIdentityToken, "null agentRuntimeIdentityToken");
  }

  /** No credentials. */
  public static AuthParams none() {
    return new AuthParams(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public AuthParams withToken(String value) {
    return new AuthParams(
        Optional.of(value),
        password,
        deviceToken,
        bootstrapToken,
        approvalRuntimeToken,
        agentRuntimeIdentityToken);
  }

  public AuthParams withPassword(String value) {
    return new AuthParams(
        token,
        Optional.of(value),
        deviceToken,
        bootstrapToken,
        approvalRuntimeToken,
        agentRuntimeIdentityToken);
  }

  public AuthParams withDeviceToken(String value) {
    return new AuthParams(
        token,
        password,
        Optional.of(value),
        bootstrapToken,
        approvalRuntimeToken,
        agentRuntimeIdentityToken);
  }

  /**
   * The token covered by a device signature: the first present of {@code token}, {@code
   * deviceToken} and {@code bootstrapToken}, else empty.
   */
  public String signatureToken() {
    return token.or(() -> deviceToken).or(() -> bootstrapToken).orElse("");
  }

  static AuthParams parse(Fields fields) {
    fields.allowOnly(KEYS);
    return new AuthParams(
        fields.optString("token", MAX),
        fields.optString("password", MAX),
        fields.optString("deviceToken", MAX),
        fields.optString("bootstrapToken", MAX),
        fields.optString("approvalRuntimeToken", 4 * MAX),
        fields.optString("agentRuntimeIdentityToken", 4 * MAX));
  }

  @Override
  public String toString() {
    return "AuthParams[token="
        + mask(token)
        + ", password="
        + mask(password)
        + ", deviceToken="
        + mask(deviceToken)
        + ", bootstrapToken="
        + mask(bootstrapToken)
        + "]";
  }

  private static String mask(Optional<String> value) {
    return value.isPresent() ? "<redacted>" : "<absent>";
  }
}
