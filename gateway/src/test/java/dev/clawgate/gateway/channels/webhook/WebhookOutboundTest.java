package dev.clawgate.gateway.channels.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.conversations.Route;
import dev.clawgate.core.testing.WebhookReceiver;
import dev.clawgate.core.testing.WebhookReceiver.Received;
import dev.clawgate.gateway.channels.Delivery;
import dev.clawgate.gateway.channels.OutboundText;
import dev.clawgate.gateway.channels.RecordingChannelContext;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Outbound delivery to a real local receiver: the signature verifies with the shared secret,
 * transient failures are retried with the same delivery id and idempotency key, other refusals are
 * not, and {@code maxAttempts} bounds the tries.
 */
class WebhookOutboundTest {
  private final WebhookReceiver receiver = WebhookReceiver.start(WebhookAccounts.SECRET);
  private WebhookChannel channel = channel(5);

  private WebhookChannel channel(int maxAttempts) {
    WebhookChannel created =
        WebhookChannel.create(
            WebhookAccounts.account(Optional.of(URI.create(receiver.url())), maxAttempts),
            Clock.systemUTC(),
            WebhookAccounts.FAST);
    created.start(new RecordingChannelContext());
    return created;
  }

  @AfterEach
  void close() {
    channel.close();
    receiver.close();
  }

  private static OutboundText text(String text) {
    return new OutboundText(
        new Route("webhook", "alice", Optional.of("ci"), Optional.of("t7")), text, "idem-1");
  }

  private static JsonNode body(Received request) {
    return Json.mapper().readTree(request.body());
  }

  @Test
  void aDeliveryIsSignedSoTheReceiverCanVerifyIt() {
    Delivery delivery = channel.send(text("hello"));

    assertThat(delivery).isEqualTo(Delivery.ok(List.of("rcv-1"), 1));
    Received request = receiver.received().get(0);
    assertThat(receiver.signatureValid(request)).isTrue();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.header("Idempotency-Key")).contains("idem-1");
    assertThat(request.header("Content-Type")).contains("application/json");
    JsonNode body = body(request);
    assertThat(body.path("id").asString()).matches("[0-9a-f-]{36}");
    assertThat(body.path("idempotencyKey").asString()).isEqualTo("idem-1");
    assertThat(body.path("channel").asString()).isEqualTo("webhook");
    assertThat(body.path("accountId").asString()).isEqualTo("ci");
    assertThat(body.path("to").asString()).isEqualTo("alice");
    assertThat(body.path("threadId").asString()).isEqualTo("t7");
    assertThat(body.path("text").asString()).isEqualTo("hello");
    assertThat(body.path("timestamp").isIntegralNumber()).isTrue();
    assertThat(channel.status().lastOutboundAtMs()).isPresent();
    assertThat(channel.status().lastError()).isEmpty();
  }

  @Test
  void serverErrorsAreRetriedWithTheSameDeliveryIdUntilItIsDelivered() {
    receiver.failNext(2, 500);

    Delivery delivery = channel.send(text("retry me"));

    assertThat(delivery.delivered()).isTrue();
    assertThat(delivery.attempts()).isEqualTo(3);
    List<Received> requests = receiver.received();
    assertThat(requests).extracting(Received::status).containsExactly(500, 500, 200);
    assertThat(requests).allMatch(receiver::signatureValid);
    assertThat(requests)
        .extracting(r -> body(r).path("id").asString())
        .containsOnly(body(requests.get(0)).path("id").asString());
    assertThat(requests)
        .extracting(r -> r.header("Idempotency-Key").orElseThrow())
        .containsOnly("idem-1");
  }

  @Test
  void aTooManyRequestsAnswerIsRetriedAfterRetryAfter() {
    receiver.failNext(1, 429, Map.of("Retry-After", "1"));

    Delivery delivery = channel.send(text("slow down"));

    assertThat(delivery.delivered()).isTrue();
    assertThat(delivery.attempts()).isEqualTo(2);
    assertThat(receiver.received()).extracting(Received::status).containsExactly(429, 200);
  }

  @Test
  void aClientErrorIsNotRetried() {
    receiver.failNext(1, 400);

    Delivery delivery = channel.send(text("bad"));

    assertThat(delivery.delivered()).isFalse();
    assertThat(delivery.retryable()).isFalse();
    assertThat(delivery.attempts()).isEqualTo(1);
    assertThat(delivery.error()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 400"));
    assertThat(receiver.received()).hasSize(1);
    assertThat(channel.status().lastError()).isPresent();
  }

  @Test
  void maxAttemptsBoundsTheRetries() {
    channel.close();
    channel = channel(3);
    receiver.failNext(10, 503);

    Delivery delivery = channel.send(text("never"));

    assertThat(delivery.delivered()).isFalse();
    assertThat(delivery.retryable()).isTrue();
    assertThat(delivery.attempts()).isEqualTo(3);
    assertThat(delivery.error()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 503"));
    assertThat(receiver.received()).hasSize(3);
    assertThat(channel.status().lastError()).isPresent();
    assertThat(channel.status().connected()).isFalse();
  }

  @Test
  void networkErrorsAreRetriedAndReported() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    channel.close();
    channel =
        WebhookChannel.create(
            WebhookAccounts.account(
                Optional.of(URI.create("http://127.0.0.1:" + closedPort + "/hook?token=abc")), 2),
            Clock.systemUTC(),
            WebhookAccounts.FAST);

    Delivery delivery = channel.send(text("nobody home"));

    assertThat(delivery.delivered()).isFalse();
    assertThat(delivery.retryable()).isTrue();
    assertThat(delivery.attempts()).isEqualTo(2);
    assertThat(delivery.error())
        .hasValueSatisfying(e -> assertThat(e).contains("network").doesNotContain("token=abc"));
  }

  @Test
  void anInboundOnlyAccountCannotSend() {
    channel.close();
    channel =
        WebhookChannel.create(WebhookAccounts.inbound(), Clock.systemUTC(), WebhookAccounts.FAST);

    Delivery delivery = channel.send(text("x"));

    assertThat(delivery.delivered()).isFalse();
    assertThat(delivery.retryable()).isFalse();
    assertThat(delivery.attempts()).isZero();
    assertThat(delivery.error())
        .hasValueSatisfying(e -> assertThat(e).contains("channels.webhook.ci.outboundUrl"));
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void theStatusNamesTheOutboundHostButNoSecret() {
    assertThat(channel.status().details())
        .containsEntry("mode", "webhook")
        .containsEntry("inboundPath", "/hooks/ci")
        .containsEntry("outbound", "http://127.0.0.1");
    assertThat(channel.status().toString()).doesNotContain(WebhookAccounts.SECRET);
    assertThat(channel.status().running()).isTrue();
  }
}
