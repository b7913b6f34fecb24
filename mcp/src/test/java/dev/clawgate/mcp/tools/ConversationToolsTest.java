package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.FakePort.parse;
import static dev.clawgate.mcp.tools.GatewayJson.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.mcp.server.ToolResult;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ConversationToolsTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private void sessions(ObjectNode... rows) {
    ObjectNode answer = GatewayJson.object();
    answer.put("ts", GatewayJson.NOW);
    answer.put("count", rows.length);
    ArrayNode list = answer.putArray("sessions");
    for (ObjectNode row : rows) {
      list.add(row);
    }
    h.port.answer("sessions.list", params -> answer);
  }

  private void describes(JsonNode session) {
    h.port.answer(
        "sessions.describe",
        params -> {
          ObjectNode answer = GatewayJson.object();
          answer.set("session", session);
          return answer;
        });
  }

  @Test
  void conversationsListMapsRoutedRowsAndHidesTheRest() throws Exception {
    sessions(
        GatewayJson.row(KEY, GatewayJson.Route.IMESSAGE),
        GatewayJson.row("agent:main:cron:nightly", null));

    ToolResult result = h.call("conversations_list", "{}");

    assertThat(result.isError()).isFalse();
    assertThat(h.port.methods()).containsExactly("awaitReady", "sessions.list");
    assertThat(h.port.only("sessions.list").params())
        .isEqualTo(
            parse("{\"limit\":50,\"includeDerivedTitles\":true,\"includeLastMessage\":true}"));
    ObjectNode expected =
        (ObjectNode)
            parse(
                """
                {"conversations":[{"sessionKey":"agent:main:main","channel":"imessage",
                  "to":"+15551234567","accountId":"imessage-default",
                  "displayName":"Docker MCP Channel Smoke","derivedTitle":"hello",
                  "lastMessagePreview":"seeded transcript","updatedAt":1700000000000}]}
                """);
    assertThat(result.structuredContent()).contains(expected);
    assertThat(Harness.text(result))
        .startsWith("conversations: 1\n\n{\n  \"conversations\": [\n    {\n")
        .contains("\"sessionKey\": \"agent:main:main\"")
        .isEqualTo("conversations: 1\n\n" + ResultText.stringify(expected));
  }

  @Test
  void conversationsListClampsTheLimitAndPassesItsOptions() throws Exception {
    sessions();
    h.call("conversations_list", "{\"limit\":10000}");
    h.call("conversations_list", "{\"limit\":0}");
    h.call(
        "conversations_list", "{\"limit\":2.7,\"search\":\"ops\",\"includeDerivedTitles\":false}");

    assertThat(
            h.port.calls.stream()
                .filter(c -> c.method().equals("sessions.list"))
                .map(c -> c.params().toString()))
        .containsExactly(
            "{\"limit\":500,\"includeDerivedTitles\":true,\"includeLastMessage\":true}",
            "{\"limit\":1,\"includeDerivedTitles\":true,\"includeLastMessage\":true}",
            "{\"limit\":2,\"search\":\"ops\",\"includeDerivedTitles\":false,"
                + "\"includeLastMessage\":true}");
  }

  @Test
  void conversationsListFiltersTheChannelAfterTheGatewaysLimit() throws Exception {
    sessions(
        GatewayJson.row("agent:main:imessage", GatewayJson.Route.IMESSAGE),
        GatewayJson.row("agent:main:telegram", GatewayJson.Route.TELEGRAM_TOPIC));

    ObjectNode structured =
        h.structured("conversations_list", "{\"limit\":2,\"channel\":\" TELEGRAM \"}");

    assertThat(structured.get("conversations")).hasSize(1);
    assertThat(structured.at("/conversations/0/sessionKey").asString())
        .isEqualTo("agent:main:telegram");
    assertThat(h.port.only("sessions.list").params().has("channel")).isFalse();
    assertThat(h.port.only("sessions.list").params().get("limit").asInt()).isEqualTo(2);
  }

  @Test
  void conversationGetDescribesTheTrimmedKey() throws Exception {
    describes(GatewayJson.row(KEY, GatewayJson.Route.TELEGRAM_TOPIC));

    ToolResult result = h.call("conversation_get", "{\"session_key\":\"  agent:main:main \"}");

    assertThat(Harness.text(result)).isEqualTo("conversation agent:main:main");
    assertThat(h.port.only("sessions.describe").params())
        .isEqualTo(
            parse(
                "{\"key\":\"agent:main:main\",\"includeDerivedTitles\":true,"
                    + "\"includeLastMessage\":true}"));
    assertThat(result.structuredContent().orElseThrow().at("/conversation/threadId").asString())
        .isEqualTo("42");
  }

  @Test
  void conversationGetReportsAMissingOrUnroutedSession() throws Exception {
    describes(GatewayJson.object().nullNode());
    ToolResult missing = h.call("conversation_get", "{\"session_key\":\"agent:main:gone\"}");
    assertThat(missing.isError()).isTrue();
    assertThat(missing.structuredContent()).isEmpty();
    assertThat(Harness.text(missing)).isEqualTo("conversation not found: agent:main:gone");

    describes(GatewayJson.row("agent:main:cron:x", null));
    assertThat(Harness.text(h.call("conversation_get", "{\"session_key\":\"agent:main:cron:x\"}")))
        .isEqualTo("conversation not found: agent:main:cron:x");

    h.port.calls.clear();
    ToolResult blank = h.call("conversation_get", "{\"session_key\":\"   \"}");
    assertThat(Harness.text(blank)).isEqualTo("conversation not found:    ");
    assertThat(h.port.calls).isEmpty();
  }

  @Test
  void messagesReadReturnsTheRawTranscriptAndClampsTheLimit() throws Exception {
    ObjectNode answer = GatewayJson.object();
    answer.put("key", KEY);
    answer
        .putArray("messages")
        .add(GatewayJson.transcript("msg-1", 1, "assistant", "hello from seeded transcript"))
        .add(GatewayJson.transcript("msg-2", 2, "user", "hi"));
    h.port.answer("sessions.get", params -> answer);

    ToolResult result = h.call("messages_read", "{\"session_key\":\" agent:main:main\"}");
    h.call("messages_read", "{\"session_key\":\"agent:main:main\",\"limit\":10000}");

    assertThat(
            h.port.calls.stream()
                .filter(c -> c.method().equals("sessions.get"))
                .map(c -> c.params().toString()))
        .containsExactly(
            "{\"key\":\" agent:main:main\",\"limit\":20}",
            "{\"key\":\"agent:main:main\",\"limit\":200}");
    ObjectNode structured = result.structuredContent().orElseThrow();
    assertThat(structured.get("messages")).isEqualTo(answer.get("messages"));
    assertThat(Harness.text(result))
        .isEqualTo("messages: 2\n\n" + ResultText.stringify(structured))
        .contains("\"id\": \"msg-1\"");
  }

  @Test
  void messagesReadShowsAnEmptyTranscriptAsAnEmptyList() throws Exception {
    h.port.answer("sessions.get", "{\"key\":\"k\",\"messages\":[]}");
    assertThat(Harness.text(h.call("messages_read", "{\"session_key\":\"k\"}")))
        .isEqualTo("messages: 0\n\n{\n  \"messages\": []\n}");
  }

  private static ObjectNode mediaMessage() {
    ObjectNode message =
        GatewayJson.transcript("msg-attachment", 2, "user", "seeded image attachment");
    ((ObjectNode) message.get("__openclaw"))
        .putArray("media")
        .add(
            parse(
                """
                {"url":"media://inbound/seeded-image.png","contentType":"image/png","kind":"image",
                 "fileName":"seeded-image.png","sizeBytes":3}
                """))
        .add(parse("{\"kind\":\"unknown\"}"));
    return message;
  }

  @Test
  void attachmentsFetchLooksTheMessageUpExactly() throws Exception {
    ObjectNode message = mediaMessage();
    h.port.answer(
        "chat.message.get",
        params -> {
          ObjectNode answer = GatewayJson.object();
          answer.put("ok", true);
          answer.set("message", message);
          return answer;
        });

    ToolResult result =
        h.call(
            "attachments_fetch",
            "{\"session_key\":\"agent:main:main\",\"message_id\":\"msg-attachment\"}");

    assertThat(h.port.methods()).containsExactly("awaitReady", "chat.message.get");
    assertThat(h.port.only("chat.message.get").params())
        .isEqualTo(parse("{\"sessionKey\":\"agent:main:main\",\"messageId\":\"msg-attachment\"}"));
    assertThat(Harness.text(result)).isEqualTo("attachments: 1");
    assertThat(result.structuredContent().orElseThrow().get("attachments"))
        .isEqualTo(
            parse(
                """
                [{"type":"openclaw_media","media":{"url":"media://inbound/seeded-image.png",
                  "contentType":"image/png","kind":"image","fileName":"seeded-image.png",
                  "sizeBytes":3,"transcribed":false}}]
                """));
    assertThat(result.structuredContent().orElseThrow().get("message")).isEqualTo(message);
  }

  @Test
  void attachmentsFetchReportsAnUnknownMessage() throws Exception {
    h.port.answer("chat.message.get", "{\"ok\":false,\"unavailableReason\":\"not_found\"}");

    ToolResult result =
        h.call(
            "attachments_fetch", "{\"session_key\":\"agent:main:main\",\"message_id\":\"msg-x\"}");

    assertThat(result.isError()).isTrue();
    assertThat(Harness.text(result)).isEqualTo("message not found: msg-x");
  }

  @Test
  void attachmentsFetchScansHistoryWhenTheGatewayHasNoExactLookup() throws Exception {
    h.port.withoutExactLookup();
    ObjectNode legacy =
        GatewayJson.transcript(
            "ignored",
            1,
            "assistant",
            parse(
                """
                [{"type":"text","text":"attached image"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"abc"}}]
                """));
    legacy.remove("id");
    ((ObjectNode) legacy.get("__openclaw")).put("id", "msg-legacy");
    ObjectNode answer = GatewayJson.object();
    answer.putArray("messages").add(GatewayJson.transcript("msg-1", 1, "user", "hi")).add(legacy);
    h.port.answer("sessions.get", params -> answer);

    ToolResult found =
        h.call(
            "attachments_fetch",
            "{\"session_key\":\"agent:main:main\",\"message_id\":\"msg-legacy\",\"limit\":1}");
    ToolResult missing =
        h.call(
            "attachments_fetch", "{\"session_key\":\"agent:main:main\",\"message_id\":\"msg-9\"}");

    assertThat(
            h.port.calls.stream()
                .filter(c -> c.method().equals("sessions.get"))
                .map(c -> c.params().toString()))
        .containsExactly(
            "{\"key\":\"agent:main:main\",\"limit\":1}",
            "{\"key\":\"agent:main:main\",\"limit\":100}");
    assertThat(found.structuredContent().orElseThrow().get("attachments"))
        .isEqualTo(
            parse(
                "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\","
                    + "\"data\":\"abc\"}}]"));
    assertThat(Harness.text(missing)).isEqualTo("message not found: msg-9");
    assertThat(missing.isError()).isTrue();
  }

  @Test
  void attachmentsListContentBlocksBeforePersistedMedia() {
    ObjectNode message = mediaMessage();
    message.set(
        "content",
        parse(
            "[{\"type\":\"text\",\"text\":\"t\"},{\"type\":\"image\",\"url\":\"x\"},\"loose\",{\"no\":1}]"));
    ((ObjectNode) message.at("/__openclaw/media/0")).put("transcribed", true);

    ArrayNode attachments = Attachments.of(message);

    assertThat(attachments).hasSize(3);
    assertThat(attachments.get(0)).isEqualTo(parse("{\"type\":\"image\",\"url\":\"x\"}"));
    assertThat(attachments.get(1)).isEqualTo(parse("{\"no\":1}"));
    assertThat(attachments.at("/2/media/transcribed").booleanValue()).isTrue();
  }

  @Test
  void messagesSendRepliesOnTheConversationsRoute() throws Exception {
    ObjectNode routeWithNumericThread = GatewayJson.row(KEY, GatewayJson.Route.TELEGRAM_TOPIC);
    ((ObjectNode) routeWithNumericThread.get("deliveryContext")).put("threadId", 42);
    describes(routeWithNumericThread);
    h.port.answer("send", "{\"ok\":true,\"channel\":\"telegram\",\"messageId\":\"m-9\"}");

    ToolResult first =
        h.call(
            "messages_send", "{\"session_key\":\"agent:main:main\",\"text\":\"reply from mcp\"}");
    h.call("messages_send", "{\"session_key\":\"agent:main:main\",\"text\":\"again\"}");

    assertThat(Harness.text(first)).isEqualTo("sent");
    assertThat(first.structuredContent().orElseThrow())
        .isEqualTo(
            parse("{\"result\":{\"ok\":true,\"channel\":\"telegram\",\"messageId\":\"m-9\"}}"));
    var sends = h.port.calls.stream().filter(c -> c.method().equals("send")).toList();
    ObjectNode params = ((ObjectNode) sends.getFirst().params()).deepCopy();
    String key = params.remove("idempotencyKey").asString();
    assertThat(UUID.fromString(key).version()).isEqualTo(4);
    assertThat(params)
        .isEqualTo(
            parse(
                """
                {"to":"-100123","channel":"telegram","accountId":"acct-1","threadId":"42",
                 "message":"reply from mcp","sessionKey":"agent:main:main"}
                """));
    assertThat(sends.get(1).params().get("idempotencyKey").asString()).isNotEqualTo(key);
  }

  @Test
  void messagesSendRefusesASessionWithoutRoute() throws Exception {
    describes(GatewayJson.object().nullNode());

    ToolResult result =
        h.call("messages_send", "{\"session_key\":\"agent:main:gone\",\"text\":\"hi\"}");

    assertThat(result.isError()).isTrue();
    assertThat(Harness.text(result))
        .isEqualTo("Conversation not found for session agent:main:gone");
    assertThat(h.port.methods()).doesNotContain("send");
  }

  @Test
  void gatewayFailuresBecomeErrorResultsWithTheirMessage() throws Exception {
    h.port.refuse("sessions.get", "session not found: agent:main:nope");
    assertThat(Harness.text(h.call("messages_read", "{\"session_key\":\"agent:main:nope\"}")))
        .isEqualTo("session not found: agent:main:nope");

    h.port.notReady("Gateway client is not ready: pairing required");
    ToolResult result = h.call("conversations_list", "{}");
    assertThat(result.isError()).isTrue();
    assertThat(Harness.text(result)).isEqualTo("Gateway client is not ready: pairing required");
    assertThat(h.port.methods()).doesNotContain("sessions.list");
    assertThat(h.port.calls.getLast().params().asLong())
        .isEqualTo(Harness.READY_TIMEOUT.toMillis());
  }

  @Test
  void localToolsNeverTouchTheGateway() throws Exception {
    h.port.notReady("Gateway client is not ready");
    h.emit("session.message", GatewayJson.userText("m1", "hello", Optional.of(true)));

    assertThat(Harness.text(h.call("events_poll", "{}"))).isEqualTo("events: 1");
    assertThat(Harness.text(h.call("events_wait", "{\"timeout_ms\":1}"))).isEqualTo("event 1");
    assertThat(Harness.text(h.call("permissions_list_open", "{}"))).isEqualTo("approvals: 0");
    assertThat(h.port.calls).isEmpty();
  }
}
