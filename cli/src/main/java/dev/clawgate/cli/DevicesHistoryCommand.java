package dev.clawgate.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate devices history}: the audit log of pairing and tokens, newest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show the audit log: approvals, rejections, silent local approvals, token issues, rotations"
          + " and revocations, refused connects. Newest first.",
      "When the local gateway is not running, reads its state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices history",
      "  clawgate devices history --device 3b8e41d0… --since 2h",
      "  clawgate devices history --action pairing. --since 2026-11-01T00:00:00Z --json",
      "",
      "JSON: {\"source\", \"entries\": [{\"id\", \"atMs\", \"action\", \"actor\", \"outcome\","
          + " \"deviceId\"?, \"requestId\"?, \"role\"?, \"remoteIp\"?, \"detail\"}]}",
    })
final class DevicesHistoryCommand extends OwnerCommand {
  private static final Pattern SPAN = Pattern.compile("(\\d+)([smhd])");

  @Option(names = "--device", paramLabel = "<deviceId>", description = "Only this device.")
  @Nullable String deviceId;

  @Option(
      names = "--action",
      paramLabel = "<prefix>",
      description = "Only actions starting with this (pairing., token., auth., device.).")
  @Nullable String action;

  @Option(
      names = "--since",
      paramLabel = "<when>",
      description = "Only entries since then: a span back from now (30m, 2h, 7d) or an instant.")
  @Nullable String since;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "50",
      description = "At most this many entries (1-1000, default ${DEFAULT-VALUE}).")
  int limit = 50;

  @Option(names = "--wide", description = "Full ids and no cut columns.")
  boolean wide;

  @Override
  public Integer call() {
    ObjectNode params = params().put("limit", limit);
    if (deviceId != null) {
      params.put("deviceId", deviceId);
    }
    if (action != null) {
      params.put("action", action);
    }
    if (since != null) {
      params.put("sinceMs", sinceMs(since, System.currentTimeMillis()));
    }
    try (OwnerSession session = session("operator.admin")) {
      JsonNode result = session.call("audit.list", params);
      notice(session, false);
      if (connection.json) {
        printJson(session, result);
      } else {
        printText(render(result, System.currentTimeMillis(), wide));
      }
      return Main.OK;
    }
  }

  static long sinceMs(String text, long nowMs) {
    Matcher span = SPAN.matcher(text.strip());
    if (span.matches()) {
      long n = Long.parseLong(span.group(1));
      Duration back =
          switch (span.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return nowMs - back.toMillis();
    }
    try {
      return Instant.parse(text.strip()).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw usage(
          "--since " + text + ": not a span (30m, 2h, 7d) or an instant (2026-11-01T00:00:00Z)");
    }
  }

  static String render(JsonNode result, long nowMs, boolean wide) {
    JsonNode entries = result.path("entries");
    if (entries.isEmpty()) {
      return "No audit entries match.\n";
    }
    Table table = new Table("WHEN", "ACTION", "ACTOR", "DEVICE", "OUTCOME", "DETAIL");
    for (JsonNode e : entries) {
      table.row(
          Table.ago(e.path("atMs").asLong(), nowMs),
          e.path("action").asString(),
          actor(e.path("actor").asString(), wide),
          e.has("deviceId") ? Table.id(e.path("deviceId").asString(), wide) : "-",
          e.path("outcome").asString(),
          detail(e, wide));
    }
    return table.render(wide ? 0 : 80);
  }

  /** "device:9ad47c6b" for a device actor, unless {@code wide}. */
  private static String actor(String actor, boolean wide) {
    int colon = actor.indexOf(':');
    return colon < 0
        ? actor
        : actor.substring(0, colon + 1) + Table.id(actor.substring(colon + 1), wide);
  }

  /** The facts of an entry in one compact cell: "role=operator scopes=read,write". */
  private static String detail(JsonNode entry, boolean wide) {
    StringBuilder text = new StringBuilder();
    if (entry.has("role")) {
      text.append("role=").append(entry.path("role").asString());
    }
    Iterator<Map.Entry<String, JsonNode>> fields = entry.path("detail").properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!text.isEmpty()) {
        text.append(' ');
      }
      JsonNode value = field.getValue();
      text.append(field.getKey()).append('=');
      if (value.isArray()) {
        text.append(Table.scopes(DevicesApproveCommand.names(value)));
      } else if (field.getKey().endsWith("Id")) {
        text.append(Table.id(value.asString(), wide));
      } else {
        text.append(value.asString());
      }
    }
    return text.isEmpty() ? "-" : text.toString();
  }
}
