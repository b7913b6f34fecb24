package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code send} call, as {@code message send} and {@code sessions send} make it: the text from
 * the arguments or stdin, an idempotency key (random unless given, and named in the error when the
 * answer is lost, so a retry with it cannot deliver twice), and a wait long enough for the
 * channel's own retries.
 */
final class MessageDelivery {
  /**
   * How long a send waits for its answer at least: the gateway answers once the channel has
   * delivered, retries and backoff included, which can take longer than a read.
   */
  static final Duration PATIENCE = Duration.ofSeconds(120);

  /** {@code details.reason} of the client errors after which the outcome is unknown. */
  private static final Set<String> OUTCOME_UNKNOWN =
      Set.of("request-timeout", "connection-lost", "connection-closed", "interrupted");

  private MessageDelivery() {}

  /**
   * Sends {@code message} on {@code route} and returns the {@code send} result.
   *
   * @param timeout the command's --timeout; the wait is at least {@link #PATIENCE}
   */
  static JsonNode send(
      GatewayClient client,
      SessionsRoute route,
      String message,
      Optional<String> sessionKey,
      @Nullable String idempotencyKey,
      Duration timeout) {
    String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
    ObjectNode params = route.into(OwnerCommand.params()).put("message", message);
    sessionKey.ifPresent(k -> params.put("sessionKey", k));
    params.put("idempotencyKey", key);
    Duration wait = timeout.compareTo(PATIENCE) > 0 ? timeout : PATIENCE;
    try {
      return await(client.request("send", params, wait));
    } catch (ClawgateException e) {
      throw outcomeUnknown(e, key);
    }
  }

  /**
   * "sent to telegram:12345 (2 part(s))", with the account and thread when the route names them, or
   * that it was sent before with this key.
   */
  static String describe(JsonNode sent) {
    int parts = sent.path("platformMessageIds").size();
    String where =
        SessionsRoute.ofSent(sent)
            .map(r -> {
              String qualifiers = r.qualifiers();
              return r.address()
                  + " ("
                  + parts
                  + " part(s)"
                  + (qualifiers.isEmpty() ? "" : ", " + qualifiers)
                  + ")";
            })
            .orElse("the gateway (" + parts + " part(s))");
    if (sent.path("duplicate").asBoolean(false)) {
      return "already sent to "
          + where
          + " with idempotency key "
          + sent.path("idempotencyKey").asString()
          + "; not sent again";
    }
    return "sent to " + where;
  }

  /**
   * The message text: the words joined by spaces, or all of stdin (without trailing blank space)
   * when the only word is {@code -}.
   *
   * @throws ClawgateException a usage error (exit 2) when the text is empty
   */
  static String text(List<String> words, InputStream stdin) {
    String text;
    if (words.size() == 1 && words.getFirst().equals("-")) {
      try {
        text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
      } catch (IOException e) {
        throw OwnerCommand.usage("cannot read the message from stdin: " + e.getMessage());
      }
    } else {
      text = String.join(" ", words);
    }
    if (text.isBlank()) {
      throw OwnerCommand.usage("the message is empty");
    }
    return text;
  }

  private static JsonNode await(Future<JsonNode> answer) {
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClawgateException.of(
              ErrorCode.UNAVAILABLE, DetailCode.SHUTTING_DOWN, "interrupted waiting for send")
          .detail("reason", "interrupted")
          .build();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof ExecutionException || cause instanceof CompletionException) {
        cause = cause.getCause();
      }
      if (cause instanceof ClawgateException clawgate) {
        throw clawgate;
      }
      throw new IllegalStateException("send failed: " + cause, cause);
    }
  }

  /** When the answer was lost, says how to learn the outcome without sending twice. */
  private static ClawgateException outcomeUnknown(ClawgateException e, String key) {
    if (e.code() != ErrorCode.UNAVAILABLE
        || !OUTCOME_UNKNOWN.contains(String.valueOf(e.details().get("reason")))) {
      return e;
    }
    return OwnerErrors.rewrite(
        e,
        e.getMessage()
            + "; the message may or may not have been delivered: run the command again with"
            + " --idempotency-key "
            + key
            + " to find out without sending it twice");
  }
}
