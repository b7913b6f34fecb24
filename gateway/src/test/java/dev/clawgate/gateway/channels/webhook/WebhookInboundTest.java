package dev.clawgate.gateway.channels.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.Media;
import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.gateway.HttpEndpoint;
import dev.clawgate.gateway.HttpEndpoint.Reply;
import dev.clawgate.gateway.channels.RecordingChannelContext;
import dev.clawgate.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /hooks/ci}, called directly as the hub's mount would: a signed event is stored in its
 * session; every refusal has its precise code and status and stores nothing; the signature is
 * checked before the body is parsed.
 */
class WebhookInboundTest {
  private final MutableClock clock = MutableClock.create();
  private final RecordingChannelContext context = new RecordingChannelContext();
  private final WebhookSignature signer = new WebhookSignature(WebhookAccounts.SECRET);
  private WebhookChannel channel;
  private HttpEndpoint endpoint;

  @BeforeEach
  void start() {
    channel = WebhookChannel.create(WebhookAccounts.inbound(), clock, WebhookAccounts.FAST);
    endpoint = channel.inboundEndpoint().orElseThrow();
    channel.start(context);
  }

  @AfterEach
  void close() {
    channel.close();
  }

  private long now() {
    return clock.millis() / 1000;
  }

  private Reply post(String body) {
    return post(body, now());
  }

  private Reply post(String body, long timestamp) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(timestamp);
    return call("POST", bytes, headers(ts, signer.sign(ts, bytes)));
  }

  private static Map<String, List<String>> headers(String timestamp, String signature) {
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("x-clawgate-timestamp", List.of(timestamp));
    headers.put("x-clawgate-signature", List.of(signature));
    headers.put("content-type", List.of("application/json"));
    return headers;
  }

  private Reply call(String method, byte[] body, Map<String, List<String>> headers) {
    return endpoint.handle(
        new HttpEndpoint.Request(method, "/hooks/ci", headers, body, "127.0.0.1"));
  }

  private static JsonNode json(Reply reply) {
    return Json.mapper().readTree(reply.body());
  }

  private static void assertError(Reply reply, int status, String code) {
    assertThat(reply.status())
        .as(new String(reply.body(), StandardCharsets.UTF_8))
        .isEqualTo(status);
    JsonNode body = json(reply);
    assertThat(body.path("ok").asBoolean(true)).isFalse();
    assertThat(body.path("error").path("code").asString()).isEqualTo(code);
    assertThat(body.path("error").path("message").asString()).isNotBlank();
  }

  @Test
  void aSignedDirectMessageIsStoredInThePeersSession() {
    Reply reply =
        post(
            """
            {"id": "evt-1", "from": {"id": "alice", "name": "Alice"}, "text": "hello",
             "timestamp": 1767225600000}
            """);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode body = json(reply);
    assertThat(body.path("ok").asBoolean()).isTrue();
    assertThat(body.path("sessionKey").asString()).isEqualTo("agent:main:webhook:dm:alice");
    assertThat(body.path("duplicate").asBoolean(true)).isFalse();
    assertThat(context.messages())
        .containsExactly(
            new InboundMessage(
                "webhook",
                "ci",
                "evt-1",
                ChatType.DIRECT,
                "alice",
                Optional.empty(),
                "alice",
                Optional.of("Alice"),
                Optional.empty(),
                "hello",
                List.of(),
                false,
                1767225600000L,
                "agent:main:webhook:dm:alice"));
    assertThat(channel.status().lastInboundAtMs()).contains(clock.millis());
  }

  @Test
  void aGroupMessageInAThreadWithMediaFromAnOwner() {
    Reply reply =
        post(
            """
            {"id": "evt-2", "from": {"id": "boss"},
             "chat": {"id": "team", "type": "group", "title": "The Team"}, "threadId": "t7",
             "text": "",
             "media": [{"url": "https://files.example/a.png", "contentType": "image/png",
                        "kind": "image", "fileName": "a.png", "sizeBytes": 1234}]}
            """);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(json(reply).path("sessionKey").asString())
        .isEqualTo("agent:main:webhook:group:team:topic:t7");
    InboundMessage message = context.messages().get(0);
    assertThat(message.chatType()).isEqualTo(ChatType.GROUP);
    assertThat(message.chatId()).isEqualTo("team");
    assertThat(message.chatTitle()).contains("The Team");
    assertThat(message.threadId()).contains("t7");
    assertThat(message.senderIsOwner()).isTrue();
    assertThat(message.timestampMs()).isEqualTo(clock.millis());
    assertThat(message.media())
        .containsExactly(
            new Media(
                "https://files.example/a.png",
                "image/png",
                "image",
                Optional.of("a.png"),
                Optional.of(1234L)));
    assertThat(message.replyRoute().threadId()).contains("t7");
  }

  @Test
  void withoutTheSignatureHeadersItIsRefusedAsMissing() {
    byte[] body =
        "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\"}"
            .getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(now());

    assertError(call("POST", body, Map.of()), 401, "WEBHOOK_SIGNATURE_MISSING");
    assertError(
        call("POST", body, Map.of("x-clawgate-timestamp", List.of(ts))),
        401,
        "WEBHOOK_SIGNATURE_MISSING");
    assertError(
        call("POST", body, Map.of("x-clawgate-signature", List.of(signer.sign(ts, body)))),
        401,
        "WEBHOOK_SIGNATURE_MISSING");
    assertThat(context.calls()).isZero();
  }

  @Test
  void aWrongSignatureIsRefusedBeforeTheBodyIsRead() {
    String ts = Long.toString(now());
    byte[] body =
        "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\"}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] garbage = "not json at all {".getBytes(StandardCharsets.UTF_8);
    WebhookSignature otherSecret = new WebhookSignature("another-secret-0123456789");
    byte[] tampered =
        "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"y\"}"
            .getBytes(StandardCharsets.UTF_8);
    String otherTs = Long.toString(now() - 1);

    for (Map<String, List<String>> headers :
        List.of(
            headers(ts, otherSecret.sign(ts, body)),
            headers(ts, signer.sign(ts, tampered)),
            headers(ts, signer.sign(otherTs, body)),
            headers(ts, "v0=" + signer.sign(ts, body).substring(3)),
            headers(ts, signer.sign(ts, body).substring(0, 20)),
            headers(ts, "garbage"))) {
      assertError(call("POST", body, headers), 401, "WEBHOOK_SIGNATURE_INVALID");
    }
    assertError(call("POST", garbage, headers(ts, "v1=00")), 401, "WEBHOOK_SIGNATURE_INVALID");
    assertThat(context.calls()).isZero();
  }

  @Test
  void oneMatchingValueAmongSeveralIsEnoughForSecretRotation() {
    String ts = Long.toString(now());
    byte[] body =
        "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\"}"
            .getBytes(StandardCharsets.UTF_8);
    String old = new WebhookSignature("the-old-secret-0123456789").sign(ts, body);

    Reply reply = call("POST", body, headers(ts, old + ", " + signer.sign(ts, body)));

    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void aTimestampOutsideTheToleranceIsRefusedEitherWay() {
    String body = "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\"}";

    assertError(post(body, now() - 301), 401, "WEBHOOK_TIMESTAMP_OUT_OF_RANGE");
    assertError(post(body, now() + 301), 401, "WEBHOOK_TIMESTAMP_OUT_OF_RANGE");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String notSeconds = now() + "000";
    assertError(
        call("POST", bytes, headers(notSeconds, signer.sign(notSeconds, bytes))),
        401,
        "WEBHOOK_TIMESTAMP_OUT_OF_RANGE");
    assertError(
        call("POST", bytes, headers("-5", signer.sign("-5", bytes))),
        401,
        "WEBHOOK_TIMESTAMP_OUT_OF_RANGE");
    assertThat(context.calls()).isZero();

    assertThat(post(body, now() - 299).status()).isEqualTo(200);
  }

  @Test
  void anEventReceivedTwiceIsAReplay() {
    String body = "{\"id\":\"evt-9\",\"from\":{\"id\":\"alice\"},\"text\":\"once\"}";

    assertThat(post(body).status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(10));
    assertError(post(body), 409, "WEBHOOK_REPLAYED");

    assertThat(context.messages()).hasSize(1);
  }

  @Test
  void sendersAndGroupsOutsideThePoliciesAreRefused() {
    assertError(
        post("{\"id\":\"e1\",\"from\":{\"id\":\"mallory\"},\"text\":\"hi\"}"),
        403,
        "SENDER_NOT_ALLOWED");
    assertError(
        post(
            "{\"id\":\"e2\",\"from\":{\"id\":\"alice\"},\"chat\":{\"id\":\"other\",\"type\":\"group\"},"
                + "\"text\":\"hi\"}"),
        403,
        "SENDER_NOT_ALLOWED");
    assertError(
        post(
            "{\"id\":\"e3\",\"from\":{\"id\":\"mallory\"},\"chat\":{\"id\":\"mallory\",\"type\":\"direct\"},"
                + "\"text\":\"hi\"}"),
        403,
        "SENDER_NOT_ALLOWED");

    assertThat(context.calls()).isZero();
    assertThat(post("{\"id\":\"e4\",\"from\":{\"id\":\"boss\"},\"text\":\"owner\"}").status())
        .isEqualTo(200);
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("{not json", "body: not valid JSON"),
        Arguments.of("[1, 2]", "body: must be a JSON object"),
        Arguments.of("", "body: "),
        Arguments.of("{\"from\":{\"id\":\"alice\"},\"text\":\"x\"}", "id: required"),
        Arguments.of("{\"id\":\"e\",\"text\":\"x\"}", "from: required"),
        Arguments.of("{\"id\":\"e\",\"from\":{},\"text\":\"x\"}", "from.id: required"),
        Arguments.of("{\"id\":\"e\",\"from\":{\"id\":\"alice\"}}", "text: required"),
        Arguments.of(
            "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"  \"}",
            "text: must not be empty"),
        Arguments.of(
            "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":7}", "text: must be a string"),
        Arguments.of(
            "{\"id\":\"" + "x".repeat(129) + "\",\"from\":{\"id\":\"alice\"},\"text\":\"x\"}",
            "id: longer than 128 characters"),
        Arguments.of(
            "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"" + "x".repeat(65537) + "\"}",
            "text: longer than 65536 characters"),
        Arguments.of(
            "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"chat\":{\"id\":\"c\",\"type\":\"channel\"},\"text\":\"x\"}",
            "chat.type: must be \"direct\" or \"group\""),
        Arguments.of(
            "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\",\"extra\":1}",
            "extra: unknown field"),
        Arguments.of(
            "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\",\"media\":[{\"url\":\"u\",\"contentType\":\"t\",\"kind\":\"sticker\"}]}",
            "media[0].kind: must be one of"),
        Arguments.of(
            "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\",\"timestamp\":\"now\"}",
            "timestamp: must be an integer"));
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void aMalformedBodyIsRefusedNamingTheField(String body, String message) {
    Reply reply = post(body);

    assertError(reply, 400, "INVALID_PARAMS");
    assertThat(json(reply).path("error").path("message").asString()).startsWith(message);
    assertThat(context.calls()).isZero();
  }

  @Test
  void onlyPostIsAllowed() {
    Reply reply = call("GET", new byte[0], Map.of());

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.headers()).containsEntry("Allow", "POST");
  }

  @Test
  void aStoreFailureIsA503AndTheSenderCanRetry() {
    String body = "{\"id\":\"evt-s\",\"from\":{\"id\":\"alice\"},\"text\":\"x\"}";
    context.failNext(1);

    assertError(post(body), 503, "STORE_UNAVAILABLE");
    assertThat(post(body).status()).isEqualTo(200);
    assertThat(context.messages()).hasSize(1);
  }

  @Test
  void beforeStartAndAfterCloseNothingIsTaken() {
    WebhookChannel idle =
        WebhookChannel.create(WebhookAccounts.inbound(), clock, WebhookAccounts.FAST);
    HttpEndpoint idleEndpoint = idle.inboundEndpoint().orElseThrow();
    byte[] body =
        "{\"id\":\"e\",\"from\":{\"id\":\"alice\"},\"text\":\"x\"}"
            .getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(now());
    HttpEndpoint.Request request =
        new HttpEndpoint.Request(
            "POST", "/hooks/ci", headers(ts, signer.sign(ts, body)), body, "127.0.0.1");

    assertThat(idleEndpoint.handle(request).status()).isEqualTo(503);
    assertThat(idle.status().running()).isFalse();
    channel.close();
    assertThat(endpoint.handle(request).status()).isEqualTo(503);
    assertThat(channel.status().running()).isFalse();
    assertThat(context.calls()).isZero();
  }
}
