package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate sessions list}: a page of the gateway's sessions, most recently active first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the sessions the gateway holds, most recently active first: the key (pass it to"
          + " `sessions show` or `sessions send`), the channel replies go to, when it last"
          + " changed, and its title (label, name, first message or latest message).",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate sessions list",
      "  clawgate sessions list --channel telegram --search invoice",
      "  clawgate sessions list --limit 20 --offset 20 --wide",
      "  clawgate sessions list --json | jq -r '.sessions[].key'",
      "",
      "JSON: {\"source\": \"gateway\", \"count\", \"total\", \"sessions\": [{\"key\","
          + " \"sessionId\", \"kind\", \"channel\"?, \"label\"?, \"displayName\"?,"
          + " \"derivedTitle\"?, \"lastMessagePreview\"?, \"updatedAt\", \"deliveryContext\"?,"
          + " \"lastChannel\"?, \"lastTo\"?, ...}], ...}, the sessions.list result.",
    })
final class SessionsListCommand extends SessionsGatewayCommand {
  /** The most a page holds (the gateway's limit too). */
  static final int MAX_LIMIT = 1000;

  /** The width of a terminal line, which the table fits unless --wide. */
  private static final int WIDTH = 80;

  /**
   * The key is what a person copies into the next command, so it is cut only past this (leaving the
   * title a quarter of the line).
   */
  private static final int KEY_MAX = 40;

  private static final int CHANNEL_MAX = 10;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "50",
      description = "At most this many sessions (1-1000, default ${DEFAULT-VALUE}).")
  int limit = 50;

  @Option(
      names = "--offset",
      paramLabel = "<n>",
      defaultValue = "0",
      description = "Skip this many first (for the next page).")
  int offset;

  @Option(
      names = "--search",
      paramLabel = "<text>",
      description = "Only sessions whose key, label, name or title contains this.")
  @Nullable String search;

  @Option(
      names = "--channel",
      paramLabel = "<channel>",
      description = "Only sessions on this channel (telegram, webhook).")
  @Nullable String channel;

  @Option(
      names = "--wide",
      description = "Add the TO column (the peer replies go to) and cut nothing.")
  boolean wide;

  @Override
  public Integer call() {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw usage("--limit " + limit + ": give 1 to " + MAX_LIMIT);
    }
    if (offset < 0) {
      throw usage("--offset " + offset + ": give 0 or more");
    }
    ObjectNode params = params().put("limit", limit).put("offset", offset);
    if (search != null) {
      params.put("search", search);
    }
    if (channel != null) {
      params.put("channel", channel);
    }
    params.put("includeDerivedTitles", true).put("includeLastMessage", true);
    try (GatewayClient client = gateway(READ)) {
      JsonNode result = client.call("sessions.list", params);
      if (connection.json) {
        printJson(result);
      } else {
        printText(render(result, offset, System.currentTimeMillis(), wide));
      }
      return Main.OK;
    }
  }

  static String render(JsonNode result, int offset, long nowMs, boolean wide) {
    JsonNode sessions = result.path("sessions");
    long total = result.path("total").asLong(sessions.size());
    if (sessions.isEmpty()) {
      return total == 0
          ? "No sessions.\n"
          : "No sessions from offset " + offset + " (" + total + " in all).\n";
    }
    Table table =
        wide
            ? new Table("KEY", "CHANNEL", "TO", "UPDATED", "TITLE")
            : new Table("KEY", "CHANNEL", "UPDATED", "TITLE");
    for (JsonNode s : sessions) {
      Optional<SessionsRoute> route = SessionsRoute.of(s);
      String key = cut(s.path("key").asString(), wide ? 0 : KEY_MAX);
      String on =
          cut(
              text(s, "channel", route.map(SessionsRoute::channel).orElse("-")),
              wide ? 0 : CHANNEL_MAX);
      String updated = s.has("updatedAt") ? Table.ago(s.path("updatedAt").asLong(), nowMs) : "-";
      String title = cut(title(s), 0);
      if (wide) {
        table.row(key, on, cut(route.map(SessionsRoute::to).orElse("-"), 0), updated, title);
      } else {
        table.row(key, on, updated, title);
      }
    }
    StringBuilder out = new StringBuilder(table.render(wide ? 0 : WIDTH));
    out.append(sessions.size()).append(" of ").append(total).append(" sessions");
    if (offset > 0) {
      out.append(" (from ").append(offset + 1).append(')');
    }
    if (offset + sessions.size() < total) {
      out.append("; next page: --offset ").append(offset + sessions.size());
    }
    return out.append('\n').toString();
  }

  /** The words a person knows the session by: its label, name, first or latest message. */
  static String title(JsonNode session) {
    for (String field : new String[] {"label", "displayName", "derivedTitle"}) {
      String value = text(session, field, "");
      if (!value.isEmpty()) {
        return value;
      }
    }
    return text(session, "lastMessagePreview", "-");
  }
}
