package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.core.testing.WebhookReceiver;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate mcp serve} as MCP clients run it: the packaged jar spawned as its own process,
 * spoken to over its stdin and stdout, against a real gateway process with a real webhook channel.
 */
class McpServeIT {
  private static final String TOKEN = "mcp-serve-it-token-0123456789abcdef";
  private static final String HOOK_SECRET = "mcp-serve-it-hook-secret-0123456789";
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration EXIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> TOOLS =
      List.of(
          "conversations_list",
          "conversation_get",
          "messages_read",
          "attachments_fetch",
          "events_poll",
          "events_wait",
          "messages_send",
          "permissions_list_open",
          "permissions_respond");

  @TempDir Path stateDir;
  @TempDir Path other;

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

  private void writeConfig(String gatewayExtra, String channels) throws IOException {
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{gateway: {auth: {mode: 'token', token: '"
            + TOKEN
            + "'}"
            + gatewayExtra
            + "}, channels: "
            + channels
            + "}");
  }

  private Path tokenFile(String token) throws IOException {
    Path file = other.resolve("token-" + token.length());
    Files.writeString(file, token + "\n");
    return file;
  }

  /** {@code mcp serve} on this state dir (finding the running gateway there) with a token file. */
  private McpStdioClient serve(Path tokenFile, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--state-dir", stateDir.toString()));
    args.add("--token-file");
    args.add(tokenFile.toString());
    args.addAll(List.of(extra));
    return later(McpStdioClient.start(Map.of(), args.toArray(String[]::new)));
  }

  private GatewayClient owner(GatewayProcess gateway, String... scopes) {
    return later(
        GatewayClient.connect(
            ClientOptions.builder()
                .url(GatewayUrl.parse(gateway.url()))
                .token(TOKEN)
                .scopes(scopes)
                .build()));
  }

  private static ObjectNode args() {
    return Json.mapper().createObjectNode();
  }

  private static String text(JsonNode result) {
    return result.path("content").get(0).path("text").asString();
  }

  private static void assertStdoutIsOnlyJsonRpc(McpStdioClient mcp) {
    for (String line : mcp.stdoutLines()) {
      JsonNode message = Json.mapper().readTree(line);
      assertThat(message.path("jsonrpc").asString()).as(line).isEqualTo("2.0");
    }
  }

  private static HttpResponse<String> postHook(GatewayProcess gateway, String body)
      throws Exception {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    byte[] signature =
        WebhookReceiver.sign(HOOK_SECRET, timestamp, body.getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(gateway.url().replaceFirst("^ws", "http") + "/hooks/main"))
            .header("Content-Type", "application/json")
            .header("X-Clawgate-Timestamp", timestamp)
            .header(
                "X-Clawgate-Signature", "v1=" + new String(signature, StandardCharsets.US_ASCII))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  private static String inbound(String id, String from, String text) {
    return "{\"id\":\"" + id + "\",\"from\":{\"id\":\"" + from + "\"},\"text\":\"" + text + "\"}";
  }

  /** One run as a client does it: initialize, list the tools, list conversations, EOF. */
  private void oneRun(Path tokenFile) throws Exception {
    McpStdioClient mcp = serve(tokenFile);
    JsonNode init = mcp.initialize();
    assertThat(init.path("serverInfo").path("name").asString()).isEqualTo("clawgate");
    JsonNode tools = mcp.request("tools/list", args()).path("result").path("tools");
    assertThat(tools.valueStream().map(t -> t.path("name").asString()).toList())
        .containsExactlyElementsOf(TOOLS);
    JsonNode listed = mcp.callTool("conversations_list", args());
    assertThat(listed.path("isError").asBoolean()).as(listed + "\n" + mcp.stderr()).isFalse();
    assertThat(listed.path("structuredContent").path("conversations").isArray()).isTrue();
    assertThat(mcp.closeStdinAndWait(EXIT)).as(mcp.stderr()).isZero();
    assertStdoutIsOnlyJsonRpc(mcp);
  }

  private static JsonNode devices(GatewayClient owner) {
    return owner.call("device.pair.list");
  }

  @Test
  void theReportedScenarioPairsOnceSilentlyAndNeverAsksAgain() throws Exception {
    writeConfig("", "{}");
    GatewayProcess gateway = later(GatewayProcess.start(stateDir, START));
    GatewayClient owner = owner(gateway, "operator.admin");
    Path tokenFile = tokenFile(TOKEN);

    oneRun(tokenFile);
    JsonNode first = devices(owner);
    assertThat(first.path("pending")).isEmpty();
    assertThat(first.path("paired")).hasSize(1);
    JsonNode device = first.path("paired").get(0);
    assertThat(device.path("displayName").asString()).isEqualTo("clawgate MCP");
    assertThat(device.path("scopes").valueStream().map(JsonNode::asString).toList())
        .contains("operator.read", "operator.write", "operator.approvals");
    Path deviceAuth = stateDir.resolve("identity/device-auth.json");
    String token = Files.readString(deviceAuth);

    for (int run = 2; run <= 11; run++) {
      oneRun(tokenFile);
    }
    JsonNode after = devices(owner);
    assertThat(after.path("pending")).as("no pending request after 11 runs").isEmpty();
    assertThat(after.path("paired")).hasSize(1);
    assertThat(after.path("paired").get(0).path("deviceId")).isEqualTo(device.path("deviceId"));
    assertThat(after.path("paired").get(0).path("tokens")).hasSize(1);
    assertThat(after.path("paired").get(0).path("tokens").get(0).path("createdAtMs"))
        .isEqualTo(device.path("tokens").get(0).path("createdAtMs"));
    assertThat(after.path("paired").get(0).path("tokens").get(0).has("rotatedAtMs")).isFalse();
    assertThat(Files.readString(deviceAuth)).as("the same device token").isEqualTo(token);
  }

  @Test
  void aDevicePairedWithFewerScopesIsApprovedOnceAndThenNeverAsksAgain() throws Exception {
    writeConfig(", pairing: {autoApproveLocal: false}", "{}");
    GatewayProcess gateway = later(GatewayProcess.start(stateDir, START));
    GatewayClient owner = owner(gateway, "operator.admin");
    // The same device (this state dir's identity) first paired for reading only.
    ClientOptions readOnly =
        ClientOptions.builder()
            .url(GatewayUrl.parse(gateway.url()))
            .token(TOKEN)
            .deviceState(stateDir)
            .scopes("operator.read")
            .build();
    assertThatThrownBy(() -> GatewayClient.connect(readOnly))
        .hasMessageContaining("pairing required");
    owner.call(
        "device.pair.approve",
        args()
            .put("requestId", devices(owner).path("pending").get(0).path("requestId").asString()));
    later(GatewayClient.connect(readOnly));

    // mcp serve asks for read, write and approvals: one upgrade request, and it says so.
    Path tokenFile = tokenFile(TOKEN);
    McpStdioClient mcp = serve(tokenFile);
    mcp.initialize();
    await().atMost(Duration.ofSeconds(20)).until(() -> devices(owner).path("pending").size() == 1);
    JsonNode pending = devices(owner).path("pending").get(0);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> mcp.stderr().contains("clawgate devices approve"));
    JsonNode refused = mcp.callTool("conversations_list", args());
    assertThat(refused.path("isError").asBoolean()).isTrue();
    assertThat(text(refused)).contains("pairing required").contains("clawgate devices approve");

    owner.call(
        "device.pair.approve", args().put("requestId", pending.path("requestId").asString()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !mcp.callTool("conversations_list", args()).path("isError").asBoolean());
    assertThat(mcp.closeStdinAndWait(EXIT)).isZero();
    assertStdoutIsOnlyJsonRpc(mcp);

    for (int run = 1; run <= 5; run++) {
      oneRun(tokenFile);
    }
    JsonNode after = devices(owner);
    assertThat(after.path("pending")).as("one approval, then never again").isEmpty();
    assertThat(after.path("paired")).hasSize(1);
    assertThat(after.path("paired").get(0).path("scopes").valueStream().map(JsonNode::asString))
        .contains("operator.read", "operator.write", "operator.approvals");
  }

  @Test
  void withSilentLocalApprovalAnUpgradeFromFewerScopesAsksNobody() throws Exception {
    writeConfig("", "{}");
    GatewayProcess gateway = later(GatewayProcess.start(stateDir, START));
    GatewayClient owner = owner(gateway, "operator.admin");
    // This state dir's device, paired (silently, on loopback with the token) for reading only.
    later(
        GatewayClient.connect(
            ClientOptions.builder()
                .url(GatewayUrl.parse(gateway.url()))
                .token(TOKEN)
                .deviceState(stateDir)
                .scopes("operator.read")
                .build()));
    JsonNode before = devices(owner).path("paired");
    assertThat(before).hasSize(1);
    assertThat(before.get(0).path("scopes").valueStream().map(JsonNode::asString))
        .containsExactly("operator.read");

    Path tokenFile = tokenFile(TOKEN);
    for (int run = 1; run <= 3; run++) {
      oneRun(tokenFile);
    }
    JsonNode after = devices(owner);
    assertThat(after.path("pending")).isEmpty();
    assertThat(after.path("paired")).hasSize(1);
    assertThat(after.path("paired").get(0).path("deviceId"))
        .isEqualTo(before.get(0).path("deviceId"));
    assertThat(after.path("paired").get(0).path("scopes").valueStream().map(JsonNode::asString))
        .contains("operator.read", "operator.write", "operator.approvals");
  }

  @Test
  void theToolsWorkOnConversationsSeededThroughTheWebhookChannel() throws Exception {
    WebhookReceiver receiver = later(WebhookReceiver.start(HOOK_SECRET));
    writeConfig(
        "",
        "{webhook: {main: {secret: '"
            + HOOK_SECRET
            + "', outboundUrl: '"
            + receiver.url()
            + "', dmPolicy: 'open', owners: ['owner-1']}}}");
    GatewayProcess gateway = later(GatewayProcess.start(stateDir, START));
    postHook(gateway, inbound("e1", "u42", "hello from u42"));
    postHook(
        gateway,
        "{\"id\":\"e2\",\"from\":{\"id\":\"u42\"},\"text\":\"\",\"media\":[{\"url\":"
            + "\"https://files.example/cat.png\",\"contentType\":\"image/png\",\"kind\":\"image\","
            + "\"fileName\":\"cat.png\",\"sizeBytes\":1234}]}");
    postHook(gateway, inbound("e3", "owner-1", "hi, it is the owner"));

    McpStdioClient mcp = serve(tokenFile(TOKEN));
    JsonNode init = mcp.initialize();
    assertThat(init.path("capabilities").path("experimental").has("claude/channel")).isTrue();

    // Discovery and reading.
    JsonNode listed = mcp.callTool("conversations_list", args());
    JsonNode conversations = listed.path("structuredContent").path("conversations");
    assertThat(conversations).hasSize(2);
    String key = "agent:main:webhook:dm:u42";
    JsonNode u42 =
        conversations
            .valueStream()
            .filter(c -> c.path("sessionKey").asString().equals(key))
            .findFirst()
            .orElseThrow();
    assertThat(u42.path("channel").asString()).isEqualTo("webhook");
    assertThat(u42.path("to").asString()).isEqualTo("u42");
    assertThat(u42.path("accountId").asString()).isEqualTo("main");
    assertThat(text(listed)).startsWith("conversations: 2");

    JsonNode got = mcp.callTool("conversation_get", args().put("session_key", key));
    assertThat(text(got)).isEqualTo("conversation " + key);
    JsonNode missing = mcp.callTool("conversation_get", args().put("session_key", "agent:x:y"));
    assertThat(missing.path("isError").asBoolean()).isTrue();
    assertThat(text(missing)).isEqualTo("conversation not found: agent:x:y");

    JsonNode read = mcp.callTool("messages_read", args().put("session_key", key));
    JsonNode messages = read.path("structuredContent").path("messages");
    assertThat(messages).hasSize(2);
    String mediaMessageId = messages.get(1).path("__openclaw").path("id").asString();
    JsonNode attachments =
        mcp.callTool(
            "attachments_fetch", args().put("session_key", key).put("message_id", mediaMessageId));
    assertThat(text(attachments)).isEqualTo("attachments: 1");
    JsonNode attachment = attachments.path("structuredContent").path("attachments").get(0);
    assertThat(attachment.path("type").asString()).isEqualTo("openclaw_media");
    assertThat(attachment.path("media").path("fileName").asString()).isEqualTo("cat.png");
    assertThat(attachment.path("media").path("transcribed").asBoolean(true)).isFalse();
    JsonNode noMessage =
        mcp.callTool("attachments_fetch", args().put("session_key", key).put("message_id", "nope"));
    assertThat(text(noMessage)).isEqualTo("message not found: nope");

    // Live events: a new inbound message reaches events_wait, events_poll and the Claude channel.
    CompletableFuture<JsonNode> waiting =
        mcp.send(
            "tools/call",
            McpStdioClient.toolParams(
                "events_wait", args().put("after_cursor", 0).put("timeout_ms", 20_000)));
    postHook(gateway, inbound("e4", "u42", "are you there?"));
    JsonNode waited = waiting.get(30, TimeUnit.SECONDS).path("result");
    JsonNode event = waited.path("structuredContent").path("event");
    assertThat(event.path("type").asString()).isEqualTo("message");
    assertThat(event.path("sessionKey").asString()).isEqualTo(key);
    assertThat(event.path("text").asString()).isEqualTo("are you there?");
    JsonNode polled = mcp.callTool("events_poll", args().put("after_cursor", 0));
    assertThat(polled.path("structuredContent").path("events")).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !mcp.notifications("notifications/claude/channel").isEmpty());
    JsonNode channel = mcp.notifications("notifications/claude/channel").getFirst();
    assertThat(channel.path("params").path("content").asString()).isEqualTo("are you there?");
    assertThat(channel.path("params").path("meta").path("session_key").asString()).isEqualTo(key);
    assertThat(channel.path("params").path("meta").path("channel").asString()).isEqualTo("webhook");

    // A reply goes out through the channel, once.
    JsonNode sent =
        mcp.callTool("messages_send", args().put("session_key", key).put("text", "yes, here"));
    assertThat(text(sent)).isEqualTo("sent");
    List<WebhookReceiver.Received> posts = receiver.awaitReceived(1, Duration.ofSeconds(10));
    assertThat(Json.mapper().readTree(posts.getFirst().bodyText()).path("text").asString())
        .isEqualTo("yes, here");
    assertThat(receiver.signatureValid(posts.getFirst())).isTrue();

    // An exec approval asked by another client is seen and resolved through the tools.
    GatewayClient requester = owner(gateway, "operator.approvals");
    String approvalId =
        requester
            .call(
                "exec.approval.request",
                args().put("command", "make deploy").put("agentId", "main").put("twoPhase", true))
            .path("id")
            .asString();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            mcp.callTool("permissions_list_open", args())
                    .path("structuredContent")
                    .path("approvals")
                    .size()
                == 1);
    JsonNode open =
        mcp.callTool("permissions_list_open", args()).path("structuredContent").path("approvals");
    assertThat(open.get(0).path("id").asString()).isEqualTo(approvalId);
    assertThat(open.get(0).path("kind").asString()).isEqualTo("exec");
    JsonNode resolved =
        mcp.callTool(
            "permissions_respond",
            args().put("kind", "exec").put("id", approvalId).put("decision", "allow-once"));
    assertThat(text(resolved)).isEqualTo("approval resolved");
    JsonNode decision = requester.call("exec.approval.waitDecision", args().put("id", approvalId));
    assertThat(decision.path("decision").asString()).isEqualTo("allow-once");
    JsonNode again =
        mcp.callTool(
            "permissions_respond",
            args().put("kind", "exec").put("id", approvalId).put("decision", "deny"));
    assertThat(again.path("isError").asBoolean()).isTrue();

    // Claude's permission relay: only the owner's "yes <id>" answers it.
    mcp.notify(
        "notifications/claude/channel/permission_request",
        args()
            .put("request_id", "abcde")
            .put("tool_name", "Bash")
            .put("description", "run the tests")
            .put("input_preview", "mvn test"));
    postHook(gateway, inbound("e5", "u42", "yes abcde"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            mcp.hasNotification(
                n -> n.path("params").path("content").asString().equals("yes abcde")));
    assertThat(mcp.notifications("notifications/claude/channel/permission")).isEmpty();
    postHook(gateway, inbound("e6", "owner-1", "yes abcde"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !mcp.notifications("notifications/claude/channel/permission").isEmpty());
    JsonNode permission = mcp.notifications("notifications/claude/channel/permission").getFirst();
    assertThat(permission.path("params").path("request_id").asString()).isEqualTo("abcde");
    assertThat(permission.path("params").path("behavior").asString()).isEqualTo("allow");

    // A wait the client cancels ends without an answer; the session goes on.
    long cancelledId = mcp.nextId();
    CompletableFuture<JsonNode> cancelled =
        mcp.send(
            "tools/call",
            McpStdioClient.toolParams(
                "events_wait", args().put("after_cursor", 1_000_000).put("timeout_ms", 300_000)));
    mcp.notify(
        "notifications/cancelled",
        args().put("requestId", cancelledId).put("reason", "the user pressed Esc"));
    assertThat(mcp.callTool("events_poll", args()).path("isError").asBoolean()).isFalse();
    Thread.sleep(500); // an answer to the cancelled wait, if there were one, would be here by now
    assertThat(cancelled).isNotDone();

    assertThat(mcp.closeStdinAndWait(EXIT)).isZero();
    assertStdoutIsOnlyJsonRpc(mcp);
  }

  @Test
  void theBridgeStopsOnSigtermAndWhenItsParentProcessIsGone() throws Exception {
    writeConfig("", "{}");
    later(GatewayProcess.start(stateDir, START));
    McpStdioClient mcp = serve(tokenFile(TOKEN));
    mcp.initialize();
    // SIGTERM alone: Process.destroy() would also close the pipes, and EOF on stdin stops the
    // bridge by itself.
    mcp.process().toHandle().destroy();
    assertThat(mcp.process().waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(mcp.process().exitValue()).isEqualTo(143);
    assertThat(mcp.stderr()).doesNotContain("Exception");

    // A parent that dies without closing the bridge's stdin: the bridge reads a FIFO that this
    // test keeps open for writing (a pipe from a Process would be closed by the JDK as soon as the
    // shell exits), so only the watch on its parent can stop it.
    Path fifo = other.resolve("stdin.fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    java.io.RandomAccessFile keepOpen = new java.io.RandomAccessFile(fifo.toFile(), "rw");
    closeLater.add(keepOpen);
    String java = ProcessHandle.current().info().command().orElseThrow();
    String serve =
        "'"
            + java
            + "' -jar '"
            + McpStdioClient.jar()
            + "' mcp serve --state-dir '"
            + stateDir
            + "' --token-file '"
            + tokenFile(TOKEN)
            + "' < '"
            + fifo
            + "'";
    Process parent =
        new ProcessBuilder("sh", "-c", serve + " & echo $!; wait")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    closeLater.add(parent::destroyForcibly);
    String pid =
        new java.io.BufferedReader(
                new java.io.InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    ProcessHandle bridge = ProcessHandle.of(Long.parseLong(pid.strip())).orElseThrow();
    closeLater.add(bridge::destroyForcibly);
    Thread.sleep(2_000); // started and reading its stdin, which stays open
    assertThat(bridge.isAlive()).as("the bridge runs while its parent does").isTrue();
    parent.destroyForcibly(); // SIGKILL: no chance to pass anything on
    parent.waitFor(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> !bridge.isAlive());
  }

  @Test
  void theBridgeReconnectsAfterARestartAndAWrongTokenIsReportedPlainly() throws Exception {
    writeConfig("", "{}");
    GatewayProcess gateway = GatewayProcess.start(stateDir, START);
    int port = URI.create(gateway.url()).getPort();
    McpStdioClient mcp = serve(tokenFile(TOKEN));
    mcp.initialize();
    assertThat(mcp.callTool("conversations_list", args()).path("isError").asBoolean()).isFalse();

    assertThat(gateway.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    gateway.close();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> mcp.stderr().contains("lost the gateway connection"));
    GatewayProcess restarted = later(GatewayProcess.start(stateDir, START, port));
    assertThat(restarted.url()).isEqualTo(gateway.url());
    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> !mcp.callTool("conversations_list", args()).path("isError").asBoolean());
    assertThat(mcp.closeStdinAndWait(EXIT)).isZero();

    McpStdioClient wrong = serve(tokenFile("not-the-gateway-token-at-all"));
    wrong.initialize();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> wrong.stderr().contains("the gateway refused the connection"));
    JsonNode refused = wrong.callTool("conversations_list", args());
    assertThat(refused.path("isError").asBoolean()).isTrue();
    // This state dir's device is paired (the first run above), so the wrong shared token was also
    // tried as the device's token: the answer says it is neither, not "device token rotated".
    assertThat(text(refused))
        .startsWith("Gateway client is not ready: ")
        .contains("the token sent is neither this gateway's shared token nor the device token");
    assertThat(wrong.stderr())
        .doesNotContain("not-the-gateway-token-at-all")
        .doesNotContain("\tat ");
    assertThat(wrong.closeStdinAndWait(EXIT)).isZero();
    assertStdoutIsOnlyJsonRpc(wrong);
  }
}
