package dev.clawgate.gateway.channels.telegram;

import dev.clawgate.gateway.channels.Delivery;
import dev.clawgate.gateway.channels.OutboundText;
import dev.clawgate.gateway.channels.telegram.TelegramBotApi.Answer;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sendMessage}, part by part, in order. A 429 waits Telegram's {@code retry_after} and sends
 * the same part again (a wait beyond {@link Retries#maxRetryAfter} fails, retryable); network
 * errors and 5xx back off and retry up to {@link Retries#sendAttempts} per part; any other refusal
 * (400 chat not found, 403 blocked) fails at once with Telegram's description. The Bot API has no
 * idempotency key, so a retry after a lost answer can repeat a part; parts already delivered are
 * never resent.
 */
final class TelegramSender {
  private static final Logger LOG = LoggerFactory.getLogger(TelegramSender.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** 429s in a row for one part before giving up (each waits its {@code retry_after}). */
  private static final int MAX_RATE_LIMITS = 10;

  private static final Pattern NUMERIC = Pattern.compile("-?[0-9]{1,20}");

  private final String accountId;
  private final TelegramBotApi api;
  private final int chunkLimit;
  private final Retries retries;

  TelegramSender(String accountId, TelegramBotApi api, int chunkLimit, Retries retries) {
    this.accountId = accountId;
    this.api = api;
    this.chunkLimit = chunkLimit;
    this.retries = retries;
  }

  Delivery send(OutboundText message) {
    Optional<String> thread = message.route().threadId();
    if (thread.isPresent() && !NUMERIC.matcher(thread.get()).matches()) {
      return Delivery.failed(
          "telegram topic ids are numbers (got \"" + thread.get() + "\")", false, List.of(), 0);
    }
    Optional<Long> threadId = thread.map(Long::parseLong);
    List<String> parts = TextChunks.split(message.text(), chunkLimit);
    if (parts.isEmpty()) {
      return Delivery.failed("nothing to send: the text is empty", false, List.of(), 0);
    }
    List<String> sent = new ArrayList<>();
    int attempts = 0;
    for (String part : parts) {
      ObjectNode params = Json.mapper().createObjectNode();
      String to = message.route().to();
      if (NUMERIC.matcher(to).matches()) {
        params.put("chat_id", Long.parseLong(to));
      } else {
        params.put("chat_id", to);
      }
      threadId.ifPresent(t -> params.put("message_thread_id", t));
      params.put("text", part);
      int failures = 0;
      int rateLimits = 0;
      while (true) {
        attempts++;
        String problem;
        Optional<Duration> wait;
        try {
          Answer answer = api.call("sendMessage", params, REQUEST_TIMEOUT);
          switch (answer) {
            case Answer.Ok ok -> {
              sent.add(ok.result().path("message_id").asString(""));
              problem = "";
              wait = Optional.empty();
            }
            case Answer.Failed f when f.status() == 429 -> {
              long seconds = f.retryAfterSeconds().orElse(1L);
              if (seconds > retries.maxRetryAfter().toSeconds() || ++rateLimits > MAX_RATE_LIMITS) {
                return Delivery.failed(
                    "rate limited by Telegram for " + seconds + " s (" + f.description() + ")",
                    true,
                    sent,
                    attempts);
              }
              problem = f.description();
              wait = Optional.of(Duration.ofSeconds(Math.max(1, seconds)));
            }
            case Answer.Failed f when f.status() >= 500 -> {
              problem = f.description();
              wait = Optional.of(retries.backoff(++failures));
            }
            case Answer.Failed f -> {
              return Delivery.failed(
                  "telegram refused the message: " + f.description(), false, sent, attempts);
            }
          }
        } catch (IOException e) {
          problem = "network: " + e.getMessage();
          wait = Optional.of(retries.backoff(++failures));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Delivery.failed("telegram delivery interrupted", true, sent, attempts);
        }
        if (wait.isEmpty()) {
          break;
        }
        if (failures >= retries.sendAttempts()) {
          return Delivery.failed(
              "telegram send failed " + failures + " times; last: " + problem,
              true,
              sent,
              attempts);
        }
        LOG.info(
            "telegram {}: sendMessage failed ({}); retrying in {} ms",
            accountId,
            problem,
            wait.get().toMillis());
        try {
          Thread.sleep(wait.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Delivery.failed("telegram delivery interrupted", true, sent, attempts);
        }
      }
    }
    return Delivery.ok(sent, attempts);
  }
}
