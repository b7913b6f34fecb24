package dev.clawgate.cli;

import dev.clawgate.core.pairing.DeviceKind;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
          + " [device...]}, the device.pair.list shapes (each with \"kind\": \"device\","
          + " \"oauth-client\" or \"token\"); tokens are summarised, never shown.",
    })
final class DevicesListCommand extends OwnerCommand {
  @Option(names = "--wide", description = "Full ids and no cut columns.")
  boolean wide;

  @Override
  public Integer call() {
    try (OwnerSession session = session("operator.pairing")) {
      JsonNode list = session.call("device.pair.list", params());
      notice(session, false);
      if (connection.json) {
        ObjectNode result = params();
        result.set("pending", list.path("pending"));
        result.set("paired", list.path("paired"));
        printJson(session, result);
      } else {
        printText(render(list, System.currentTimeMillis(), wide));
      }
      return Main.OK;
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
      Table table = new Table("REQUEST", "DEVICE", "NAME", "ASKED", "KIND", "WANTS");
      for (JsonNode r : pending) {
        table.row(
            Table.id(r.path("requestId").asString(), wide),
            shortId(r.path("deviceId").asString(), wide),
            r.path("displayName").asString(r.path("clientId").asString("-")),
            Table.ago(r.path("refreshedAtMs").asLong(), nowMs),
            r.path("kind").asString("device"),
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
      Table table = new Table("DEVICE", "NAME", "LAST SEEN", "KIND", "ROLES", "SCOPES");
      for (JsonNode d : paired) {
        table.row(
            shortId(d.path("deviceId").asString(), wide),
            d.path("label").asString(d.path("displayName").asString("-")),
            d.has("lastSeenAtMs") ? Table.ago(d.path("lastSeenAtMs").asLong(), nowMs) : "never",
            d.path("kind").asString("device"),
            String.join(",", names(d.path("roles"))),
            Table.scopes(names(d.path("scopes"))));
      }
      out.append(table.render(width));
    }
    return out.toString();
  }

  /**
   * An id as {@link Table#id} shortens it, but keeping the kind's prefix of a keyless device's id
   * ({@code token-3b8e41d0}, {@code oauth-6f1c2a9e}), which alone would say nothing.
   */
  static String shortId(String id, boolean wide) {
    for (DeviceKind kind : DeviceKind.values()) {
      String prefix = kind.idPrefix();
      if (!prefix.isEmpty() && id.startsWith(prefix)) {
        return prefix + Table.id(id.substring(prefix.length()), wide);
      }
    }
    return Table.id(id, wide);
  }

  private static List<String> names(JsonNode array) {
    return DevicesApproveCommand.names(array);
  }
}
