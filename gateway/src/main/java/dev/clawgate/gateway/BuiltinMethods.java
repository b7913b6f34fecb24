package dev.clawgate.gateway;

import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ProtocolVersions;
import dev.clawgate.protocol.Scope;
import java.time.Clock;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * The methods every gateway has: {@code health} and {@code status} (both need read). {@code status}
 * is the server's own facts over what the gateway adds ({@link GatewayServer.Builder#status}).
 */
final class BuiltinMethods {
  private BuiltinMethods() {}

  static List<MethodSpec> of(
      Clock clock,
      String version,
      LongSupplier uptimeMs,
      IntSupplier connections,
      Supplier<ObjectNode> statusDetails) {
    MethodSpec health =
        MethodSpec.operator(
            "health",
            Scope.READ,
            call -> {
              ObjectNode payload = Json.mapper().createObjectNode();
              payload.put("ok", true);
              payload.put("ts", clock.millis());
              return payload;
            });
    MethodSpec status =
        MethodSpec.operator(
            "status",
            Scope.READ,
            call -> {
              ObjectNode payload = statusDetails.get();
              payload.put("version", version);
              payload.put("runtimeVersion", version);
              payload.put("uptimeMs", uptimeMs.getAsLong());
              payload.put("connections", connections.getAsInt());
              ObjectNode protocol = payload.putObject("protocol");
              protocol.put("min", ProtocolVersions.MIN);
              protocol.put("max", ProtocolVersions.MAX);
              return payload;
            });
    return List.of(health, status);
  }
}
