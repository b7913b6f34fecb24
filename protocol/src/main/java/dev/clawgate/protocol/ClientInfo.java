package dev.clawgate.protocol;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code connect.params.client}: what software is connecting. Claims only; nothing here is trusted
 * for authorization except through the device signature that covers id, mode, platform and family.
 *
 * @param id client kind, e.g. {@code cli}
 * @param displayName a human name shown to the owner
 * @param version the client's version
 * @param platform operating system, e.g. {@code linux}
 * @param deviceFamily hardware family, e.g. {@code Linux}
 * @param modelIdentifier hardware model
 * @param mode client mode, e.g. {@code cli}, {@code backend}, {@code ui}
 * @param instanceId one running instance
 */
public record ClientInfo(
    String id,
    Optional<String> displayName,
    String version,
    String platform,
    Optional<String> deviceFamily,
    Optional<String> modelIdentifier,
    String mode,
    Optional<String> instanceId) {

  private static final Set<String> KEYS =
      Set.of(
          "id",
          "displayName",
          "version",
          "platform",
          "deviceFamily",
          "modelIdentifier",
          "mode",
          "instanceId");
  private static final int MAX = 128;

  public ClientInfo {
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(displayName, "null displayName");
    Objects.requireNonNull(version, "null version");
    Objects.requireNonNull(platform, "null platform");
    Objects.requireNonNull(deviceFamily, "null deviceFamily");
    Objects.requireNonNull(modelIdentifier, "null modelIdentifier");
    Objects.requireNonNull(mode, "null mode");
    Objects.requireNonNull(instanceId, "null instanceId");
  }

  /** A client description with the required fields only. */
  public static ClientInfo of(String id, String version, String platform, String mode) {
    return new ClientInfo(
        id,
        Optional.empty(),
        version,
        platform,
        Optional.empty(),
        Optional.empty(),
        mode,
        Optional.empty());
  }

  static ClientInfo parse(Fields fields) {
    fields.allowOnly(KEYS);
    return new ClientInfo(
        fields.string("id", MAX),
        fields.optString("displayName", 256),
        fields.string("version", MAX),
        fields.string("platform", MAX),
        fields.optString("deviceFamily", MAX),
        fields.optString("modelIdentifier", MAX),
        fields.string("mode", MAX),
        fields.optString("instanceId", MAX));
  }
}
