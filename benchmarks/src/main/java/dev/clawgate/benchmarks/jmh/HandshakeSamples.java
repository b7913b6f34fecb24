package dev.clawgate.benchmarks.jmh;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ProtocolLimits;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * The frames of one handshake as the gateway sees them: a device-less and a signed connect request,
 * and a hello-ok shaped like the gateway's (its method and event lists as of this writing).
 */
final class HandshakeSamples {
  static final String TOKEN = "benchmark-shared-token";
  static final List<String> SCOPES = List.of("operator.read");

  /** The methods {@code clawgate gateway run} registers (built-ins, then pairing). */
  static final List<String> METHODS =
      List.of(
          "health",
          "status",
          "device.pair.list",
          "device.pair.approve",
          "device.pair.reject",
          "device.pair.remove",
          "device.pair.rename",
          "device.token.rotate",
          "device.token.revoke");

  /** The events of spec/gateway-protocol.md. */
  static final List<String> EVENTS =
      List.of(
          "connect.challenge",
          "tick",
          "health",
          "presence",
          "session.message",
          "sessions.changed",
          "device.pair.requested",
          "device.pair.resolved",
          "exec.approval.requested",
          "exec.approval.resolved",
          "plugin.approval.requested",
          "plugin.approval.resolved",
          "shutdown");

  private HandshakeSamples() {}

  static ConnectParams unsigned(AuthParams auth) {
    return new ConnectParams(
        3,
        4,
        ClientInfo.of("clawgate-load", "0.1.0", "linux", "cli"),
        List.of(),
        List.of(),
        Map.of(),
        Optional.empty(),
        Role.OPERATOR,
        SCOPES,
        auth,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** {@code params} with a v3 proof by {@code identity} over {@code nonce}. */
  static ConnectParams signed(
      ConnectParams params, DeviceIdentity identity, String nonce, long signedAtMs) {
    return params.withDevice(identity.proveV3(params, nonce, signedAtMs));
  }

  /** The connect request text carrying {@code params}. */
  static String request(ConnectParams params) {
    ObjectNode frame = Json.mapper().createObjectNode();
    frame.put("type", "req");
    frame.put("id", "c1");
    frame.put("method", "connect");
    frame.set("params", params.toNode());
    return frame.toString();
  }

  /** A hello-ok for a device-less token connect. */
  static HelloOk hello(String connId) {
    return new HelloOk(
        4,
        "0.1.0-SNAPSHOT",
        connId,
        METHODS,
        EVENTS,
        Optional.empty(),
        new HelloOk.Auth(
            Optional.of("token"), Role.OPERATOR, SCOPES, Optional.empty(), Optional.empty()),
        new HelloOk.Policy(ProtocolLimits.MAX_PAYLOAD_BYTES, 50L * 1024 * 1024, 30_000));
  }
}
