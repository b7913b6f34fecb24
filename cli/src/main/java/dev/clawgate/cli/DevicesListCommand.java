package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.core.pairing.PairingListener;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.gateway.pairing.PairingJson;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate devices list}: pending requests and paired devices, from the gateway, or from the
 * state dir directly when the local gateway is not running.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List pending pairing requests and paired devices.",
      "When the local gateway is not running, reads its state dir directly (and says so)."
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices list",
      "  clawgate devices list --wide",
      "  clawgate devices list --json | jq '.pending[].requestId'",
      "",
      "JSON: {\"source\": \"gateway\"|\"state-dir\", \"pending\": [request...], \"paired\":"
          + " [device...]}, the device.pair.list shapes; tokens are summarised, never shown.",
    })
final class DevicesListCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin ConnectionOptions connection = new ConnectionOptions();

  @Option(names = "--wide", description = "Full ids and no cut columns.")
  boolean wide;

  @Override
  public Integer call() {
    GatewayTarget target = GatewayTarget.resolve(connection, System.getenv());
    PrintWriter out =
        spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    PrintWriter err =
        spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr();
    JsonNode list;
    String source;
    try {
      list = fromGateway(target);
      source = "gateway";
    } catch (ClawgateException e) {
      if (!(OwnerErrors.unreachable(e) && target.local())) {
        throw OwnerErrors.explain(e, target);
      }
      list = fromStateDir(target);
      source = "state-dir";
      err.println(
          "clawgate: gateway not running; read " + target.config().stateDir() + " directly");
      err.flush();
    }
    if (connection.json) {
      ObjectNode result = Json.mapper().createObjectNode();
      result.put("source", source);
      result.set("pending", list.path("pending"));
      result.set("paired", list.path("paired"));
      out.println(Json.mapper().writeValueAsString(result));
    } else {
      out.print(render(list, System.currentTimeMillis(), wide));
    }
    out.flush();
    return Main.OK;
  }

  private JsonNode fromGateway(GatewayTarget target) {
    try (GatewayClient client =
        GatewayClient.connect(target.ownerOptions(connection.timeout(), "operator.pairing"))) {
      return client.call("device.pair.list", Json.mapper().createObjectNode());
    }
  }

  private static JsonNode fromStateDir(GatewayTarget target) {
    if (!Files.exists(target.config().databaseFile())) {
      throw ClawgateException.of(
              ErrorCode.UNAVAILABLE,
              DetailCode.STORE_UNAVAILABLE,
              "the gateway at "
                  + target.url()
                  + " is not running and "
                  + target.config().stateDir()
                  + " holds no state yet (start it with `clawgate gateway run`)")
          .detail("reason", "unreachable")
          .build();
    }
    try (StateStore store = StateStore.open(target.config().databaseFile())) {
      PairingService pairing =
          PairingService.create(
              store,
              target.config().auth(),
              target.config().pairing(),
              Clock.systemUTC(),
              PairingListener.none());
      return PairingJson.snapshot(pairing.list());
    }
  }

  static String render(JsonNode list, long nowMs, boolean wide) {
    int width = wide ? 0 : 80;
    StringBuilder out = new StringBuilder();
    JsonNode pending = list.path("pending");
    if (pending.isEmpty()) {
      out.append("No pending requests.\n");
    } else {
      out.append("Pending requests (").append(pending.size()).append(")\n");
      Table table = new Table("REQUEST", "DEVICE", "NAME", "ASKED", "WANTS");
      for (JsonNode r : pending) {
        table.row(
            Table.id(r.path("requestId").asString(), wide),
            Table.id(r.path("deviceId").asString(), wide),
            r.path("displayName").asString(r.path("clientId").asString("-")),
            Table.ago(r.path("refreshedAtMs").asLong(), nowMs),
            r.path("role").asString() + " " + Table.scopes(names(r.path("scopes"))));
      }
      out.append(table.render(width));
      out.append("Approve with: clawgate devices approve <request>\n");
    }
    JsonNode paired = list.path("paired");
    out.append('\n');
    if (paired.isEmpty()) {
      out.append("No paired devices.\n");
    } else {
      out.append("Paired devices (").append(paired.size()).append(")\n");
      Table table = new Table("DEVICE", "NAME", "LAST SEEN", "ROLES", "SCOPES");
      for (JsonNode d : paired) {
        table.row(
            Table.id(d.path("deviceId").asString(), wide),
            d.path("label").asString(d.path("displayName").asString("-")),
            d.has("lastSeenAtMs") ? Table.ago(d.path("lastSeenAtMs").asLong(), nowMs) : "never",
            String.join(",", names(d.path("roles"))),
            Table.scopes(names(d.path("scopes"))));
      }
      out.append(table.render(width));
    }
    return out.toString();
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asString()));
    return names;
  }
}
