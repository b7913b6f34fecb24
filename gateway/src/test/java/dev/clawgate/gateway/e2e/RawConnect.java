package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.gateway.TestSocket;
import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Hand-built {@code connect} requests for raw sockets: what the client library would send, or a
 * deliberate deviation from it, and the refusal that comes back.
 */
final class RawConnect {
  /** What the client library announces by default, so a raw connect matches a paired device. */
  static final ClientInfo CLIENT = ClientOptions.defaultClient("dev");

  private RawConnect() {}

  /**
   * A refused connect: the error of the response and how the gateway then closed the socket.
   *
   * @param error the response's {@code error}
   * @param close the close code and reason
   */
  record Refusal(JsonNode error, TestSocket.Close close) {
    String code() {
      return error.path("code").asString();
    }

    String detailCode() {
      return error.path("details").path("code").asString();
    }

    String message() {
      return error.path("message").asString();
    }

    JsonNode details() {
      return error.path("details");
    }
  }

  /** Connect params for protocols 3-4, with no device proof. */
  static ConnectParams params(Role role, ClientInfo client, AuthParams auth, List<String> scopes) {
    return new ConnectParams(
        3,
        4,
        client,
        List.of(),
        List.of(),
        Map.of(),
        Optional.empty(),
        role,
        scopes,
        auth,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** Operator connect params from the default client. */
  static ConnectParams operator(AuthParams auth, String... scopes) {
    return params(Role.OPERATOR, CLIENT, auth, List.of(scopes));
  }

  /** A valid v3 proof by {@code identity} of {@code params} over {@code nonce}. */
  static DeviceProof proof(
      DeviceIdentity identity, ConnectParams params, String nonce, long signedAtMs) {
    return identity.proveV3(params, nonce, signedAtMs);
  }

  /** Opens a socket, sends {@code params} unsigned, and returns the refusal. */
  static Refusal refused(GatewayUnderTest gateway, ConnectParams params) {
    return refused(gateway, Map.of(), params);
  }

  /** Opens a socket with {@code headers}, sends {@code params} unsigned, returns the refusal. */
  static Refusal refused(
      GatewayUnderTest gateway, Map<String, String> headers, ConnectParams params) {
    return refused(gateway, headers, params.toNode());
  }

  /** Opens a socket, sends {@code params} as they are, and returns the refusal. */
  static Refusal refused(GatewayUnderTest gateway, JsonNode params) {
    return refused(gateway, Map.of(), params);
  }

  private static Refusal refused(
      GatewayUnderTest gateway, Map<String, String> headers, JsonNode params) {
    try (TestSocket socket = gateway.rawSocket(headers)) {
      socket.challenge();
      return refused(socket, socket.sendConnect(params));
    }
  }

  /** Opens a socket and sends {@code params} signed by {@code identity} over its challenge now. */
  static Refusal refusedSigned(
      GatewayUnderTest gateway, DeviceIdentity identity, ConnectParams params) {
    try (TestSocket socket = gateway.rawSocket()) {
      String nonce = socket.challenge().path("nonce").asString();
      ConnectParams signed =
          params.withDevice(proof(identity, params, nonce, System.currentTimeMillis()));
      return refused(socket, socket.sendConnect(signed.toNode()));
    }
  }

  /** The refusal {@code response} carries, once the gateway has closed {@code socket}. */
  static Refusal refused(TestSocket socket, JsonNode response) {
    assertThat(response.path("ok").asBoolean(true)).as("connect must fail: %s", response).isFalse();
    return new Refusal(response.path("error"), socket.awaitClose());
  }
}
