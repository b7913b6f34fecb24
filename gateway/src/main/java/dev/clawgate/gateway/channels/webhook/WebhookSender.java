package dev.clawgate.gateway.channels.webhook;

import dev.clawgate.core.config.ChannelsConfig.WebhookAccount;
import dev.clawgate.gateway.channels.Delivery;
import dev.clawgate.gateway.channels.OutboundText;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Outbound delivery: one signed POST per attempt, retried on network errors, 5xx and 429 (after
 * {@code Retry-After}, capped, else exponential backoff) up to {@code maxAttempts}. Every attempt
 * of a delivery carries the same body (so the same delivery id) and the same {@code
 * Idempotency-Key}, so the receiver can drop repeats; only the signature timestamp is fresh, so a
 * late retry still passes the receiver's tolerance. Other statuses fail at once.
 */
final class WebhookSender {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final WebhookAccount config;
  private final WebhookSignature signature;
  private final HttpClient http;
  private final Clock clock;
  private final Backoff backoff;

  WebhookSender(
      WebhookAccount config,
      WebhookSignature signature,
      HttpClient http,
      Clock clock,
      Backoff backoff) {
    this.config = config;
    this.signature = signature;
    this.http = http;
    this.clock = clock;
    this.backoff = backoff;
  }

  /** One attempt's outcome. */
  private sealed interface Outcome {
    record Delivered(String messageId) implements Outcome {}

    record Retry(String reason, Optional<Duration> retryAfter) implements Outcome {}

    record Fail(String reason) implements Outcome {}
  }

  Delivery send(OutboundText message) {
    String accountId = config.account().accountId();
    if (config.outboundUrl().isEmpty()) {
      return Delivery.failed(
          "webhook account "
              + accountId
              + " is inbound-only: set channels.webhook."
              + accountId
              + ".outboundUrl to send",
          false,
          List.of(),
          0);
    }
    URI url = config.outboundUrl().get();
    String deliveryId = UUID.randomUUID().toString();
    byte[] body = body(deliveryId, message);
    String where = WebhookAccount.withoutCredentials(url);
    String lastReason = "";
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Outcome outcome = attempt(url, body, message.idempotencyKey(), deliveryId);
      switch (outcome) {
        case Outcome.Delivered d -> {
          return Delivery.ok(List.of(d.messageId()), attempt);
        }
        case Outcome.Fail f -> {
          return Delivery.failed(
              "webhook " + where + " refused the delivery: " + f.reason(),
              false,
              List.of(),
              attempt);
        }
        case Outcome.Retry r -> {
          lastReason = r.reason();
          if (attempt == config.maxAttempts()) {
            break;
          }
          int failed = attempt;
          Duration wait =
              r.retryAfter()
                  .map(d -> d.compareTo(backoff.maxRetryAfter()) > 0 ? backoff.maxRetryAfter() : d)
                  .orElseGet(() -> backoff.delay(failed));
          LOG.info(
              "webhook {}: delivery {} attempt {} failed ({}); retrying in {} ms",
              accountId,
              deliveryId,
              attempt,
              r.reason(),
              wait.toMillis());
          try {
            Thread.sleep(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Delivery.failed(
                "webhook delivery interrupted after " + attempt + " attempts (" + lastReason + ")",
                true,
                List.of(),
                attempt);
          }
        }
      }
    }
    return Delivery.failed(
        "webhook " + where + " failed " + config.maxAttempts() + " attempts; last: " + lastReason,
        true,
        List.of(),
        config.maxAttempts());
  }

  private Outcome attempt(URI url, byte[] body, String idempotencyKey, String deliveryId) {
    String timestamp = Long.toString(clock.millis() / 1000);
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header(WebhookSignature.TIMESTAMP_HEADER, timestamp)
            .header(WebhookSignature.SIGNATURE_HEADER, signature.sign(timestamp, body))
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return new Outcome.Retry("network: " + e.getClass().getSimpleName(), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.Retry("interrupted", Optional.empty());
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return new Outcome.Delivered(responseId(response.body()).orElse(deliveryId));
    }
    if (status == 429 || status / 100 == 5) {
      return new Outcome.Retry("HTTP " + status, retryAfter(response));
    }
    return new Outcome.Fail("HTTP " + status);
  }

  private byte[] body(String deliveryId, OutboundText message) {
    ObjectNode json = Json.mapper().createObjectNode();
    json.put("id", deliveryId);
    json.put("idempotencyKey", message.idempotencyKey());
    json.put("channel", WebhookChannel.TYPE);
    json.put("accountId", config.account().accountId());
    json.put("to", message.route().to());
    message.route().threadId().ifPresent(t -> json.put("threadId", t));
    json.put("text", message.text());
    json.put("timestamp", clock.millis());
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The receiver's {@code id} (string or number) from a JSON answer, if it gave one. */
  private static Optional<String> responseId(byte[] body) {
    if (body.length == 0 || body.length > 64 * 1024) {
      return Optional.empty();
    }
    try {
      JsonNode json = Json.mapper().readTree(body);
      JsonNode id = json == null ? null : json.get("id");
      if (id != null && (id.isString() || id.isIntegralNumber()) && !id.asString().isBlank()) {
        String value = id.asString();
        return value.length() <= 256 ? Optional.of(value) : Optional.empty();
      }
    } catch (JacksonException e) {
      // Not JSON: the delivery id stands for the message.
    }
    return Optional.empty();
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(v -> v.strip().matches("[0-9]{1,6}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v.strip())));
  }
}
