package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate sessions show <key>}: a session, its route and its latest messages. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show a session: its route (where `sessions send` replies go), its title, and its latest"
          + " messages, oldest first, each with its position, time (local), role (user* when"
          + " the sender is an owner) and text; attachments as [kind name size].",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate sessions show agent:main:telegram:dm:12345",
      "  clawgate sessions show agent:main:webhook:dm:alice --limit 200",
      "  clawgate sessions show agent:main:main --json | jq '.messages[-1]'",
      "",
      "JSON: {\"source\": \"gateway\", \"session\": {row, as in `sessions list --json`},"
          + " \"sessionId\", \"messages\": [{\"id\", \"role\", \"content\", \"timestamp\","
          + " \"__openclaw\": {\"id\", \"seq\", \"media\"?}, \"senderIsOwner\"?}]}",
      "",
      "Exit codes: 0 shown, 1 no such session, 2 usage, 3 gateway not reachable.",
    })
final class SessionsShowCommand extends SessionsGatewayCommand {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  @Parameters(index = "0", paramLabel = "<key>", description = "The session key.")
  String key = "";

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "50",
      description = "How many of the latest messages to show (1-1000, default ${DEFAULT-VALUE}).")
  int limit = 50;

  @Override
  public Integer call() {
    if (limit < 1 || limit > SessionsListCommand.MAX_LIMIT) {
      throw usage("--limit " + limit + ": give 1 to " + SessionsListCommand.MAX_LIMIT);
    }
    try (GatewayClient client = gateway(READ)) {
      JsonNode session = describe(client, key);
      JsonNode history =
          client.call("chat.history", params().put("sessionKey", key).put("limit", limit));
      if (connection.json) {
        ObjectNode result = params();
        result.set("session", session);
        result.set("sessionId", history.path("sessionId"));
        result.set("messages", history.path("messages"));
        printJson(result);
      } else {
        printText(render(session, history.path("messages"), ZoneId.systemDefault()));
      }
      return Main.OK;
    }
  }

  /**
   * The session row of {@code key}.
   *
   * @throws ClawgateException {@code SESSION_NOT_FOUND} (exit 1) when the gateway has none
   */
  static JsonNode describe(GatewayClient client, String key) {
    JsonNode session = client.call("sessions.describe", params().put("key", key)).path("session");
    if (!session.isObject()) {
      throw ClawgateException.of(
              ErrorCode.NOT_FOUND,
              DetailCode.SESSION_NOT_FOUND,
              "no session " + key + " (list them with `clawgate sessions list`)")
          .build();
    }
    return session;
  }

  static String render(JsonNode session, JsonNode messages, ZoneId zone) {
    StringBuilder out = new StringBuilder();
    out.append(Colour.bold("Session " + session.path("key").asString())).append('\n');
    out.append("  route    ")
        .append(
            SessionsRoute.of(session)
                .map(SessionsRoute::toString)
                .orElse("none yet (nothing came in on a channel)"))
        .append('\n');
    out.append("  title    ").append(SessionsListCommand.title(session)).append('\n');
    long count = session.path("messageCount").asLong(messages.size());
    out.append("  messages ").append(count);
    if (count > messages.size()) {
      out.append(" (the latest ").append(messages.size()).append(" below; --limit for more)");
    }
    out.append('\n');
    if (messages.isEmpty()) {
      return out.toString();
    }
    out.append('\n');
    for (JsonNode m : messages) {
      out.append(line(m, zone));
    }
    return out.toString();
  }

  /**
   * One message: its position, time, role and text, with the text's further lines (and its
   * attachments) indented under its first.
   */
  static String line(JsonNode message, ZoneId zone) {
    String seq = "#" + message.path("__openclaw").path("seq").asString("?");
    String time =
        message.has("timestamp")
            ? TIME.format(Instant.ofEpochMilli(message.path("timestamp").asLong()).atZone(zone))
            : "-";
    String role = message.path("role").asString("?");
    if (message.path("senderIsOwner").asBoolean(false)) {
      role += "*";
    }
    String prefix = String.format(Locale.ROOT, "  %-5s %s  %-10s ", seq, time, role);
    String indent = " ".repeat(prefix.length());
    String body = SessionsTranscript.text(message);
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (String l : body.split("\n", -1)) {
      out.append(first ? prefix : indent).append(l).append('\n');
      first = false;
    }
    return out.toString();
  }
}
