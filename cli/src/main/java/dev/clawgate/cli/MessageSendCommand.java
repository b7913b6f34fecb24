package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code clawgate message send}: text to a peer on a channel, by the gateway's {@code send}. */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Send text to a peer through one of the gateway's channels. The gateway delivers it"
          + " (retrying as the channel does), splits what is too long for the platform into"
          + " parts, and records it in the peer's session when there is one.",
      "The text is the remaining arguments joined by spaces, or stdin when it is `-` (put --"
          + " before text that starts with -). Waits for the delivery up to 120 s, or --timeout"
          + " if longer; the same --idempotency-key never delivers twice.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate message send --channel telegram --to 12345 \"build is green\"",
      "  clawgate message send --channel webhook --account ops --to alice hello",
      "  git log -1 | clawgate message send --channel telegram --to 12345 -",
      "",
      "JSON: {\"source\": \"gateway\", \"ok\", \"channel\", \"to\", \"accountId\"?,"
          + " \"threadId\"?, \"sessionKey\"?, \"idempotencyKey\", \"messageId\"?,"
          + " \"messageSeq\"?, \"platformMessageIds\": [...], \"duplicate\"}",
      "",
      "Exit codes: 0 sent (or sent before with this key), 1 not delivered or refused (no such"
          + " channel, too long, key reused), 2 usage, 3 gateway not reachable.",
    })
final class MessageSendCommand extends SessionsGatewayCommand {
  @Option(
      names = "--channel",
      required = true,
      paramLabel = "<channel>",
      description = "The channel type (telegram, webhook).")
  String channel = "";

  @Option(
      names = "--to",
      required = true,
      paramLabel = "<peer>",
      description = "The peer or chat id on that channel.")
  String to = "";

  @Option(
      names = "--account",
      paramLabel = "<accountId>",
      description = "The channel account (needed when the channel has several).")
  @Nullable String accountId;

  @Option(names = "--thread", paramLabel = "<threadId>", description = "The thread or topic.")
  @Nullable String threadId;

  @Option(
      names = "--idempotency-key",
      paramLabel = "<key>",
      description = "Delivers at most once per key (default: a new random key).")
  @Nullable String idempotencyKey;

  @Parameters(
      index = "0..*",
      arity = "1..*",
      paramLabel = "<text>",
      description = "The message text, or - to read it from stdin.")
  List<String> words = List.of();

  @Override
  public Integer call() {
    String message = MessageDelivery.text(words, System.in);
    SessionsRoute route =
        new SessionsRoute(
            channel, to, Optional.ofNullable(accountId), Optional.ofNullable(threadId));
    try (GatewayClient client = gateway(READ_WRITE)) {
      JsonNode sent =
          MessageDelivery.send(
              client, route, message, Optional.empty(), idempotencyKey, connection.timeout());
      if (connection.json) {
        printJson(sent);
      } else {
        printText(MessageDelivery.describe(sent));
      }
      return Main.OK;
    }
  }
}
