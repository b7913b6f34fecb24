package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate health}: whether the gateway answers, and how long the round trip took. */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = "Check that the gateway answers (connect with the shared secret, call health).",
    footer = {
      "",
      "Examples:",
      "  clawgate health",
      "  clawgate health --url ws://gateway.example:18789 --token-file ~/.clawgate/token --json",
      "",
      "Exit codes: 0 healthy, 1 refused or failed, 2 usage or configuration, 3 not reachable.",
    })
final class HealthCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin ConnectionOptions connection = new ConnectionOptions();

  @Override
  public Integer call() {
    GatewayTarget target = GatewayTarget.resolve(connection, System.getenv());
    long started = System.nanoTime();
    JsonNode health;
    String serverVersion;
    try (GatewayClient client =
        GatewayClient.connect(target.ownerOptions(connection.timeout(), "operator.read"))) {
      health = client.call("health", Json.mapper().createObjectNode());
      serverVersion = client.hello().serverVersion();
    } catch (ClawgateException e) {
      throw OwnerErrors.explain(e, target);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    PrintWriter out =
        spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    if (connection.json) {
      ObjectNode result = Json.mapper().createObjectNode();
      result.put("ok", health.path("ok").asBoolean(false));
      result.put("url", target.url().toString());
      result.put("serverVersion", serverVersion);
      result.put("roundTripMs", millis);
      out.println(Json.mapper().writeValueAsString(result));
    } else {
      out.println(
          "gateway at "
              + target.url()
              + " is healthy (clawgate "
              + serverVersion
              + ", answered in "
              + millis
              + " ms)");
    }
    out.flush();
    return health.path("ok").asBoolean(false) ? Main.OK : Main.FAILED;
  }
}
