package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.client.GatewayErrorException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A {@code PAIRING_REQUIRED} refusal as the client received it.
 *
 * @param requestId the pending request the owner approves
 * @param revision the request's revision
 * @param reason {@code not-paired}, {@code role-upgrade}, {@code scope-upgrade} or {@code
 *     metadata-upgrade}
 * @param requestedScopes what this connect asked for
 * @param approvedScopes the device's baseline for the role
 * @param message the error message
 */
record PairingRequired(
    String requestId,
    int revision,
    String reason,
    List<String> requestedScopes,
    List<String> approvedScopes,
    String message) {

  /**
   * Reads {@code refused}, checking the parts every pairing refusal must have: error code {@code
   * NOT_PAIRED}, {@code details.code} {@code PAIRING_REQUIRED}, the exact approve command, and no
   * word of the shared token (the misleading message of the reference).
   */
  static PairingRequired of(GatewayErrorException refused) {
    assertThat(refused.rawCode()).as("error.code of %s", refused).isEqualTo("NOT_PAIRED");
    assertThat(refused.rawDetailCode())
        .as("details.code of %s", refused)
        .contains("PAIRING_REQUIRED");
    JsonNode details = refused.rawDetails().orElseThrow();
    String requestId = details.path("requestId").asString();
    assertThat(refused.getMessage())
        .contains("clawgate devices approve " + requestId)
        .doesNotContain("gateway.auth.token", "gateway.remote.token", "token mismatch");
    return new PairingRequired(
        requestId,
        details.path("revision").asInt(),
        details.path("reason").asString(),
        strings(details.path("requestedScopes")),
        strings(details.path("approvedScopes")),
        refused.getMessage());
  }

  static List<String> strings(JsonNode array) {
    return array.valueStream().map(JsonNode::asString).toList();
  }
}
