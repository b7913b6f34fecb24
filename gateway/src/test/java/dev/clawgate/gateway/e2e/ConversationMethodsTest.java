package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation methods over real WebSockets: who may call what, which connections hear which
 * session events, and the shapes the reference's clients read.
 */
class ConversationMethodsTest {
  @TempDir Path stateDir;

  private GatewayUnderTest gateway;
  private final List<GatewayClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    gateway = GatewayUnderTest.defaultPairingPolicy(stateDir);
  }

  @AfterEach
  void stop() {
    clients.forEach(GatewayClient::close);
    gateway.close();
  }

  private record Conn(GatewayClient client, List<EventFrame> events) {
    JsonNode call(String method, ObjectNode params) {
      return client.call(method, params);
    }

    DetailCode refused(String method, ObjectNode params) {
      return catchThrowableOfType(ClawgateException.class, () -> client.call(method, params))
          .detail();
    }

    List<JsonNode> payloads(String event) {
      return events.stream()
          .filter(e -> e.event().equals(event))
          .map(e -> e.payload().orElseThrow())
          .toList();
    }
  }

  private Conn connect(String... scopes) {
    List<EventFrame> events = new CopyOnWriteArrayList<>();
    GatewayClient client =
        GatewayClient.connect(
            gateway.client().token(GatewayUnderTest.TOKEN).scopes(scopes).build(), events::add);
    clients.add(client);
    return new Conn(client, events);
  }

  private static ObjectNode params() {
    return Json.mapper().createObjectNode();
  }

  private static ObjectNode chat(String key, String text) {
    ObjectNode p = params();
    p.put("sessionKey", key);
    p.put("message", text);
    return p;
  }

  private static ObjectNode key(String name, String key) {
    ObjectNode p = params();
    p.put(name, key);
    return p;
  }

  @Test
  void eachMethodNeedsItsScope() {
    Conn approvalsOnly = connect("operator.approvals");
    Conn reader = connect("operator.read");
    Conn writer = connect("operator.write");

    assertThat(approvalsOnly.refused("sessions.list", params()))
        .isEqualTo(DetailCode.MISSING_SCOPE);
    assertThat(approvalsOnly.refused("sessions.subscribe", params()))
        .isEqualTo(DetailCode.MISSING_SCOPE);
    assertThat(reader.refused("chat.send", chat("agent:main:main", "hi")))
        .isEqualTo(DetailCode.MISSING_SCOPE);
    assertThat(writer.call("chat.send", chat("agent:main:main", "hi")).get("ok").asBoolean())
        .isTrue();
    assertThat(writer.call("sessions.list", params()).get("count").asInt()).isEqualTo(1);
    assertThat(writer.refused("chat.inject", chat("agent:main:main", "x")))
        .isEqualTo(DetailCode.MISSING_SCOPE);
    assertThat(writer.refused("sessions.reset", key("key", "agent:main:main")))
        .isEqualTo(DetailCode.MISSING_SCOPE);
    assertThat(writer.refused("sessions.delete", key("key", "agent:main:main")))
        .isEqualTo(DetailCode.MISSING_SCOPE);
  }

  @Test
  void subscribersHearTheirSessionsOnlyAndOthersHearNothing() {
    Conn all = connect("operator.read");
    Conn one = connect("operator.read");
    Conn none = connect("operator.read");
    Conn admin = connect("operator.admin");
    all.call("sessions.subscribe", params());
    one.call("sessions.messages.subscribe", key("key", "agent:main:main"));

    admin.call("chat.send", chat("agent:main:main", "to main"));
    admin.call("chat.send", chat("agent:ops:main", "to ops"));

    await().atMost(Duration.ofSeconds(10)).until(() -> all.payloads("session.message").size() == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> one.payloads("session.message").size() == 1);
    assertThat(one.payloads("session.message").getFirst().get("sessionKey").stringValue())
        .isEqualTo("agent:main:main");
    assertThat(all.payloads("sessions.changed"))
        .extracting(p -> p.get("phase").stringValue() + " " + p.get("sessionKey").stringValue())
        .containsExactly("created agent:main:main", "created agent:ops:main");
    assertThat(none.events()).noneMatch(e -> e.event().startsWith("session"));
    assertThat(admin.events()).noneMatch(e -> e.event().startsWith("session"));

    one.call("sessions.messages.unsubscribe", key("key", "agent:main:main"));
    all.call("sessions.unsubscribe", params());
    admin.call("chat.send", chat("agent:main:main", "after"));
    Conn late = connect("operator.read");
    late.call("sessions.subscribe", params());
    admin.call("chat.send", chat("agent:main:main", "marker"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> late.payloads("session.message").size() == 1);
    assertThat(all.payloads("session.message")).hasSize(2);
    assertThat(one.payloads("session.message")).hasSize(1);
  }

  @Test
  void theSessionMessageEventCarriesTheMessageTheRowAndTheOwnerFlag() {
    Conn watcher = connect("operator.read");
    watcher.call("sessions.subscribe", params());
    Conn admin = connect("operator.admin");
    Conn writer = connect("operator.write");

    admin.call("chat.send", chat("agent:main:main", "from the owner"));
    writer.call("chat.send", chat("agent:main:main", "from a client"));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> watcher.payloads("session.message").size() == 2);
    JsonNode first = watcher.payloads("session.message").get(0);
    assertThat(first.get("senderIsOwner").asBoolean()).isTrue();
    assertThat(first.get("messageSeq").asLong()).isEqualTo(1);
    assertThat(first.at("/message/__openclaw/seq").asLong()).isEqualTo(1);
    assertThat(first.at("/message/__openclaw/id").stringValue())
        .isEqualTo(first.get("messageId").stringValue());
    assertThat(first.at("/session/key").stringValue()).isEqualTo("agent:main:main");
    assertThat(first.get("sessionId").stringValue())
        .isEqualTo(first.at("/session/sessionId").stringValue());
    JsonNode second = watcher.payloads("session.message").get(1);
    assertThat(second.get("senderIsOwner").asBoolean()).isFalse();
    assertThat(second.at("/session/derivedTitle").stringValue()).isEqualTo("from the owner");
    assertThat(second.at("/session/lastMessagePreview").stringValue()).isEqualTo("from a client");
  }

  @Test
  void chatSendIsIdempotentAndMessagesAreFoundById() {
    Conn admin = connect("operator.admin");
    ObjectNode turn = chat("agent:main:main", "only once");
    turn.put("idempotencyKey", "turn-1");

    JsonNode first = admin.call("chat.send", turn);
    JsonNode second = admin.call("chat.send", turn);

    assertThat(second.get("duplicate").asBoolean()).isTrue();
    assertThat(second.get("messageId")).isEqualTo(first.get("messageId"));
    ObjectNode get = params();
    get.put("sessionKey", "agent:main:main");
    get.put("messageId", first.get("messageId").stringValue());
    JsonNode found = admin.call("chat.message.get", get);
    assertThat(found.get("ok").asBoolean()).isTrue();
    assertThat(found.at("/message/content").stringValue()).isEqualTo("only once");
    get.put("maxChars", 3);
    assertThat(admin.call("chat.message.get", get).get("unavailableReason").stringValue())
        .isEqualTo("oversized");
    get.put("messageId", "no-such-message");
    assertThat(admin.call("chat.message.get", get).get("unavailableReason").stringValue())
        .isEqualTo("not_found");
    ObjectNode history = params();
    history.put("sessionKey", "agent:main:main");
    assertThat(admin.call("chat.history", history).get("messages")).hasSize(1);
  }

  @Test
  void resetStartsAFreshTranscriptAndDeleteRemovesTheSession() {
    Conn admin = connect("operator.admin");
    admin.call("chat.send", chat("agent:main:main", "before reset"));
    String before =
        admin
            .call("sessions.describe", key("key", "agent:main:main"))
            .at("/session/sessionId")
            .stringValue();

    JsonNode reset = admin.call("sessions.reset", key("key", "agent:main:main"));

    assertThat(reset.get("sessionId").stringValue()).isNotEqualTo(before);
    assertThat(admin.call("sessions.get", key("key", "agent:main:main")).get("messages")).isEmpty();
    admin.call("sessions.delete", key("key", "agent:main:main"));
    assertThat(
            admin.call("sessions.describe", key("key", "agent:main:main")).get("session").isNull())
        .isTrue();
    assertThat(admin.refused("sessions.get", key("key", "agent:main:main")))
        .isEqualTo(DetailCode.SESSION_NOT_FOUND);
    assertThat(admin.refused("sessions.delete", key("key", "agent:main:main")))
        .isEqualTo(DetailCode.SESSION_NOT_FOUND);
  }

  @Test
  void badParamsNameTheFieldAndChangeNothing() {
    Conn admin = connect("operator.admin");
    ObjectNode unknownField = params();
    unknownField.put("limit", 5);
    unknownField.put("colour", "blue");
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class, () -> admin.client().call("sessions.list", unknownField));
    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_PARAMS);
    assertThat(e.getMessage()).contains("colour");
    ObjectNode zero = params();
    zero.put("limit", 0);
    assertThat(admin.refused("sessions.list", zero)).isEqualTo(DetailCode.INVALID_PARAMS);
    assertThat(admin.refused("chat.send", chat("agent:main:main", "x".repeat(300_000))))
        .isEqualTo(DetailCode.MESSAGE_TOO_LARGE);
    ObjectNode role = chat("agent:main:nope", "x");
    assertThat(admin.refused("chat.inject", role)).isEqualTo(DetailCode.SESSION_NOT_FOUND);
    assertThat(admin.refused("send", params())).isEqualTo(DetailCode.INVALID_PARAMS);
    assertThat(admin.call("sessions.list", params()).get("count").asInt()).isZero();
    assertThat(admin.call("channels.status", params()).get("channelOrder")).isEmpty();
  }

  @Test
  void statusSummarisesTheSessionStoreAsTheReferencesClientsReadIt() {
    Conn admin = connect("operator.admin");
    admin.call("chat.send", chat("agent:main:main", "one"));
    // "Most recent first" needs two different update times: sessions updated in the same
    // millisecond are ordered by key.
    long first = System.currentTimeMillis();
    while (System.currentTimeMillis() <= first) {
      Thread.onSpinWait();
    }
    admin.call("chat.send", chat("agent:ops:main", "two"));

    JsonNode status = admin.call("status", params());

    assertThat(status.get("version").isString()).isTrue();
    assertThat(status.at("/sessions/count").asInt()).isEqualTo(2);
    assertThat(status.at("/sessions/recent/0/key").stringValue()).isEqualTo("agent:ops:main");
    assertThat(status.at("/sessions/byAgent"))
        .extracting(a -> a.get("agentId").stringValue() + "=" + a.get("count").asInt())
        .containsExactly("ops=1", "main=1");
    assertThat(status.at("/heartbeat/defaultAgentId").stringValue()).isEqualTo("main");
    assertThat(status.at("/tasks/total").asInt()).isZero();
  }
}
