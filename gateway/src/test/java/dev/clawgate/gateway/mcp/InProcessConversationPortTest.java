package dev.clawgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.conversations.Media;
import dev.clawgate.core.conversations.NewMessage;
import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolFailure;
import dev.clawgate.mcp.server.ToolResult;
import dev.clawgate.mcp.tools.ChannelBridge;
import dev.clawgate.mcp.tools.ClaudeChannelMode;
import dev.clawgate.mcp.tools.PortException;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP conversation tools ({@link ChannelBridge}) over {@link InProcessConversationPort} on a
 * real gateway: the same method handlers, scope checks, answers and events a WebSocket connection
 * of the principal would get, without a socket.
 */
class InProcessConversationPortTest {
  @TempDir Path stateDir;

  private McpTestGateway gateway;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() {
    gateway = McpTestGateway.start(stateDir);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : open.reversed()) {
      closeable.close();
    }
    gateway.close();
  }

  /** A port and its started bridge, acting for one principal. */
  private record Client(InProcessConversationPort port, ChannelBridge bridge) {
    ToolResult call(String tool, String arguments) throws InterruptedException {
      ObjectNode args = (ObjectNode) Json.mapper().readTree(arguments);
      for (Tool t : bridge.tools()) {
        if (t.spec().name().equals(tool)) {
          try {
            return t.call(args);
          } catch (ToolFailure e) {
            // What the MCP session makes of it.
            return ToolResult.error(String.valueOf(e.getMessage()));
          }
        }
      }
      throw new IllegalArgumentException("no tool " + tool);
    }

    ObjectNode structured(String tool, String arguments) throws InterruptedException {
      ToolResult result = call(tool, arguments);
      assertThat(result.isError()).as("%s: %s", tool, text(result)).isFalse();
      return result.structuredContent().orElseThrow();
    }

    List<String> eventTypes() throws InterruptedException {
      return structured("events_poll", "{\"limit\":200}")
          .get("events")
          .valueStream()
          .map(e -> e.get("type").asString())
          .toList();
    }
  }

  private static String text(ToolResult result) {
    return result.content().get(0).get("text").asString();
  }

  private Client client(String name, String... scopes) {
    InProcessConversationPort port =
        new InProcessConversationPort(
            gateway.server, McpPrincipal.of(name, List.of(scopes), "oauth:" + name));
    ChannelBridge bridge =
        new ChannelBridge(
            port,
            ClaudeChannelMode.OFF,
            (method, params) -> {},
            Diagnostics.silent(),
            Clock.systemUTC(),
            Duration.ofSeconds(1));
    open.add(port);
    open.add(bridge);
    bridge.start();
    return new Client(port, bridge);
  }

  @Test
  void conversationsListReturnsTheRoutedConversationsWithTheirRoutes() throws Exception {
    gateway.inbound("alice", "hello from alice");
    gateway.inbound("bob", "hello from bob");
    // A session without a route is not a conversation.
    gateway.conversations.append(
        new NewMessage(
            "agent:main:main",
            "assistant",
            Json.mapper().getNodeFactory().stringNode("internal"),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            "chat.inject"));
    Client reader = client("reader", "operator.read");

    ObjectNode listed = reader.structured("conversations_list", "{}");

    assertThat(listed.get("conversations").valueStream().map(c -> c.get("sessionKey").asString()))
        .containsExactlyInAnyOrder(McpTestGateway.dmKey("alice"), McpTestGateway.dmKey("bob"));
    JsonNode alice =
        listed
            .get("conversations")
            .valueStream()
            .filter(c -> c.get("to").asString().equals("alice"))
            .findFirst()
            .orElseThrow();
    assertThat(alice.get("channel").asString()).isEqualTo("webhook");
    assertThat(alice.get("accountId").asString()).isEqualTo("ci");
    assertThat(alice.get("lastMessagePreview").asString()).isEqualTo("hello from alice");
    assertThat(alice.get("updatedAt").isNumber()).isTrue();
    assertThat(
            reader
                .structured("conversations_list", "{\"channel\":\"telegram\"}")
                .get("conversations"))
        .isEmpty();
  }

  @Test
  void theAnswersArePlainTreesWithTheGatewaysShape() throws Exception {
    gateway.inbound("alice", "hi");
    Client reader = client("reader", "operator.read");
    ObjectNode params = Json.mapper().createObjectNode();
    params.put("includeLastMessage", true);

    JsonNode listed = reader.port().listSessions(params);

    assertThat(listed.get("count").asInt()).isEqualTo(1);
    JsonNode row = listed.get("sessions").get(0);
    assertThat(row.isObject()).isTrue();
    assertThat(row.get("key").asString()).isEqualTo(McpTestGateway.dmKey("alice"));
    assertThat(row.get("lastChannel").asString()).isEqualTo("webhook");
    // The same text a connection reads on the wire.
    assertThat(Json.mapper().readTree(listed.toString())).isEqualTo(listed);
    assertThat(reader.port().getMessage(missingMessage())).isPresent();
  }

  private static ObjectNode missingMessage() {
    ObjectNode params = Json.mapper().createObjectNode();
    params.put("sessionKey", McpTestGateway.dmKey("alice"));
    params.put("messageId", "nope");
    return params;
  }

  @Test
  void conversationGetMessagesReadAndAttachmentsFetchWork() throws Exception {
    gateway.inbound("alice", "first");
    gateway.inbound(
        "alice",
        "a photo",
        List.of(
            new Media(
                "media://photo-1",
                "image/jpeg",
                "photo",
                Optional.of("cat.jpg"),
                Optional.of(42L))));
    Client reader = client("reader", "operator.read");
    String key = McpTestGateway.dmKey("alice");

    ObjectNode conversation =
        reader.structured("conversation_get", "{\"session_key\":\"" + key + "\"}");
    assertThat(conversation.at("/conversation/to").asString()).isEqualTo("alice");
    assertThat(conversation.at("/conversation/channel").asString()).isEqualTo("webhook");
    ToolResult missing = reader.call("conversation_get", "{\"session_key\":\"agent:main:nope\"}");
    assertThat(missing.isError()).isTrue();

    ObjectNode read = reader.structured("messages_read", "{\"session_key\":\"" + key + "\"}");
    List<JsonNode> messages = read.get("messages").valueStream().toList();
    assertThat(messages).hasSize(2);
    String photoId = messages.get(1).at("/__openclaw/id").asString();

    ObjectNode attachments =
        reader.structured(
            "attachments_fetch",
            "{\"session_key\":\"" + key + "\",\"message_id\":\"" + photoId + "\"}");
    assertThat(attachments.get("attachments")).hasSize(1);
    assertThat(attachments.at("/attachments/0/type").asString()).isEqualTo("openclaw_media");
    assertThat(attachments.at("/message/__openclaw/id").asString()).isEqualTo(photoId);
    ToolResult unknown =
        reader.call(
            "attachments_fetch", "{\"session_key\":\"" + key + "\",\"message_id\":\"nope\"}");
    assertThat(unknown.isError()).isTrue();
    assertThat(text(unknown)).isEqualTo("message not found: nope");
  }

  @Test
  void eventsWaitSeesAMessageAppendedThroughTheGateway() throws Exception {
    Client reader = client("reader", "operator.read");
    CompletableFuture<ObjectNode> waited = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(() -> {
          try {
            waited.complete(reader.structured("events_wait", "{\"timeout_ms\":10000}"));
          } catch (Throwable e) {
            waited.completeExceptionally(e);
          }
        });
    // Whether or not the wait has parked yet, it answers with the first event after cursor 0.
    gateway.inbound("alice", "are you there?");

    JsonNode event = waited.get(10, TimeUnit.SECONDS).get("event");
    assertThat(event.get("type").asString()).isEqualTo("message");
    assertThat(event.get("sessionKey").asString()).isEqualTo(McpTestGateway.dmKey("alice"));
    assertThat(event.get("role").asString()).isEqualTo("user");
    assertThat(event.get("text").asString()).isEqualTo("are you there?");
    assertThat(event.at("/conversation/to").asString()).isEqualTo("alice");
    assertThat(event.at("/raw/message/role").asString()).isEqualTo("user");
  }

  @Test
  void aReaderCannotSendAndGetsTheGatewaysScopeMessage() throws Exception {
    gateway.inbound("alice", "hi");
    Client reader = client("reader", "operator.read");
    Client writer = client("writer", "operator.write");
    String key = McpTestGateway.dmKey("alice");

    ToolResult refused =
        reader.call("messages_send", "{\"session_key\":\"" + key + "\",\"text\":\"no\"}");

    assertThat(refused.isError()).isTrue();
    assertThat(text(refused))
        .isEqualTo("send requires operator.write; this connection holds operator.read");
    assertThat(gateway.receiver.received()).isEmpty();

    ObjectNode sent =
        writer.structured("messages_send", "{\"session_key\":\"" + key + "\",\"text\":\"yes\"}");
    assertThat(sent.at("/result/ok").asBoolean()).isTrue();
    assertThat(sent.at("/result/sessionKey").asString()).isEqualTo(key);
    assertThat(sent.at("/result/to").asString()).isEqualTo("alice");
    assertThat(gateway.receiver.awaitReceived(1, McpTestGateway.TIMEOUT)).hasSize(1);
  }

  @Test
  void onlyAPrincipalHoldingApprovalsSeesApprovalEventsAndItCanResolveThem() throws Exception {
    Client reader = client("reader", "operator.read");
    Client approver = client("approver", "operator.read", "operator.approvals");

    String id = gateway.requestExecApproval("rm -rf /tmp/x");

    await()
        .atMost(McpTestGateway.TIMEOUT)
        .until(() -> approver.eventTypes().contains("exec_approval_requested"));
    assertThat(
            approver
                .structured("permissions_list_open", "{}")
                .get("approvals")
                .valueStream()
                .map(a -> a.get("id").asString()))
        .containsExactly(id);

    ObjectNode resolved =
        approver.structured(
            "permissions_respond",
            "{\"kind\":\"exec\",\"id\":\"" + id + "\",\"decision\":\"allow-once\"}");
    assertThat(resolved.at("/result/ok").asBoolean()).isTrue();
    assertThat(resolved.at("/result/decision").asString()).isEqualTo("allow-once");
    await()
        .atMost(McpTestGateway.TIMEOUT)
        .until(() -> approver.eventTypes().contains("exec_approval_resolved"));
    JsonNode resolvedEvent =
        approver
            .structured("events_poll", "{}")
            .get("events")
            .valueStream()
            .filter(e -> e.get("type").asString().equals("exec_approval_resolved"))
            .findFirst()
            .orElseThrow();
    assertThat(resolvedEvent.at("/raw/resolvedBy").asString()).isEqualTo("approver");
    assertThat(approver.structured("permissions_list_open", "{}").get("approvals")).isEmpty();
    List<AuditEntry> audit =
        AuditLog.list(
            gateway.store,
            new AuditLog.Filter(Optional.empty(), Optional.of("approval"), Optional.empty(), 100));
    assertThat(audit).anySatisfy(e -> assertThat(e.actor()).isEqualTo("conn:oauth:approver"));

    // The reader is subscribed too: a message after the approval reaches it, approvals never do.
    gateway.inbound("alice", "marker");
    await().atMost(McpTestGateway.TIMEOUT).until(() -> reader.eventTypes().contains("message"));
    assertThat(reader.eventTypes()).containsExactly("message");
    ToolResult notAllowed =
        reader.call(
            "permissions_respond",
            "{\"kind\":\"exec\",\"id\":\"" + id + "\",\"decision\":\"deny\"}");
    assertThat(notAllowed.isError()).isTrue();
    assertThat(text(notAllowed))
        .isEqualTo(
            "exec.approval.resolve requires operator.approvals; this connection holds"
                + " operator.read");
  }

  @Test
  void aRebindToWiderScopesLetsThePortSendAndHearMore() throws Exception {
    gateway.inbound("alice", "hi");
    String key = McpTestGateway.dmKey("alice");
    Client client = client("stepper", "operator.approvals");
    List<String> events = new CopyOnWriteArrayList<>();
    open.add(client.port().subscribe((event, payload) -> events.add(event)));
    assertThat(
            client
                .call("messages_send", "{\"session_key\":\"" + key + "\",\"text\":\"no\"}")
                .isError())
        .isTrue();

    // The same principal, after a step-up: its calls and its subscription hold the new scopes.
    client.port().rebind(McpPrincipal.of("stepper", List.of("operator.write"), "oauth:stepper"));
    ObjectNode sent =
        client.structured("messages_send", "{\"session_key\":\"" + key + "\",\"text\":\"yes\"}");
    assertThat(sent.at("/result/ok").asBoolean()).isTrue();
    gateway.inbound("alice", "now you hear me");
    await().atMost(McpTestGateway.TIMEOUT).until(() -> events.contains("session.message"));

    // Narrowed again (a token with fewer scopes): no more session messages.
    client
        .port()
        .rebind(McpPrincipal.of("stepper", List.of("operator.approvals"), "oauth:stepper"));
    events.clear();
    gateway.inbound("alice", "not any more");
    gateway.requestExecApproval("ls");
    await().atMost(McpTestGateway.TIMEOUT).until(() -> events.contains("exec.approval.requested"));
    assertThat(events).doesNotContain("session.message");
  }

  @Test
  void aRebindMustKeepThePrincipal() {
    Client client = client("one", "operator.read");
    assertThatThrownBy(() ->
            client.port().rebind(McpPrincipal.of("two", List.of("operator.read"), "oauth:two")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anApprovalsOnlyPrincipalHearsApprovalsButNoSessionMessages() throws Exception {
    InProcessConversationPort port =
        new InProcessConversationPort(
            gateway.server, McpPrincipal.of("approvals", List.of("operator.approvals"), "a1"));
    open.add(port);
    List<String> events = new CopyOnWriteArrayList<>();
    open.add(port.subscribe((event, payload) -> events.add(event)));

    gateway.inbound("alice", "not for you");
    gateway.requestExecApproval("ls");

    await().atMost(McpTestGateway.TIMEOUT).until(() -> events.contains("exec.approval.requested"));
    assertThat(events).containsExactly("exec.approval.requested");
  }

  @Test
  void closingTheSubscriptionStopsDelivery() throws Exception {
    InProcessConversationPort port =
        new InProcessConversationPort(
            gateway.server, McpPrincipal.of("reader", List.of("operator.read"), "r1"));
    open.add(port);
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    AutoCloseable firstHandle =
        port.subscribe((event, payload) -> first.add(payload.at("/message/content").asString()));
    open.add(
        port.subscribe((event, payload) -> second.add(payload.at("/message/content").asString())));

    gateway.inbound("alice", "one");
    await().atMost(McpTestGateway.TIMEOUT).until(() -> first.size() == 1 && second.size() == 1);
    firstHandle.close();
    gateway.inbound("alice", "two");

    await().atMost(McpTestGateway.TIMEOUT).until(() -> second.size() == 2);
    assertThat(second).containsExactly("one", "two");
    assertThat(first).containsExactly("one");
    assertThat(gateway.server.events().isConnected("nobody")).isFalse();
  }

  @Test
  void aClosedPortIsNotReadyAndItsToolsSaySo() throws Exception {
    Client reader = client("reader", "operator.read");
    reader.port().close();

    assertThatThrownBy(() -> reader.port().awaitReady(Duration.ofSeconds(1)))
        .isInstanceOf(PortException.class)
        .hasMessage("Gateway client is not ready: the gateway is stopping");
    ToolResult result = reader.call("conversations_list", "{}");
    assertThat(result.isError()).isTrue();
    assertThat(text(result)).isEqualTo("Gateway client is not ready: the gateway is stopping");
  }

  @Test
  void aSubscribedPortHearsTheGatewayStopAndIsNoLongerReady() throws Exception {
    InProcessConversationPort port =
        new InProcessConversationPort(
            gateway.server, McpPrincipal.of("reader", List.of("operator.read"), "r1"));
    open.add(port);
    open.add(port.subscribe((event, payload) -> {}));
    port.awaitReady(Duration.ofSeconds(1));

    gateway.server.close();

    assertThatThrownBy(() -> port.awaitReady(Duration.ofSeconds(1)))
        .isInstanceOf(PortException.class)
        .hasMessage("Gateway client is not ready: the gateway is stopping");
  }

  @Test
  void anInterruptedCallThrowsInterruptedException() {
    InProcessConversationPort port =
        new InProcessConversationPort(
            gateway.server, McpPrincipal.of("reader", List.of("operator.read"), "r1"));
    open.add(port);

    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> port.listSessions(Json.mapper().createObjectNode()))
        .isInstanceOf(InterruptedException.class);
  }

  @Test
  void invalidParamsGetTheGatewaysMessage() {
    InProcessConversationPort port =
        new InProcessConversationPort(
            gateway.server, McpPrincipal.of("reader", List.of("operator.read"), "r1"));
    open.add(port);
    ObjectNode params = Json.mapper().createObjectNode();
    params.put("bogus", 1);

    assertThatThrownBy(() -> port.listSessions(params))
        .isInstanceOf(PortException.class)
        .hasMessageContaining("bogus");
  }
}
