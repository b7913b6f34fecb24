package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate channels status}: each channel account's state. Exits 1 when one is not well, so
 * it serves as a check in scripts and monitoring as it stands.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show each channel account the gateway runs: its state, when it last received and"
          + " delivered a message, and its last error.",
      "STATE is connected (running, and its latest exchange with the platform worked), running"
          + " (started, no exchange yet), error (its latest exchange failed) or stopped (it did"
          + " not start, or was closed). Disabled accounts are not listed.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate channels status",
      "  clawgate channels status --json \\",
      "    | jq '.channelAccounts[][] | select(.lastError)'",
      "",
      "JSON: {\"source\": \"gateway\"} plus the channels.status result, as the reference"
          + " gateway shapes it: \"channelOrder\", \"channelLabels\", \"channels\" (a summary"
          + " per channel), \"channelAccounts\" ({channel: [{\"accountId\", \"running\","
          + " \"connected\", \"lastInboundAt\"?, \"lastOutboundAt\"?, \"lastError\"?,"
          + " \"details\"}]}) and \"channelDefaultAccountId\". No secrets.",
      "",
      "Exit codes: 0 every account running without error (or none configured), 1 an account is"
          + " in error or stopped, 2 usage, 3 gateway not reachable.",
    })
final class ChannelsStatusCommand extends SessionsGatewayCommand {
  @Option(names = "--wide", description = "No cut cells (lines may pass 80 columns).")
  boolean wide;

  @Override
  public Integer call() {
    try (GatewayClient client = gateway(READ)) {
      JsonNode status = client.call("channels.status", params());
      if (connection.json) {
        printJson(status);
      } else {
        printText(render(status, System.currentTimeMillis(), wide));
      }
      return healthy(status) ? Main.OK : Main.FAILED;
    }
  }

  /** Whether every account runs and none reports an error. */
  static boolean healthy(JsonNode status) {
    for (JsonNode account : accounts(status)) {
      String state = state(account);
      if (state.equals("error") || state.equals("stopped")) {
        return false;
      }
    }
    return true;
  }

  /** connected, running, error or stopped (see the help). */
  static String state(JsonNode account) {
    if (!account.path("running").asBoolean(false)) {
      return "stopped";
    }
    if (!text(account, "lastError", "").isEmpty()) {
      return "error";
    }
    return account.path("connected").asBoolean(false) ? "connected" : "running";
  }

  /**
   * Every account snapshot, in {@code channelOrder}, each with its {@code channel} added (the
   * result keeps them in {@code channelAccounts}, keyed by channel, as the reference does).
   */
  static List<JsonNode> accounts(JsonNode status) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode channel : status.path("channelOrder")) {
      for (JsonNode account : status.path("channelAccounts").path(channel.asString())) {
        if (account instanceof ObjectNode object) {
          ObjectNode copy = object.deepCopy();
          copy.put("channel", channel.asString());
          all.add(copy);
        }
      }
    }
    return all;
  }

  static String render(JsonNode status, long nowMs, boolean wide) {
    List<JsonNode> channels = accounts(status);
    if (channels.isEmpty()) {
      return "No channels configured (add accounts under \"channels\" in clawgate.json).\n";
    }
    Table table = new Table("CHANNEL", "ACCOUNT", "STATE", "LAST IN", "LAST OUT", "ERROR");
    for (JsonNode account : channels) {
      table.row(
          account.path("channel").asString(),
          cut(account.path("accountId").asString(), wide ? 0 : 16),
          state(account),
          when(account, "lastInboundAt", nowMs),
          when(account, "lastOutboundAt", nowMs),
          cut(text(account, "lastError", "-"), 0));
    }
    return table.render(wide ? 0 : 80);
  }

  private static String when(JsonNode account, String field, long nowMs) {
    return account.path(field).isNumber()
        ? Table.ago(account.path(field).asLong(), nowMs)
        : "never";
  }
}
