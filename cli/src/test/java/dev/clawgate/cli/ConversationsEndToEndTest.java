package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.core.testing.FakeTelegramBotApi;
import dev.clawgate.core.testing.WebhookReceiver;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation plane end to end, with real processes: a gateway process with a webhook and a
 * Telegram channel, a real HTTP receiver for outbound webhooks, a local Bot API server, and real
 * WebSocket clients.
 */
class ConversationsEndToEndTest {
  private static final String TOKEN = "conversations-e2e-token-0123456789";
  private static final String HOOK_SECRET = "webhook-secret-0123456789abcdef";
  private static final String BOT_TOKEN = "123456:test-bot-token";
  private static final long OWNER = 1001;
  private static final long STRANGER = 2002;
  private static final Duration START = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path stateDir;
  @TempDir Path clientDir;

  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeLater.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T later(T closeable) {
    closeLater.add(closeable);
    return closeable;
  }

  private void writeConfig(String channels) throws IOException {
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{gateway: {auth: {mode: 'token', token: '" + TOKEN + "'}}, channels: " + channels + "}");
  }

  private GatewayProcess startGateway() throws IOException {
    return later(GatewayProcess.start(stateDir, START));
  }

  private GatewayClient client(GatewayProcess gateway, List<EventFrame> events, String... scopes) {
    ClientOptions options =
        ClientOptions.builder()
            .url(GatewayUrl.parse(gateway.url()))
            .token(TOKEN)
            .deviceState(clientDir)
            .scopes(scopes)
            .build();
    return later(GatewayClient.connect(options, events::add));
  }

  private static ObjectNode params() {
    return Json.mapper().createObjectNode();
  }

  private static String httpUrl(GatewayProcess gateway) {
    return gateway.url().replaceFirst("^ws", "http");
  }

  private static HttpResponse<String> postHook(
      GatewayProcess gateway, String account, String body, boolean signed) throws Exception {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(httpUrl(gateway) + "/hooks/" + account))
            .header("Content-Type", "application/json")
            .header("X-Clawgate-Timestamp", timestamp)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signed) {
      byte[] hex =
          WebhookReceiver.sign(HOOK_SECRET, timestamp, body.getBytes(StandardCharsets.UTF_8));
      request.header("X-Clawgate-Signature", "v1=" + new String(hex, StandardCharsets.US_ASCII));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> eventsNamed(List<EventFrame> events, String name) {
    return events.stream()
        .filter(e -> e.event().equals(name))
        .map(e -> e.payload().orElseThrow())
        .toList();
  }

  @Test
  void aSignedWebhookMessageBecomesASessionAndASendReachesTheReceiverExactlyOnce()
      throws Exception {
    WebhookReceiver receiver = later(WebhookReceiver.start(HOOK_SECRET));
    writeConfig(
        "{webhook: {main: {secret: '"
            + HOOK_SECRET
            + "', outboundUrl: '"
            + receiver.url()
            + "', dmPolicy: 'open'}}}");
    GatewayProcess gateway = startGateway();
    List<EventFrame> events = new CopyOnWriteArrayList<>();
    GatewayClient operator = client(gateway, events, "operator.read", "operator.write");
    operator.call("sessions.subscribe", params());

    String inbound =
        "{\"id\":\"evt-1\",\"from\":{\"id\":\"u42\",\"name\":\"Ada\"},\"text\":\"hello gateway\"}";
    HttpResponse<String> accepted = postHook(gateway, "main", inbound, true);

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String key = Json.mapper().readTree(accepted.body()).get("sessionKey").stringValue();
    assertThat(key).isEqualTo("agent:main:webhook:dm:u42");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !eventsNamed(events, "session.message").isEmpty());
    JsonNode event = eventsNamed(events, "session.message").getFirst();
    assertThat(event.get("sessionKey").stringValue()).isEqualTo(key);
    assertThat(event.at("/message/role").stringValue()).isEqualTo("user");
    assertThat(event.at("/message/content").stringValue()).isEqualTo("hello gateway");
    assertThat(event.get("messageSeq").asLong()).isEqualTo(1);
    assertThat(event.at("/deliveryContext/channel").stringValue()).isEqualTo("webhook");

    ObjectNode listParams = params();
    listParams.put("includeDerivedTitles", true);
    listParams.put("includeLastMessage", true);
    JsonNode list = operator.call("sessions.list", listParams);
    assertThat(list.get("count").asInt()).isEqualTo(1);
    JsonNode row = list.get("sessions").get(0);
    assertThat(row.get("key").stringValue()).isEqualTo(key);
    assertThat(row.at("/deliveryContext/to").stringValue()).isEqualTo("u42");
    assertThat(row.at("/deliveryContext/accountId").stringValue()).isEqualTo("main");
    assertThat(row.get("derivedTitle").stringValue()).isEqualTo("hello gateway");
    assertThat(row.get("lastTo").stringValue()).isEqualTo("u42");

    ObjectNode get = params();
    get.put("key", key);
    assertThat(operator.call("sessions.get", get).get("messages"))
        .singleElement()
        .satisfies(m -> assertThat(m.at("/__openclaw/seq").asLong()).isEqualTo(1));

    ObjectNode send = params();
    send.put("to", "u42");
    send.put("channel", "webhook");
    send.put("accountId", "main");
    send.put("message", "hello back");
    send.put("sessionKey", key);
    send.put("idempotencyKey", "send-once-1");
    JsonNode first = operator.call("send", send);
    JsonNode second = operator.call("send", send);

    assertThat(first.get("duplicate").asBoolean()).isFalse();
    assertThat(second.get("duplicate").asBoolean()).isTrue();
    assertThat(second.get("messageId")).isEqualTo(first.get("messageId"));
    List<WebhookReceiver.Received> posts = receiver.awaitReceived(1, Duration.ofSeconds(10));
    Thread.sleep(300); // a second POST, if there were one, would be on its way by now
    assertThat(receiver.received()).hasSize(1);
    WebhookReceiver.Received post = posts.getFirst();
    assertThat(receiver.signatureValid(post)).isTrue();
    JsonNode posted = Json.mapper().readTree(post.bodyText());
    assertThat(posted.get("text").stringValue()).isEqualTo("hello back");
    assertThat(posted.get("to").stringValue()).isEqualTo("u42");
    assertThat(post.header("Idempotency-Key")).contains("send-once-1");

    JsonNode transcript = operator.call("sessions.get", get).get("messages");
    assertThat(transcript).hasSize(2);
    assertThat(transcript.get(1).get("role").stringValue()).isEqualTo("assistant");
    assertThat(transcript.get(1).get("content").stringValue()).isEqualTo("hello back");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsNamed(events, "session.message").size() == 2);
    assertThat(eventsNamed(events, "session.message").get(1).at("/message/role").stringValue())
        .isEqualTo("assistant");
  }

  @Test
  void badInputGetsItsPreciseErrorAndChangesNothing() throws Exception {
    WebhookReceiver receiver = later(WebhookReceiver.start(HOOK_SECRET));
    writeConfig(
        "{webhook: {main: {secret: '"
            + HOOK_SECRET
            + "', outboundUrl: '"
            + receiver.url()
            + "', dmPolicy: 'allowlist', allowFrom: ['u42']}}}");
    GatewayProcess gateway = startGateway();
    GatewayClient operator =
        client(gateway, new CopyOnWriteArrayList<>(), "operator.read", "operator.write");
    String body = "{\"id\":\"evt-9\",\"from\":{\"id\":\"u42\"},\"text\":\"hi\"}";

    HttpResponse<String> unsigned = postHook(gateway, "main", body, false);
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.body()).contains("WEBHOOK_SIGNATURE_MISSING");
    HttpResponse<String> stranger =
        postHook(gateway, "main", body.replace("u42", "intruder"), true);
    assertThat(stranger.statusCode()).isEqualTo(403);
    assertThat(stranger.body()).contains("SENDER_NOT_ALLOWED");
    HttpResponse<String> unknownAccount = postHook(gateway, "other", body, true);
    assertThat(unknownAccount.statusCode()).isEqualTo(404);
    assertThat(operator.call("sessions.list", params()).get("count").asInt()).isZero();

    assertThat(postHook(gateway, "main", body, true).statusCode()).isEqualTo(200);
    HttpResponse<String> replayed = postHook(gateway, "main", body, true);
    assertThat(replayed.statusCode()).isEqualTo(409);
    assertThat(replayed.body()).contains("WEBHOOK_REPLAYED");
    String key = "agent:main:webhook:dm:u42";

    ObjectNode unknown = params();
    unknown.put("to", "u42");
    unknown.put("channel", "webhook");
    unknown.put("message", "x");
    unknown.put("sessionKey", "agent:main:webhook:dm:nobody");
    unknown.put("idempotencyKey", "k-unknown");
    assertThat(
            catchThrowableOfType(ClawgateException.class, () -> operator.call("send", unknown))
                .detail())
        .isEqualTo(DetailCode.SESSION_NOT_FOUND);

    ObjectNode oversized = params();
    oversized.put("to", "u42");
    oversized.put("channel", "webhook");
    oversized.put("message", "x".repeat(300_000));
    oversized.put("sessionKey", key);
    oversized.put("idempotencyKey", "k-big");
    assertThat(
            catchThrowableOfType(ClawgateException.class, () -> operator.call("send", oversized))
                .detail())
        .isEqualTo(DetailCode.MESSAGE_TOO_LARGE);

    ObjectNode noChannel = params();
    noChannel.put("to", "u42");
    noChannel.put("channel", "telegram");
    noChannel.put("message", "x");
    noChannel.put("idempotencyKey", "k-nochannel");
    assertThat(
            catchThrowableOfType(ClawgateException.class, () -> operator.call("send", noChannel))
                .detail())
        .isEqualTo(DetailCode.CHANNEL_NOT_CONFIGURED);

    ObjectNode history = params();
    history.put("sessionKey", "agent:main:webhook:dm:nobody");
    assertThat(
            catchThrowableOfType(
                    ClawgateException.class, () -> operator.call("chat.history", history))
                .detail())
        .isEqualTo(DetailCode.SESSION_NOT_FOUND);

    ObjectNode get = params();
    get.put("key", key);
    assertThat(operator.call("sessions.get", get).get("messages")).hasSize(1);
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void telegramSessionsPerChatAndTopicRepliesLandInTheRightTopicAndA429IsRetried()
      throws Exception {
    FakeTelegramBotApi bot = later(FakeTelegramBotApi.start(BOT_TOKEN));
    writeConfig(telegramConfig(bot));
    GatewayProcess gateway = startGateway();
    List<EventFrame> events = new CopyOnWriteArrayList<>();
    GatewayClient operator = client(gateway, events, "operator.read", "operator.write");
    operator.call("sessions.subscribe", params());

    bot.enqueueText(
        FakeTelegramBotApi.privateChat(OWNER),
        FakeTelegramBotApi.User.of(OWNER, "Owner"),
        "hi from the owner");
    FakeTelegramBotApi.Chat forum = FakeTelegramBotApi.supergroup(-100777, "Ops");
    bot.enqueueTopicText(forum, FakeTelegramBotApi.User.of(STRANGER, "Sam"), 55, "topic question");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> eventsNamed(events, "session.message").size() == 2);
    List<JsonNode> messages = eventsNamed(events, "session.message");
    JsonNode dm = messages.get(0);
    assertThat(dm.get("sessionKey").stringValue()).isEqualTo("agent:main:telegram:dm:" + OWNER);
    assertThat(dm.get("senderIsOwner").asBoolean()).isTrue();
    JsonNode topic = messages.get(1);
    String topicKey = "agent:main:telegram:group:-100777:topic:55";
    assertThat(topic.get("sessionKey").stringValue()).isEqualTo(topicKey);
    assertThat(topic.get("senderIsOwner").asBoolean()).isFalse();
    assertThat(topic.at("/deliveryContext/threadId").stringValue()).isEqualTo("55");

    bot.rateLimitNext("sendMessage", 1, 1);
    ObjectNode reply = params();
    reply.put("to", "-100777");
    reply.put("channel", "telegram");
    reply.put("threadId", "55");
    reply.put("message", "answer in the topic");
    reply.put("sessionKey", topicKey);
    reply.put("idempotencyKey", "tg-reply-1");
    JsonNode sent = operator.call("send", reply);

    assertThat(sent.get("platformMessageIds")).hasSize(1);
    List<FakeTelegramBotApi.Sent> delivered = bot.sent();
    assertThat(delivered)
        .singleElement()
        .satisfies(s -> {
          assertThat(s.chatId()).isEqualTo("-100777");
          assertThat(s.messageThreadId()).contains(55L);
          assertThat(s.text()).isEqualTo("answer in the topic");
        });
    assertThat(bot.calls("sendMessage")).isEqualTo(2);
  }

  @Test
  void aRestartResumesFromTheSavedOffsetWithNoDuplicateAndNoLoss() throws Exception {
    FakeTelegramBotApi bot = later(FakeTelegramBotApi.start(BOT_TOKEN));
    writeConfig(telegramConfig(bot));
    GatewayProcess gateway = startGateway();
    FakeTelegramBotApi.Chat chat = FakeTelegramBotApi.privateChat(OWNER);
    FakeTelegramBotApi.User owner = FakeTelegramBotApi.User.of(OWNER, "Owner");
    bot.enqueueText(chat, owner, "one");
    bot.enqueueText(chat, owner, "two");
    String key = "agent:main:telegram:dm:" + OWNER;
    GatewayClient operator = client(gateway, new CopyOnWriteArrayList<>(), "operator.read");
    await().atMost(Duration.ofSeconds(20)).until(() -> transcript(operator, key).size() == 2);
    operator.close();

    // Killed without a chance to clean up: what was stored is stored with its offset.
    gateway.killNine();
    gateway.awaitExit(Duration.ofSeconds(10));
    bot.enqueueText(chat, owner, "three");
    bot.enqueueText(chat, owner, "four");
    GatewayProcess restarted = startGateway();
    GatewayClient again = client(restarted, new CopyOnWriteArrayList<>(), "operator.read");
    await().atMost(Duration.ofSeconds(20)).until(() -> transcript(again, key).size() >= 4);
    bot.enqueueText(chat, owner, "five");
    await().atMost(Duration.ofSeconds(20)).until(() -> transcript(again, key).size() >= 5);

    assertThat(transcript(again, key))
        .extracting(m -> m.get("content").stringValue())
        .containsExactly("one", "two", "three", "four", "five");
    // 143: SIGTERM ran the graceful close (channels stopped before the store).
    assertThat(restarted.terminate(Duration.ofSeconds(20))).as(restarted.output()).isEqualTo(143);
    assertThat(restarted.output()).doesNotContain(BOT_TOKEN).doesNotContain("Exception");
  }

  private String telegramConfig(FakeTelegramBotApi bot) {
    return "{telegram: {main: {botToken: '"
        + BOT_TOKEN
        + "', apiBaseUrl: '"
        + bot.baseUrl()
        + "', pollTimeoutSeconds: 1, owners: ['"
        + OWNER
        + "'], dmPolicy: 'allowlist', groupPolicy: 'open'}}}";
  }

  private static List<JsonNode> transcript(GatewayClient client, String key) {
    ObjectNode get = params();
    get.put("key", key);
    try {
      List<JsonNode> messages = new ArrayList<>();
      client.call("sessions.get", get).get("messages").forEach(messages::add);
      return messages;
    } catch (ClawgateException e) {
      if (e.detail() == DetailCode.SESSION_NOT_FOUND) {
        return List.of();
      }
      throw e;
    }
  }
}
