package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The owner at the gateway host, connected the way {@code clawgate devices approve} connects: the
 * shared token and no device identity, so the approver never needs pairing itself and its own
 * connect can never touch a device's request. It records every event it receives.
 */
final class Owner implements AutoCloseable {
  private final GatewayClient connection;
  private final List<EventFrame> events = new CopyOnWriteArrayList<>();

  private Owner(GatewayUnderTest gateway, List<String> scopes) {
    this.connection =
        GatewayClient.connect(
            gateway.client().token(GatewayUnderTest.TOKEN).scopes(scopes).build(), events::add);
  }

  /** The owner with every scope ({@code operator.admin}). */
  static Owner connect(GatewayUnderTest gateway) {
    return new Owner(gateway, List.of(Scope.ADMIN.name()));
  }

  /** An owner-side connection (shared token, no device) holding only {@code scopes}. */
  static Owner withScopes(GatewayUnderTest gateway, String... scopes) {
    return new Owner(gateway, List.of(scopes));
  }

  /** Calls {@code method}; returns its payload. */
  JsonNode call(String method, ObjectNode params) {
    return connection.call(method, params);
  }

  /** Approves {@code requestId} as seen at {@code revision}; returns the method's payload. */
  JsonNode approve(String requestId, int revision) {
    return connection.call("device.pair.approve", approveParams(requestId, revision));
  }

  /** An approval the gateway must refuse. */
  GatewayErrorException approveRefused(String requestId, int revision) {
    GatewayErrorException refused =
        catchThrowableOfType(GatewayErrorException.class, () -> approve(requestId, revision));
    assertThat(refused).as("approving %s must be refused", requestId).isNotNull();
    return refused;
  }

  private static ObjectNode approveParams(String requestId, int revision) {
    return Json.mapper().createObjectNode().put("requestId", requestId).put("revision", revision);
  }

  /** Revokes the device's operator token over the wire. */
  void revokeOperatorToken(String deviceId) {
    connection.call(
        "device.token.revoke",
        Json.mapper().createObjectNode().put("deviceId", deviceId).put("role", "operator"));
  }

  /** The ids of the pending requests {@code device.pair.list} shows. */
  List<String> pendingRequestIds() {
    return connection
        .call("device.pair.list")
        .path("pending")
        .valueStream()
        .map(request -> request.path("requestId").asString())
        .toList();
  }

  /** The device id of the paired OAuth client {@code clientId}. */
  String deviceIdOfClient(String clientId) {
    return connection
        .call("device.pair.list")
        .path("paired")
        .valueStream()
        .filter(device -> device.path("clientId").asString("").equals(clientId))
        .map(device -> device.path("deviceId").asString())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no paired client " + clientId));
  }

  /** Removes a device over the wire. */
  void remove(String deviceId) {
    connection.call(
        "device.pair.remove", Json.mapper().createObjectNode().put("deviceId", deviceId));
  }

  /** The pending request {@code requestId} as {@code device.pair.list} shows it. */
  JsonNode pendingRequest(String requestId) {
    return connection
        .call("device.pair.list")
        .path("pending")
        .valueStream()
        .filter(request -> request.path("requestId").asString().equals(requestId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pending request " + requestId));
  }

  /**
   * Pairs a device the way the owner does: the device asks (and is refused), the owner approves
   * exactly the revision it was shown, and the device connects again. Returns that connect's {@code
   * hello-ok}; the connection is closed.
   */
  HelloOk pair(ClientOptions device) {
    PairingRequired required = PairingRequired.of(Device.connectRefused(device));
    assertThat(approve(required.requestId(), required.revision()).path("status").asString())
        .isEqualTo("approved");
    try (GatewayClient paired = GatewayClient.connect(device)) {
      return paired.hello();
    }
  }

  /** The events named {@code name} received so far, in order. */
  List<EventFrame> events(String name) {
    return events.stream().filter(e -> e.event().equals(name)).toList();
  }

  @Override
  public void close() {
    connection.close();
  }
}
