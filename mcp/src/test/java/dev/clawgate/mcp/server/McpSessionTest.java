package dev.clawgate.mcp.server;

import static dev.clawgate.mcp.server.TestTools.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.mcp.server.TestTools.BlockingTool;
import dev.clawgate.mcp.server.TestTools.Collected;
import dev.clawgate.mcp.server.TestTools.RecordingDiagnostics;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class McpSessionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final Collected replies = new Collected();
  private final Collected notifications = new Collected();
  private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
  private final BlockingTool blocking = new BlockingTool();
  private final List<ObjectNode> permissionRequests = new CopyOnWriteArrayList<>();

  private McpSession.Builder builder() {
    return McpSession.builder()
        .serverInfo("clawgate", "1.2.3")
        .tools(
            List.of(
                TestTools.echo(),
                blocking.tool(),
                TestTools.tool(
                    "fail",
                    "{\"type\":\"object\"}",
                    args -> {
                      throw new ToolFailure("gateway said no");
                    }),
                TestTools.tool(
                    "broken",
                    "{\"type\":\"object\"}",
                    args -> {
                      throw new IllegalStateException("secret detail");
                    })))
        .onNotification("notifications/claude/channel/permission_request", permissionRequests::add)
        .diagnostics(diagnostics)
        .outbound(notifications);
  }

  private McpSession initialized() throws InterruptedException {
    McpSession session = builder().build();
    ObjectNode answer = send(session, initialize(1, "2025-06-18"));
    assertThat(answer.has("result")).isTrue();
    return session;
  }

  private ObjectNode send(McpSession session, String message) throws InterruptedException {
    session.handle(Json.mapper().readTree(message), replies);
    return replies.next();
  }

  private static String initialize(Object id, String version) {
    return """
    {"jsonrpc":"2.0","id":%s,"method":"initialize","params":{"protocolVersion":"%s",
     "capabilities":{"roots":{}},"clientInfo":{"name":"claude-code","version":"2.0"}}}\
    """
        .formatted(id, version);
  }

  private static String call(Object id, String tool, String arguments) {
    return """
    {"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s}}\
    """
        .formatted(id, tool, arguments);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})
  void initializeEchoesEverySupportedVersion(String version) throws InterruptedException {
    McpSession session = builder().build();

    ObjectNode answer = send(session, initialize(1, version));

    assertThat(answer.path("result").path("protocolVersion").stringValue()).isEqualTo(version);
    assertThat(session.protocolVersion()).contains(version);
  }

  @Test
  void initializeAnswersTheLatestVersionForOneItDoesNotKnow() throws InterruptedException {
    ObjectNode answer = send(builder().build(), initialize(1, "2099-01-01"));

    assertThat(answer.path("result").path("protocolVersion").stringValue()).isEqualTo("2025-11-25");
  }

  @Test
  void initializeDescribesTheServerAndRemembersTheClient() throws InterruptedException {
    McpSession session = builder().build();

    ObjectNode answer = send(session, initialize("\"init\"", "2025-11-25"));

    assertThat(answer)
        .isEqualTo(
            json(
                """
                {"jsonrpc":"2.0","id":"init","result":{"protocolVersion":"2025-11-25",
                 "capabilities":{"tools":{"listChanged":true}},
                 "serverInfo":{"name":"clawgate","version":"1.2.3"}}}\
                """));
    assertThat(session.isInitialized()).isTrue();
    assertThat(session.clientInfo())
        .contains(json("{\"name\":\"claude-code\",\"version\":\"2.0\"}"));
    assertThat(session.clientCapabilities()).contains(json("{\"roots\":{}}"));
    assertThat(session.clientReady()).isFalse();

    session.handle(json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), replies);
    assertThat(session.clientReady()).isTrue();
  }

  @Test
  void initializeAdvertisesExperimentalCapabilitiesAndInstructions() throws InterruptedException {
    McpSession session =
        builder()
            .experimental(
                Map.of("claude/channel", json("{}"), "claude/channel/permission", json("{}")))
            .instructions("Read conversations.")
            .build();

    JsonNode result = send(session, initialize(1, "2025-06-18")).path("result");

    assertThat(result.path("capabilities").path("experimental"))
        .isEqualTo(json("{\"claude/channel\":{},\"claude/channel/permission\":{}}"));
    assertThat(result.path("capabilities").path("tools")).isEqualTo(json("{\"listChanged\":true}"));
    assertThat(result.path("instructions").stringValue()).isEqualTo("Read conversations.");
  }

  @Test
  void aSecondInitializeIsRefused() throws InterruptedException {
    McpSession session = initialized();

    ObjectNode answer = send(session, initialize(2, "2025-11-25"));

    assertThat(answer.path("error"))
        .isEqualTo(json("{\"code\":-32600,\"message\":\"Invalid Request: already initialized\"}"));
    assertThat(session.protocolVersion()).contains("2025-06-18");
  }

  @Test
  void pingIsAnsweredEvenBeforeInitialize() throws InterruptedException {
    ObjectNode answer =
        send(builder().build(), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");

    assertThat(answer).isEqualTo(json("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}"));
  }

  @Test
  void otherRequestsBeforeInitializeAreRefused() throws InterruptedException {
    ObjectNode answer =
        send(builder().build(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

    assertThat(answer.path("error"))
        .isEqualTo(json("{\"code\":-32600,\"message\":\"Invalid Request: not initialized\"}"));
  }

  @Test
  void toolsAreListedInOrderWithTheirSchemas() throws InterruptedException {
    McpSession session = initialized();

    ObjectNode answer =
        send(
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}");

    JsonNode tools = answer.path("result").path("tools");
    assertThat(tools.valueStream().map(t -> t.path("name").stringValue()))
        .containsExactly("echo", "wait", "fail", "broken");
    assertThat(tools.get(0))
        .isEqualTo(
            json(
                """
                {"name":"echo","description":"The echo tool.","inputSchema":
                 {"type":"object","additionalProperties":false,
                  "properties":{"text":{"type":"string","minLength":1}},"required":["text"]}}\
                """));
    assertThat(answer.path("result").has("nextCursor")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"7", "\"req-7\"", "0", "-3", "9007199254740993"})
  void aToolCallIsAnsweredWithTheRequestIdExactly(String id) throws InterruptedException {
    McpSession session = initialized();

    ObjectNode answer = send(session, call(id, "echo", "{\"text\":\"hi\"}"));

    assertThat(answer)
        .isEqualTo(
            json(
                """
                {"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"echo: hi"}],
                 "structuredContent":{"text":"hi"}}}\
                """
                    .formatted(id)));
  }

  @Test
  void aToolFailureBecomesAnErrorResultWithItsMessage() throws InterruptedException {
    ObjectNode answer = send(initialized(), call(3, "fail", "{}"));

    assertThat(answer.path("result"))
        .isEqualTo(
            json(
                """
                {"content":[{"type":"text","text":"gateway said no"}],"isError":true}\
                """));
  }

  @Test
  void anUnexpectedExceptionIsReportedWithoutItsDetails() throws InterruptedException {
    ObjectNode answer = send(initialized(), call(3, "broken", "{}"));

    assertThat(answer.path("result"))
        .isEqualTo(
            json(
                """
                {"content":[{"type":"text","text":"internal error: IllegalStateException"}],
                 "isError":true}\
                """));
    assertThat(answer.toString()).doesNotContain("secret detail").doesNotContain("McpSession");
    assertThat(diagnostics.lines).containsExactly("MCP: tool broken failed: IllegalStateException");
    assertThat(diagnostics.verbose).anyMatch(line -> line.contains("secret detail"));
  }

  @Test
  void invalidArgumentsAreAnErrorResultNamingTheArgument() throws InterruptedException {
    McpSession session = initialized();

    assertThat(send(session, call(4, "echo", "{\"text\":5}")).path("result"))
        .isEqualTo(
            json(
                """
                {"content":[{"type":"text","text":"Input validation error: \\"text\\" must be a string"}],
                 "isError":true}\
                """));
    String missing =
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}";
    assertThat(
            send(session, missing).path("result").path("content").get(0).path("text").stringValue())
        .isEqualTo("Input validation error: \"text\" is required");
  }

  @Test
  void anUnknownToolIsAnInvalidParamsError() throws InterruptedException {
    ObjectNode answer = send(initialized(), call(5, "nope", "{}"));

    assertThat(answer)
        .isEqualTo(
            json(
                """
                {"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Unknown tool: nope"}}\
                """));
  }

  @Test
  void anUnknownMethodIsMethodNotFound() throws InterruptedException {
    ObjectNode answer =
        send(initialized(), "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/list\"}");

    assertThat(answer.path("error"))
        .isEqualTo(json("{\"code\":-32601,\"message\":\"Method not found: resources/list\"}"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"id\":1,\"method\":\"ping\"}|1|-32600|Invalid Request: jsonrpc must be \"2.0\"",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}|1|-32600|Invalid Request: jsonrpc must be \"2.0\"",
        "{\"jsonrpc\":\"2.0\",\"id\":1}|1|-32600|Invalid Request: missing method",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}|1|-32600|Invalid Request: method must be a string",
        "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}|null|-32600|Invalid Request: id must be a string or an integer",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}|null|-32600|Invalid Request: id must be a string or an integer",
        "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}|null|-32600|Invalid Request: id must be a string or an integer",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[]}|1|-32602|Invalid params: params must be an object",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}|1|-32602|Invalid params: name must be a string",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":[]}}|1|-32602|Invalid params: arguments must be an object",
        "[]|null|-32600|Invalid Request: empty batch",
        "42|null|-32600|Invalid Request: expected a JSON-RPC object",
      })
  void malformedMessagesGetPreciseErrors(String message, String id, int code, String text)
      throws InterruptedException {
    ObjectNode answer = send(initialized(), message);

    ObjectNode expected = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
    expected.set("id", json("{\"id\":" + id + "}").path("id"));
    expected.putObject("error").put("code", code).put("message", text);
    assertThat(answer).isEqualTo(expected);
  }

  @Test
  void initializeParamsAreChecked() throws InterruptedException {
    ObjectNode answer =
        send(builder().build(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}");

    assertThat(answer.path("error"))
        .isEqualTo(
            json(
                "{\"code\":-32602,\"message\":\"Invalid params: protocolVersion must be a string\"}"));
  }

  @Test
  void aBatchIsAnsweredElementByElement() throws InterruptedException {
    McpSession session = initialized();

    String batch =
        """
        [{"jsonrpc":"2.0","id":"a","method":"ping"},
         {"jsonrpc":"2.0","method":"notifications/initialized"},
         7,
         {"jsonrpc":"2.0","id":"b","method":"tools/list"}]\
        """;

    session.handle(Json.mapper().readTree(batch), replies);

    assertThat(replies.next().path("id").stringValue()).isEqualTo("a");
    assertThat(replies.next().path("error").path("code").intValue()).isEqualTo(-32600);
    ObjectNode list = replies.next();
    assertThat(list.path("id").stringValue()).isEqualTo("b");
    assertThat(list.path("result").path("tools").size()).isEqualTo(4);
    assertThat(session.clientReady()).isTrue();
  }

  @Test
  void aCancelledCallIsInterruptedAndNeverAnswered() throws Exception {
    McpSession session = initialized();
    session.handle(json(call(5, "wait", "{}")), replies);
    blocking.started.await();

    session.handle(
        json(
            """
            {"jsonrpc":"2.0","method":"notifications/cancelled",
             "params":{"requestId":5,"reason":"user pressed escape"}}\
            """),
        replies);

    blocking.interrupted.await();
    await().atMost(PATIENCE).until(() -> session.callsInFlight() == 0);
    ObjectNode ping = send(session, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}");
    assertThat(ping.path("id").intValue()).isEqualTo(6);
    assertThat(replies.answersTo(json("{\"id\":5}").path("id"))).isEmpty();
    assertThat(notifications.all()).isEmpty();
  }

  @Test
  void cancellingAnotherIdLeavesTheCallRunning() throws Exception {
    McpSession session = initialized();
    session.handle(json(call("\"w\"", "wait", "{}")), replies);
    blocking.started.await();

    session.handle(
        json(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"x\"}}"),
        replies);
    blocking.release.countDown();

    assertThat(replies.next().path("result").path("content").get(0).path("text").stringValue())
        .isEqualTo("released");
    assertThat(blocking.interrupted.getCount()).isEqualTo(1);
  }

  @Test
  void anIdStillRunningCannotBeReused() throws Exception {
    McpSession session = initialized();
    session.handle(json(call(8, "wait", "{}")), replies);
    blocking.started.await();

    ObjectNode answer = send(session, call(8, "echo", "{\"text\":\"hi\"}"));

    assertThat(answer.path("error"))
        .isEqualTo(
            json(
                "{\"code\":-32600,\"message\":\"Invalid Request: request id 8 is already in use\"}"));
    blocking.release.countDown();
    assertThat(replies.next().path("id").intValue()).isEqualTo(8);
  }

  @Test
  void closeStopsRunningCallsWithoutAnsweringThem() throws Exception {
    McpSession session = initialized();
    session.handle(json(call(5, "wait", "{}")), replies);
    blocking.started.await();

    session.close();

    blocking.interrupted.await();
    await().atMost(PATIENCE).until(() -> session.callsInFlight() == 0);
    session.handle(json("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}"), replies);
    assertThat(replies.all()).hasSize(1); // the initialize answer only
  }

  @Test
  void notifyWritesToTheSessionOutboundUntilClosed() throws IOException {
    McpSession session = builder().build();

    session.notify("notifications/claude/channel", json("{\"content\":\"hello\"}"));
    session.close();

    assertThat(notifications.all())
        .containsExactly(
            json(
                """
                {"jsonrpc":"2.0","method":"notifications/claude/channel","params":{"content":"hello"}}\
                """));
    assertThatThrownBy(() -> session.notify("notifications/claude/channel", json("{}")))
        .isInstanceOf(IOException.class)
        .hasMessage("the MCP session is closed");
  }

  @Test
  void aRegisteredNotificationHandlerGetsItsParams() throws InterruptedException {
    McpSession session = initialized();
    String method = "notifications/claude/channel/permission_request";

    session.handle(
        json(
            """
            {"jsonrpc":"2.0","method":"%s","params":{"request_id":"abcde","tool_name":"Bash"}}\
            """
                .formatted(method)),
        replies);
    session.handle(json("{\"jsonrpc\":\"2.0\",\"method\":\"%s\"}".formatted(method)), replies);

    assertThat(permissionRequests)
        .containsExactly(json("{\"request_id\":\"abcde\",\"tool_name\":\"Bash\"}"), json("{}"));
    assertThat(replies.all()).hasSize(1);
  }

  @Test
  void aFailingHandlerIsReportedAndTheSessionGoesOn() throws InterruptedException {
    McpSession session =
        builder()
            .onNotification(
                "notifications/custom",
                params -> {
                  throw new IllegalArgumentException("bad");
                })
            .build();

    session.handle(json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/custom\"}"), replies);

    assertThat(diagnostics.lines)
        .containsExactly("MCP: handling notifications/custom failed: IllegalArgumentException");
    assertThat(send(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").has("result"))
        .isTrue();
  }

  @Test
  void unknownNotificationsAndClientResponsesAreIgnored() throws InterruptedException {
    McpSession session = initialized();

    session.handle(json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}"), replies);
    session.handle(json("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{}}"), replies);
    session.handle(
        json("{\"jsonrpc\":\"2.0\",\"id\":\"s2\",\"error\":{\"code\":-1,\"message\":\"no\"}}"),
        replies);

    assertThat(
            send(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")
                .path("id")
                .intValue())
        .isEqualTo(1);
    session.handle(
        json("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"x\"}}"),
        replies);
    assertThat(replies.all()).hasSize(2);
    assertThat(diagnostics.lines).isEmpty();
  }

  @Test
  void theBuilderRefusesWhatTheSessionCannotServe() {
    assertThatThrownBy(() -> builder().tool(TestTools.echo()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two tools named echo");
    assertThatThrownBy(() ->
            builder()
                .tool(
                    TestTools.tool(
                        "odd",
                        "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"string\",\"pattern\":\"x\"}}}",
                        args -> ToolResult.error("never"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tool odd: property \"p\" uses unsupported keyword pattern");
    assertThatThrownBy(() -> builder().onNotification("notifications/cancelled", params -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> McpSession.builder().outbound(notifications).build())
        .isInstanceOf(IllegalStateException.class);
  }
}
