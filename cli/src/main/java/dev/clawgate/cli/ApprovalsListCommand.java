package dev.clawgate.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate approvals list}: what waits for an operator, from the running gateway. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the exec and plugin approvals waiting for an operator, oldest first.",
      "With --all, also those resolved or expired in the last 24 hours.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate approvals list",
      "  clawgate approvals list --all --wide",
      "  clawgate approvals list --json | jq -r '.exec[].id'",
      "",
      "Exit codes: 0 listed, 1 failed, 2 usage, 3 gateway not running.",
      "JSON: {\"source\": \"gateway\", \"exec\": [approval...], \"plugin\": [approval...]},"
          + " each {id, kind, state, request, createdAtMs, expiresAtMs, decision?,"
          + " resolvedBy?, resolvedAtMs?} as exec.approval.list answers.",
    })
final class ApprovalsListCommand extends OwnerCommand {
  @Option(names = "--all", description = "Also list approvals resolved in the last 24 hours.")
  boolean all;

  @Option(names = "--wide", description = "Full ids and no cut columns.")
  boolean wide;

  @Override
  public Integer call() {
    try (ApprovalsGateway gateway = ApprovalsGateway.connect(target(), connection.timeout())) {
      ObjectNode params = params();
      if (all) {
        params.put("includeResolved", true).put("limit", 100);
      }
      JsonNode exec = gateway.call("exec.approval.list", params);
      JsonNode plugin = gateway.call("plugin.approval.list", params);
      if (connection.json) {
        ObjectNode result = params();
        result.set("exec", exec);
        result.set("plugin", plugin);
        ApprovalsGateway.printJson(out(), result);
      } else {
        printText(render(exec, plugin, System.currentTimeMillis(), wide));
      }
      return Main.OK;
    }
  }

  static String render(JsonNode exec, JsonNode plugin, long nowMs, boolean wide) {
    int width = wide ? 0 : 80;
    List<JsonNode> pendingExec = select(exec, true);
    List<JsonNode> pendingPlugin = select(plugin, true);
    StringBuilder out = new StringBuilder();
    if (pendingExec.isEmpty() && pendingPlugin.isEmpty()) {
      out.append("No pending approvals.\n");
    }
    if (!pendingExec.isEmpty()) {
      out.append("Pending exec approvals (").append(pendingExec.size()).append(")\n");
      Table table = new Table("ID", "AGENT", "EXPIRES", "COMMAND");
      for (JsonNode a : pendingExec) {
        JsonNode request = a.path("request");
        table.row(
            id(a, wide),
            cut(request.path("agentId").asString("-"), 16, wide),
            Table.ago(a.path("expiresAtMs").asLong(), nowMs),
            oneLine(request.path("command").asString()));
      }
      out.append(table.render(width));
    }
    if (!pendingPlugin.isEmpty()) {
      out.append("Pending plugin approvals (").append(pendingPlugin.size()).append(")\n");
      Table table = new Table("ID", "SEVERITY", "EXPIRES", "TITLE");
      for (JsonNode a : pendingPlugin) {
        JsonNode request = a.path("request");
        table.row(
            id(a, wide),
            request.path("severity").asString("-"),
            Table.ago(a.path("expiresAtMs").asLong(), nowMs),
            oneLine(request.path("title").asString()));
      }
      out.append(table.render(width));
    }
    if (!pendingExec.isEmpty() || !pendingPlugin.isEmpty()) {
      out.append("Allow with: clawgate approvals allow <id> [--always]\n");
      out.append("Deny with:  clawgate approvals deny <id>\n");
    }
    List<JsonNode> finished = new ArrayList<>(select(exec, false));
    finished.addAll(select(plugin, false));
    if (!finished.isEmpty()) {
      out.append("\nResolved in the last 24 hours (").append(finished.size()).append(")\n");
      Table table = new Table("ID", "DECISION", "WHEN", "BY");
      for (JsonNode a : finished) {
        table.row(
            id(a, wide),
            a.path("decision").asString("-"),
            Table.ago(a.path("resolvedAtMs").asLong(), nowMs),
            a.path("resolvedBy").asString("-"));
      }
      out.append(table.render(width));
    }
    return out.toString();
  }

  private static List<JsonNode> select(JsonNode approvals, boolean pending) {
    List<JsonNode> selected = new ArrayList<>();
    for (JsonNode a : approvals) {
      if (a.path("state").asString("pending").equals("pending") == pending) {
        selected.add(a);
      }
    }
    return selected;
  }

  /** An exec id's first 8 characters; a plugin id as {@code plugin:} and 8 more. */
  private static String id(JsonNode approval, boolean wide) {
    String id = approval.path("id").asString();
    if (id.startsWith(ApprovalsGateway.PLUGIN_PREFIX)) {
      return ApprovalsGateway.PLUGIN_PREFIX
          + Table.id(id.substring(ApprovalsGateway.PLUGIN_PREFIX.length()), wide);
    }
    return Table.id(id, wide);
  }

  private static String cut(String text, int max, boolean wide) {
    return wide || text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }
}
