package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code clawgate sessions send <key> <text...>}: a reply on the route a session came in on. */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Reply in a session: the text goes out on the session's route (the channel, peer, account"
          + " and thread its messages came from), and into its transcript as the assistant's.",
      "The text is the remaining arguments joined by spaces, or stdin when it is `-` (put --"
          + " before text that starts with -). Waits for the delivery up to 120 s, or --timeout"
          + " if longer; the same --idempotency-key never delivers twice.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate sessions send agent:main:telegram:dm:12345 \"on my way\"",
      "  echo done | clawgate sessions send agent:main:webhook:dm:alice -",
      "  clawgate sessions send agent:main:main --idempotency-key r-42 -- \"-1 today\"",
      "",
      "JSON: the `message send --json` shape: {\"source\", \"ok\", \"channel\", \"to\", ...,"
          + " \"sessionKey\", \"messageId\"?, \"messageSeq\"?, \"platformMessageIds\","
          + " \"duplicate\"}",
      "",
      "Exit codes: 0 sent (or sent before with this key), 1 no such session, no route, not"
          + " delivered or refused, 2 usage, 3 gateway not reachable.",
    })
final class SessionsSendCommand extends SessionsGatewayCommand {
  @Parameters(index = "0", paramLabel = "<key>", description = "The session key.")
  String key = "";

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "<text>",
      description = "The message text, or - to read it from stdin.")
  List<String> words = List.of();

  @Option(
      names = "--idempotency-key",
      paramLabel = "<key>",
      description = "Delivers at most once per key (default: a new random key).")
  @Nullable String idempotencyKey;

  @Override
  public Integer call() {
    String message = MessageDelivery.text(words, System.in);
    try (GatewayClient client = gateway(READ_WRITE)) {
      JsonNode session = SessionsShowCommand.describe(client, key);
      SessionsRoute route = SessionsRoute.of(session).orElseThrow(() -> noRoute(key));
      JsonNode sent =
          MessageDelivery.send(
              client, route, message, Optional.of(key), idempotencyKey, connection.timeout());
      if (connection.json) {
        printJson(sent);
      } else {
        printText(MessageDelivery.describe(sent));
      }
      return Main.OK;
    }
  }

  private static ClawgateException noRoute(String key) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.NO_ROUTE,
            "session "
                + key
                + " has no route to reply on (no message came in on a channel yet); send to a peer"
                + " with `clawgate message send --channel <channel> --to <peer> <text>`")
        .build();
  }
}
