package dev.clawgate.mcp.server;

import static dev.clawgate.mcp.server.TestTools.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.clawgate.mcp.server.TestTools.BlockingTool;
import dev.clawgate.mcp.server.TestTools.Collected;
import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ToolCallObserverTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private record Ended(String tool, String outcome, long nanos) {}

  private final List<Ended> ended = new CopyOnWriteArrayList<>();
  private final Collected replies = new Collected();
  private final BlockingTool blocking = new BlockingTool();

  private McpSession session(ToolCallObserver observer) throws InterruptedException {
    McpSession session =
        McpSession.builder()
            .serverInfo("clawgate", "1.2.3")
            .tools(
                List.of(
                    TestTools.echo(),
                    blocking.tool(),
                    TestTools.tool(
                        "fail",
                        "{\"type\":\"object\"}",
                        args -> {
                          throw new ToolFailure("no");
                        }),
                    TestTools.tool(
                        "soft",
                        "{\"type\":\"object\"}",
                        args -> ToolResult.error("answered as an error"))))
            .toolCallObserver(observer)
            .outbound(message -> {})
            .build();
    session.handle(
        json(
            """
            {"jsonrpc":"2.0","id":0,"method":"initialize",
             "params":{"protocolVersion":"2025-06-18"}}\
            """),
        replies);
    assertThat(replies.next().has("result")).isTrue();
    return session;
  }

  private McpSession session() throws InterruptedException {
    return session((tool, outcome, nanos) -> ended.add(new Ended(tool, outcome, nanos)));
  }

  private static String call(Object id, String tool, String arguments) {
    return """
    {"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s}}\
    """
        .formatted(id, tool, arguments);
  }

  private void send(McpSession session, String message) {
    session.handle(Json.mapper().readTree(message), replies);
  }

  @Test
  void everyOutcomeIsReportedOnce() throws Exception {
    McpSession session = session();
    send(session, call(1, "echo", "{\"text\":\"hi\"}"));
    replies.next();
    send(session, call(2, "fail", "{}"));
    replies.next();
    send(session, call(3, "soft", "{}"));
    replies.next();
    send(session, call(4, "echo", "{}")); // fails validation
    replies.next();
    send(session, call(5, "no_such_tool", "{}"));
    replies.next();

    await().atMost(PATIENCE).until(() -> ended.size() == 5);
    assertThat(ended)
        .extracting(Ended::tool, Ended::outcome)
        .containsExactlyInAnyOrder(
            tuple("echo", ToolCallObserver.OK),
            tuple("fail", ToolCallObserver.ERROR),
            tuple("soft", ToolCallObserver.ERROR),
            tuple("echo", ToolCallObserver.ERROR),
            tuple("no_such_tool", ToolCallObserver.ERROR));
    assertThat(ended).allSatisfy(e -> assertThat(e.nanos()).isNotNegative());
  }

  @Test
  void aCancelledCallIsReportedCancelledOnce() throws Exception {
    McpSession session = session();
    send(session, call(7, "wait", "{}"));
    blocking.started.await();
    send(
        session,
        """
        {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}\
        """);
    blocking.interrupted.await();
    await().atMost(PATIENCE).until(() -> session.callsInFlight() == 0);

    assertThat(ended)
        .extracting(Ended::tool, Ended::outcome)
        .containsExactly(tuple("wait", ToolCallObserver.CANCELLED));
  }

  @Test
  void closingReportsRunningCallsCancelled() throws Exception {
    McpSession session = session();
    send(session, call("\"c\"", "wait", "{}"));
    blocking.started.await();
    session.close();
    blocking.interrupted.await();
    await().atMost(PATIENCE).until(() -> session.callsInFlight() == 0);

    assertThat(ended)
        .extracting(Ended::tool, Ended::outcome)
        .containsExactly(tuple("wait", ToolCallObserver.CANCELLED));
  }

  @Test
  void aReusedRunningIdIsAnErrorAndTheRunningCallStillCounts() throws Exception {
    McpSession session = session();
    send(session, call(8, "wait", "{}"));
    blocking.started.await();
    send(session, call(8, "echo", "{\"text\":\"again\"}"));
    assertThat(replies.next().path("error").path("code").intValue()).isEqualTo(-32600);
    blocking.release.countDown();
    replies.next();

    await().atMost(PATIENCE).until(() -> ended.size() == 2);
    assertThat(ended)
        .extracting(Ended::tool, Ended::outcome)
        .containsExactly(tuple("echo", ToolCallObserver.ERROR), tuple("wait", ToolCallObserver.OK));
  }

  @Test
  void aThrowingObserverDoesNotBreakTheCall() throws Exception {
    McpSession session =
        session((tool, outcome, nanos) -> {
          throw new IllegalStateException("observer bug");
        });
    send(session, call(9, "echo", "{\"text\":\"still\"}"));
    assertThat(replies.next().path("result").path("content").get(0).path("text").stringValue())
        .isEqualTo("echo: still");
  }
}
