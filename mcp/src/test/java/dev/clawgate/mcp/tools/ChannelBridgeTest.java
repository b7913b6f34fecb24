package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.FakePort.parse;
import static dev.clawgate.mcp.tools.FakePort.reparse;
import static dev.clawgate.mcp.tools.GatewayJson.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.mcp.server.InputValidator;
import dev.clawgate.mcp.server.Tool;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ChannelBridgeTest {
  private static final String PERMISSION_REQUEST =
      "{\"request_id\":\"abcde\",\"tool_name\":\"Bash\",\"description\":\"run npm test\","
          + "\"input_preview\":\"{\\\"cmd\\\":\\\"npm test\\\"}\"}";

  private Harness h = new Harness(ClaudeChannelMode.ON);

  @AfterEach
  void close() {
    h.close();
  }

  private JsonNode events() throws InterruptedException {
    return h.structured("events_poll", "{\"limit\":200}").get("events");
  }

  @Test
  void listsTheNineToolsInTheReferencesOrderWithTheirSchemas() {
    assertThat(h.bridge.tools().stream().map(t -> t.spec().name()))
        .containsExactly(
            "conversations_list",
            "conversation_get",
            "messages_read",
            "attachments_fetch",
            "events_poll",
            "events_wait",
            "messages_send",
            "permissions_list_open",
            "permissions_respond");
    assertThat(reparse(h.tool("conversations_list").spec().inputSchema()))
        .isEqualTo(
            parse(
                """
                {"type":"object","additionalProperties":false,"properties":{
                  "limit":{"type":"integer","minimum":1,"maximum":500},
                  "search":{"type":"string"},"channel":{"type":"string"},
                  "includeDerivedTitles":{"type":"boolean"},"includeLastMessage":{"type":"boolean"}}}
                """));
    assertThat(reparse(h.tool("permissions_respond").spec().inputSchema()))
        .isEqualTo(
            parse(
                """
                {"type":"object","additionalProperties":false,"required":["kind","id","decision"],
                 "properties":{"kind":{"type":"string","enum":["exec","plugin"]},
                  "id":{"type":"string","minLength":1},
                  "decision":{"type":"string","enum":["allow-once","allow-always","deny"]}}}
                """));
    assertThat(reparse(h.tool("events_wait").spec().inputSchema()))
        .isEqualTo(
            parse(
                """
                {"type":"object","additionalProperties":false,"properties":{
                  "after_cursor":{"type":"integer","minimum":0},"session_key":{"type":"string"},
                  "timeout_ms":{"type":"integer","minimum":1,"maximum":300000}}}
                """));
    assertThat(reparse(h.tool("permissions_list_open").spec().inputSchema()))
        .isEqualTo(parse("{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}"));
    Tool get = h.tool("conversation_get");
    assertThat(get.spec().description()).isEqualTo("Get one OpenClaw conversation by session key.");
    assertThat(reparse(get.spec().inputSchema()))
        .isEqualTo(
            parse(
                "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"session_key\"],"
                    + "\"properties\":{\"session_key\":{\"type\":\"string\",\"minLength\":1}}}"));
  }

  @Test
  void everySchemaIsOneTheSessionCanEnforce() {
    assertThat(h.bridge.tools()).allSatisfy(t -> InputValidator.of(t.spec().inputSchema()));
  }

  @Test
  void advertisesTheChannelCapabilitiesUnlessOff() {
    assertThat(h.bridge.experimentalCapabilities())
        .containsOnlyKeys("claude/channel", "claude/channel/permission")
        .allSatisfy((k, v) -> assertThat(v.isEmpty()).isTrue());
    try (Harness auto = new Harness(ClaudeChannelMode.AUTO);
        Harness off = new Harness(ClaudeChannelMode.OFF)) {
      assertThat(auto.bridge.experimentalCapabilities()).hasSize(2);
      assertThat(off.bridge.experimentalCapabilities()).isEmpty();
    }
  }

  @Test
  void forwardsARoutedUserMessageWithStringMetaAfterQueueingIt() throws Exception {
    ObjectNode row = GatewayJson.row(KEY, GatewayJson.Route.TELEGRAM_TOPIC);
    row.put("lastThreadId", 42);
    ObjectNode payload =
        GatewayJson.sessionMessage(
            row,
            GatewayJson.transcript(
                "msg-user-1",
                7,
                "user",
                parse(
                    "[{\"type\":\"image\",\"url\":\"u\"},{\"type\":\"text\",\"text\":\"hello Claude\"}]")),
            Optional.of(true));

    h.emit("session.message", payload);

    assertThat(h.notifier.params(ClaudeChannel.CHANNEL))
        .containsExactly(
            (ObjectNode)
                parse(
                    """
                    {"content":"hello Claude","meta":{"session_key":"agent:main:main",
                     "channel":"telegram","to":"-100123","account_id":"acct-1","thread_id":"42",
                     "message_id":"msg-user-1"}}
                    """));
    JsonNode event = events().get(0);
    assertThat(event.get("cursor").asLong()).isEqualTo(1);
    assertThat(event.get("type").asString()).isEqualTo("message");
    assertThat(event.get("sessionKey").asString()).isEqualTo(KEY);
    assertThat(event.get("conversation"))
        .isEqualTo(
            parse(
                """
                {"sessionKey":"agent:main:main","channel":"telegram","to":"-100123",
                 "accountId":"acct-1","threadId":42,"updatedAt":null}
                """));
    assertThat(event.get("messageId").asString()).isEqualTo("msg-user-1");
    assertThat(event.get("messageSeq").asLong()).isEqualTo(7);
    assertThat(event.get("role").asString()).isEqualTo("user");
    assertThat(event.get("text").asString()).isEqualTo("hello Claude");
    assertThat(event.get("raw")).isEqualTo(payload);
  }

  @Test
  void doesNotForwardAssistantOrUnroutedMessages() throws Exception {
    h.emit(
        "session.message",
        GatewayJson.sessionMessage(
            GatewayJson.row(KEY, GatewayJson.Route.IMESSAGE),
            GatewayJson.transcript("m1", 1, "assistant", "hi"),
            Optional.empty()));
    h.emit(
        "session.message",
        GatewayJson.sessionMessage(
            GatewayJson.row("agent:main:cron:x", null),
            GatewayJson.transcript("m2", 1, "user", "hi"),
            Optional.of(true)));
    ObjectNode keyless = GatewayJson.userText("m3", "hi", Optional.of(true));
    keyless.put("sessionKey", "  ");
    h.emit("session.message", keyless);
    h.emit("sessions.changed", parse("{\"phase\":\"message\",\"sessionKey\":\"agent:main:main\"}"));
    h.emit("tick", parse("{\"ts\":1}"));

    assertThat(h.notifier.sent).isEmpty();
    JsonNode events = events();
    assertThat(events).hasSize(2);
    assertThat(events.get(1).has("conversation")).isFalse();
    assertThat(events.get(1).get("sessionKey").asString()).isEqualTo("agent:main:cron:x");
  }

  @Test
  void forwardsNonTextContentWithAPlaceholder() {
    h.emit(
        "session.message",
        GatewayJson.sessionMessage(
            GatewayJson.row(KEY, GatewayJson.Route.IMESSAGE),
            GatewayJson.transcript("m1", 1, "user", parse("[{\"type\":\"image\",\"url\":\"u\"}]")),
            Optional.empty()));

    ObjectNode params = h.notifier.params(ClaudeChannel.CHANNEL).getFirst();
    assertThat(params.get("content").asString()).isEqualTo("[non-text message]");
    assertThat(params.at("/meta/thread_id").asString()).isEmpty();
    assertThat(params.get("meta").valueStream().allMatch(JsonNode::isString)).isTrue();
  }

  @Test
  void anOwnersYesAnswersAPendingPermissionRequestInsteadOfBeingAMessage() throws Exception {
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    assertThat(reparse(events().get(0)))
        .isEqualTo(
            parse(
                """
                {"cursor":1,"type":"claude_permission_request","requestId":"abcde","toolName":"Bash",
                 "description":"run npm test","inputPreview":"{\\"cmd\\":\\"npm test\\"}"}
                """));
    assertThat(h.diagnostics.verboseLines)
        .contains("clawgate mcp: pending Claude permission abcde");

    h.emit("session.message", GatewayJson.userText("m1", "yes abcde", Optional.of(true)));

    assertThat(h.notifier.sent)
        .containsExactly(
            new Recorders.Notification(
                ClaudeChannel.PERMISSION,
                (ObjectNode) parse("{\"request_id\":\"abcde\",\"behavior\":\"allow\"}")));
    assertThat(events()).hasSize(1);

    // Answered: the same reply again is an ordinary message now.
    h.emit("session.message", GatewayJson.userText("m2", "yes abcde", Optional.of(true)));
    assertThat(events()).hasSize(2);
    assertThat(h.notifier.params(ClaudeChannel.CHANNEL)).hasSize(1);
  }

  @Test
  void aNonOwnersYesIsAnOrdinaryMessage() throws Exception {
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));

    h.emit("session.message", GatewayJson.userText("m1", "yes abcde", Optional.of(false)));
    h.emit("session.message", GatewayJson.userText("m2", "yes abcde", Optional.empty()));
    ObjectNode stringly = GatewayJson.userText("m3", "yes abcde", Optional.empty());
    stringly.put("senderIsOwner", "true");
    h.emit("session.message", stringly);

    assertThat(h.notifier.params(ClaudeChannel.PERMISSION)).isEmpty();
    assertThat(h.notifier.params(ClaudeChannel.CHANNEL))
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.get("content").asString()).isEqualTo("yes abcde"));
    assertThat(events()).hasSize(4);

    h.emit("session.message", GatewayJson.userText("m4", "yes abcde", Optional.of(true)));
    assertThat(h.notifier.params(ClaudeChannel.PERMISSION)).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"NO ABCDE|deny", "No\tabcde|deny", "YES  AbCdE|allow", "yes\u00a0abcde|allow"})
  void repliesAreCaseInsensitiveAndTheIdIsLowerCased(String text, String behavior) {
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    h.emit("session.message", GatewayJson.userText("m1", text, Optional.of(true)));

    assertThat(h.notifier.params(ClaudeChannel.PERMISSION))
        .containsExactly(
            (ObjectNode) parse("{\"request_id\":\"abcde\",\"behavior\":\"" + behavior + "\"}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yes abcde please",
        "please yes abcde",
        "yes abcde\n",
        "yesabcde",
        "yes fghij",
        "maybe abcde"
      })
  void anythingButTheWholeReplyForAPendingIdIsAnOrdinaryMessage(String text) throws Exception {
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    h.emit("session.message", GatewayJson.userText("m1", text, Optional.of(true)));

    assertThat(h.notifier.params(ClaudeChannel.PERMISSION)).isEmpty();
    assertThat(h.notifier.params(ClaudeChannel.CHANNEL)).hasSize(1);
    assertThat(events()).hasSize(2);
  }

  @Test
  void anAssistantCannotAnswerAPermissionRequest() throws Exception {
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    h.emit(
        "session.message",
        GatewayJson.sessionMessage(
            GatewayJson.row(KEY, GatewayJson.Route.IMESSAGE),
            GatewayJson.transcript("m1", 1, "assistant", "yes abcde"),
            Optional.of(true)));

    assertThat(h.notifier.sent).isEmpty();
    assertThat(events()).hasSize(2);
  }

  @Test
  void aFailedPermissionNotificationKeepsTheRequestPendingForARetry() throws Exception {
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    h.notifier.failing = true;

    h.emit("session.message", GatewayJson.userText("m1", "yes abcde", Optional.of(true)));

    assertThat(h.diagnostics.lines)
        .containsExactly(
            "clawgate mcp: notification notifications/claude/channel/permission failed");
    assertThat(h.diagnostics.verboseLines)
        .contains(
            "clawgate mcp: notification notifications/claude/channel/permission error:"
                + " java.io.IOException: stdout closed");
    assertThat(events()).hasSize(1);

    h.notifier.failing = false;
    h.emit("session.message", GatewayJson.userText("m2", "yes abcde", Optional.of(true)));
    assertThat(h.notifier.params(ClaudeChannel.PERMISSION)).hasSize(1);
    assertThat(events()).hasSize(1);
  }

  @Test
  void aFailedChannelNotificationIsReportedAndTheMessageStillQueued() throws Exception {
    h.notifier.failing = true;

    h.emit("session.message", GatewayJson.userText("m1", "hello", Optional.of(true)));

    assertThat(h.diagnostics.lines)
        .containsExactly("clawgate mcp: notification notifications/claude/channel failed");
    assertThat(events()).hasSize(1);
  }

  @Test
  void anExpiredPermissionRequestCannotBeAnswered() throws Exception {
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    h.clock.advance(PendingApprovals.CLAUDE_PERMISSION_TTL);

    h.emit("session.message", GatewayJson.userText("m1", "yes abcde", Optional.of(true)));

    assertThat(h.notifier.params(ClaudeChannel.PERMISSION)).isEmpty();
    assertThat(events()).hasSize(2);
  }

  @Test
  void invalidPermissionRequestsAreIgnoredWithADiagnostic() throws Exception {
    h.bridge.onPermissionRequest(
        parse("{\"request_id\":\"abcde\",\"tool_name\":\"Bash\",\"description\":\"d\"}"));
    h.bridge.onPermissionRequest(
        parse(
            "{\"request_id\":5,\"tool_name\":\"Bash\",\"description\":\"d\",\"input_preview\":\"p\"}"));

    assertThat(events()).isEmpty();
    assertThat(h.diagnostics.lines)
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("clawgate mcp: ignored "));
    h.emit("session.message", GatewayJson.userText("m1", "yes abcde", Optional.of(true)));
    assertThat(h.notifier.params(ClaudeChannel.PERMISSION)).isEmpty();
  }

  @Test
  void modeOffSendsNoNotificationsAndIgnoresPermissionRequests() throws Exception {
    h.close();
    h = new Harness(ClaudeChannelMode.OFF);

    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    h.emit("session.message", GatewayJson.userText("m1", "hello", Optional.of(true)));
    h.emit("session.message", GatewayJson.userText("m2", "yes abcde", Optional.of(true)));

    assertThat(h.notifier.sent).isEmpty();
    assertThat(events().valueStream().map(e -> e.get("type").asString()))
        .containsExactly("message", "message");
  }

  @Test
  void closingStopsListeningAndSendingAndLaterStartsDoNothing() throws Exception {
    assertThat(h.port.subscribed()).isTrue();
    h.bridge.close();
    h.bridge.close();

    assertThat(h.port.unsubscribed).isTrue();
    h.bridge.onGatewayEvent(
        "session.message", GatewayJson.userText("m1", "hello", Optional.of(true)));
    h.bridge.onPermissionRequest(parse(PERMISSION_REQUEST));
    h.bridge.start();
    assertThat(h.notifier.sent).isEmpty();
    assertThat(events()).isEmpty();
  }
}
