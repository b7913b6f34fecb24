package dev.clawgate.gateway.mcp.http;

import static dev.clawgate.gateway.mcp.http.McpHttpTesting.bearerTokens;
import static dev.clawgate.gateway.mcp.http.McpHttpTesting.block;
import static dev.clawgate.gateway.mcp.http.McpHttpTesting.echo;
import static dev.clawgate.gateway.mcp.http.McpHttpTesting.request;
import static dev.clawgate.gateway.mcp.http.McpHttpTesting.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.gateway.mcp.http.McpHttpTesting.Event;
import dev.clawgate.gateway.mcp.http.McpHttpTesting.SseReader;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ScopeSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class StreamableHttpHandlerTest {
  private static final String METADATA = "https://gw.example/.well-known/oauth-protected-resource";
  private static final String SSE = "text/event-stream";
  private static final String JSON = "application/json";
  private static final String BOTH = "application/json, text/event-stream";

  private final MutableClock clock = new MutableClock();
  private final List<McpSession> opened = new CopyOnWriteArrayList<>();
  private final CountDownLatch blockStarted = new CountDownLatch(1);
  private final CountDownLatch blockRelease = new CountDownLatch(1);
  private final CountDownLatch blockInterrupted = new CountDownLatch(1);
  private final List<String> released = new CopyOnWriteArrayList<>();
  private final List<List<String>> principalChanges = new CopyOnWriteArrayList<>();
  private volatile ScopeSet echoNeeds = ScopeSet.empty();

  private Server server = new Server();
  private StreamableHttpHandler handler = newHandler(10);
  private HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private URI uri = URI.create("http://127.0.0.1/mcp");

  @BeforeEach
  void start() throws Exception {
    uri = URI.create("http://127.0.0.1:" + McpHttpTesting.start(server, handler) + "/mcp");
  }

  @AfterEach
  void stop() throws Exception {
    blockRelease.countDown();
    server.stop();
    client.close();
  }

  private StreamableHttpHandler newHandler(int maxSessions) {
    Authenticator auth =
        bearerTokens(
            Map.of(
                "alice", McpPrincipal.of("Alice", List.of(), "alice"),
                "bob", McpPrincipal.of("Bob", List.of(), "bob"),
                "carol", McpPrincipal.of("Carol", List.of("operator.read"), "carol"),
                // Carol after a step-up
                "carol-up",
                    McpPrincipal.of(
                        "Carol", List.of("operator.read", "operator.approvals"), "carol")));
    SessionFactory factory =
        (principal, notifications) -> {
          McpSession session =
              session(notifications, echo(), block(blockStarted, blockRelease, blockInterrupted));
          opened.add(session);
          return new SessionFactory.Opened(
              session,
              () -> released.add(principal.id()),
              changed -> principalChanges.add(changed.scopes().names()));
        };
    return new StreamableHttpHandler(
        factory,
        auth,
        tool -> tool.equals("echo") ? echoNeeds : ScopeSet.empty(),
        () -> METADATA,
        origin -> origin.equals("https://ok.example"),
        new StreamableHttpLimits(4096, maxSessions, Duration.ofMinutes(5), Duration.ofMillis(100)),
        clock);
  }

  // ---- sessions and JSON mode ----

  @Test
  void initializeOpensASession() throws Exception {
    HttpResponse<String> response = post(null, JSON, initialize(1), "alice");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
    assertThat(response.headers().firstValue("Mcp-Session-Id"))
        .hasValueSatisfying(id -> assertThat(id).matches("[A-Za-z0-9_-]{22}"));
    JsonNode body = Json.mapper().readTree(response.body());
    assertThat(body.path("id").asInt()).isEqualTo(1);
    assertThat(body.path("result").path("protocolVersion").asString()).isEqualTo("2025-11-25");
    assertThat(handler.sessionCount()).isEqualTo(1);
  }

  @Test
  void failedInitializeOpensNoSession() throws Exception {
    String bad = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";
    HttpResponse<String> response = post(null, JSON, bad, "alice");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
    assertThat(response.body()).contains("-32602");
    assertThat(handler.sessionCount()).isZero();
  }

  @Test
  void listsAndCallsToolsInJsonMode() throws Exception {
    String id = open("alice");
    HttpResponse<String> list = post(id, JSON, request(2, "tools/list", "{}"), "alice");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(list.body()).path("result").path("tools").size())
        .isEqualTo(2);

    HttpResponse<String> call = post(id, JSON, callEcho(3, "hi"), "alice");
    assertThat(call.statusCode()).isEqualTo(200);
    JsonNode body = Json.mapper().readTree(call.body());
    assertThat(body.path("id").asInt()).isEqualTo(3);
    assertThat(body.path("result").path("content").get(0).path("text").asString())
        .isEqualTo("echo: hi");
  }

  @Test
  void answersABatchWithAnArray() throws Exception {
    String id = open("alice");
    String batch =
        "[" + callEcho(4, "a") + "," + request(5, "ping", "{}") + "," + notification() + "]";
    HttpResponse<String> response = post(id, JSON, batch, "alice");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Json.mapper().readTree(response.body());
    assertThat(body.isArray()).isTrue();
    assertThat(body.size()).isEqualTo(2);
  }

  @Test
  void notificationsGet202() throws Exception {
    String id = open("alice");
    HttpResponse<String> response = post(id, BOTH, notification(), "alice");
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEmpty();
    assertThat(opened.get(0).clientReady()).isTrue();
  }

  @Test
  void aRequestWithoutSessionIdIs400() throws Exception {
    open("alice");
    HttpResponse<String> response = post(null, JSON, request(2, "tools/list", "{}"), "alice");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("Mcp-Session-Id");
  }

  @Test
  void unknownAndForeignSessionsAre404() throws Exception {
    String id = open("alice");
    assertThat(post("nope", JSON, request(2, "tools/list", "{}"), "alice").statusCode())
        .isEqualTo(404);
    HttpResponse<String> foreign = post(id, JSON, request(2, "tools/list", "{}"), "bob");
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).contains("Session not found");
    assertThat(send(id, "DELETE", null, null, "bob").statusCode()).isEqualTo(404);
    assertThat(post(id, JSON, request(2, "tools/list", "{}"), "alice").statusCode()).isEqualTo(200);
  }

  @Test
  void deleteEndsTheSession() throws Exception {
    String id = open("alice");
    HttpResponse<String> deleted = send(id, "DELETE", null, null, "alice");
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(released).containsExactly("alice");
    assertThat(post(id, JSON, request(2, "tools/list", "{}"), "alice").statusCode()).isEqualTo(404);
    assertThat(send(id, "DELETE", null, null, "alice").statusCode()).isEqualTo(404);
    assertThat(handler.sessionCount()).isZero();
  }

  @Test
  void aStaleSessionIdWithInitializeOpensANewSession() throws Exception {
    HttpResponse<String> response = post("stale", JSON, initialize(1), "alice");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
  }

  // ---- checks ----

  @Test
  void aForeignOriginIs403BeforeAuthentication() throws Exception {
    HttpRequest request =
        base(null, JSON, null)
            .header("Origin", "https://evil.example")
            .POST(body(initialize(1)))
            .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();

    HttpRequest allowed =
        base(null, JSON, "alice")
            .header("Origin", "https://ok.example")
            .header("Content-Type", JSON)
            .POST(body(initialize(1)))
            .build();
    assertThat(client.send(allowed, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void noCredentialsIs401WithAChallenge() throws Exception {
    HttpResponse<String> response = post(null, JSON, initialize(1), null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer resource_metadata=\"" + METADATA + "\"");
    assertThat(post(null, JSON, initialize(1), "mallory").statusCode()).isEqualTo(401);
  }

  @Test
  void malformedJsonIs400WithAParseError() throws Exception {
    String id = open("alice");
    HttpResponse<String> response = post(id, JSON, "{\"jsonrpc\":", "alice");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = Json.mapper().readTree(response.body());
    assertThat(body.path("error").path("code").asInt()).isEqualTo(-32700);
    assertThat(body.path("id").isNull()).isTrue();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at ");
  }

  @Test
  void anOversizedBodyIs413AndAWrongContentTypeIs415() throws Exception {
    String id = open("alice");
    String big = callEcho(9, "x".repeat(5000));
    assertThat(post(id, JSON, big, "alice").statusCode()).isEqualTo(413);
    HttpRequest text =
        base(id, JSON, "alice")
            .header("Content-Type", "text/plain")
            .POST(body(request(2, "ping", "{}")))
            .build();
    assertThat(client.send(text, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(415);
  }

  @Test
  void checksTheProtocolVersionHeader() throws Exception {
    String id = open("alice");
    HttpRequest wrong =
        base(id, JSON, "alice")
            .header("Content-Type", JSON)
            .header("MCP-Protocol-Version", "1999-01-01")
            .POST(body(request(2, "ping", "{}")))
            .build();
    assertThat(client.send(wrong, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(400);
    HttpRequest right =
        base(id, JSON, "alice")
            .header("Content-Type", JSON)
            .header("MCP-Protocol-Version", "2025-11-25")
            .POST(body(request(2, "ping", "{}")))
            .build();
    assertThat(client.send(right, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> response = send(null, "PUT", JSON, "{}", "alice");
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, POST, DELETE, OPTIONS");
  }

  @Test
  void tooManySessionsIs503() throws Exception {
    server.stop();
    server = new Server();
    handler = newHandler(1);
    start();
    open("alice");
    HttpResponse<String> response = post(null, JSON, initialize(1), "alice");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void idleSessionsAreSwept() throws Exception {
    String id = open("alice");
    handler.sweepIdleSessions();
    assertThat(handler.sessionCount()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(6));
    handler.sweepIdleSessions();
    assertThat(handler.sessionCount()).isZero();
    assertThat(released).containsExactly("alice");
    assertThat(post(id, JSON, request(2, "ping", "{}"), "alice").statusCode()).isEqualTo(404);
  }

  @Test
  void stoppingTheHandlerClosesSessions() throws Exception {
    open("alice");
    open("bob");
    server.stop();
    assertThat(released).containsExactlyInAnyOrder("alice", "bob");
  }

  // ---- SSE ----

  @Test
  void callsAToolInSseMode() throws Exception {
    String id = open("alice");
    HttpResponse<String> response = post(id, BOTH, callEcho(3, "sse"), "alice");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(SSE);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
    List<Event> events = parse(response.body());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).id()).matches("[1-9][0-9]*-1");
    assertThat(events.get(0).event()).isEqualTo("message");
    JsonNode data = Json.mapper().readTree(events.get(0).data());
    assertThat(data.path("result").path("content").get(0).path("text").asString())
        .isEqualTo("echo: sse");
  }

  @Test
  void initializeInSseMode() throws Exception {
    HttpResponse<String> response = post(null, SSE, initialize(1), "alice");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
    List<Event> events = parse(response.body());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).data()).contains("protocolVersion");
  }

  @Test
  void aSlowCallGetsKeepAlivesThenItsAnswer() throws Exception {
    String id = open("alice");
    try (SseReader reader =
        SseReader.open(
            client,
            base(id, BOTH, "alice")
                .header("Content-Type", JSON)
                .POST(body(callBlock(7)))
                .build())) {
      assertThat(reader.status).isEqualTo(200);
      assertThat(blockStarted.await(5, TimeUnit.SECONDS)).isTrue();
      assertPriming(reader);
      assertThat(reader.nextLine()).isEqualTo(": keep-alive");
      blockRelease.countDown();
      Event event = reader.nextEvent();
      assertThat(event.data()).contains("\"id\":7").contains("released");
      assertThat(reader.nextLine()).isNull(); // the stream ended
    }
  }

  @Test
  void aClientCancellationEndsTheWaitingPost() throws Exception {
    String id = open("alice");
    HttpRequest call =
        base(id, BOTH, "alice").header("Content-Type", JSON).POST(body(callBlock(7))).build();
    try (SseReader reader = SseReader.open(client, call)) {
      assertThat(blockStarted.await(5, TimeUnit.SECONDS)).isTrue();
      assertPriming(reader);
      String cancel =
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
              + "\"params\":{\"requestId\":7,\"reason\":\"user\"}}";
      assertThat(post(id, BOTH, cancel, "alice").statusCode()).isEqualTo(202);
      assertThat(blockInterrupted.await(5, TimeUnit.SECONDS)).isTrue();
      String line;
      do {
        line = reader.nextLine();
      } while (line != null && line.startsWith(":"));
      assertThat(line).isNull(); // ended, with no answer for the cancelled call
    }
  }

  @Test
  void aClosedSsePostCancelsItsToolCall() throws Exception {
    closedPostCancelsItsToolCall(BOTH);
  }

  @Test
  void aClosedJsonPostCancelsItsToolCall() throws Exception {
    closedPostCancelsItsToolCall(JSON);
  }

  private void closedPostCancelsItsToolCall(String accept) throws Exception {
    String id = open("alice");
    String json = callBlock(8);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer alice\r\n"
              + "Content-Type: application/json\r\nAccept: "
              + accept
              + "\r\nMcp-Session-Id: "
              + id
              + "\r\nContent-Length: "
              + json.getBytes(StandardCharsets.UTF_8).length
              + "\r\n\r\n";
      out.write((head + json).getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(blockStarted.await(5, TimeUnit.SECONDS)).isTrue();
      if (accept.equals(BOTH)) { // the SSE headers come at once
        socket.setSoTimeout(5000);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).startsWith("HTTP/1.1 200");
      }
    }
    assertThat(blockInterrupted.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> opened.get(0).callsInFlight() == 0);
  }

  @Test
  void theGetStreamDeliversServerNotifications() throws Exception {
    String id = open("alice");
    try (SseReader stream = getStream(id, null)) {
      assertThat(stream.status).isEqualTo(200);
      notifyChannel(0, "one");
      Event event = stream.nextEvent();
      assertThat(event.id()).isEqualTo("0-1");
      assertThat(event.data()).contains("notifications/claude/channel").contains("one");

      HttpResponse<String> second =
          client.send(base(id, SSE, "alice").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(second.statusCode()).isEqualTo(409);
    }
    HttpResponse<String> noSse =
        client.send(base(id, JSON, "alice").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noSse.statusCode()).isEqualTo(405);
  }

  @Test
  void notificationsWhileNoStreamIsOpenAreDeliveredLater() throws Exception {
    String id = open("alice");
    notifyChannel(0, "early");
    try (SseReader stream = getStream(id, null)) {
      Event event = stream.nextEvent();
      assertThat(event.id()).isEqualTo("0-1");
      assertThat(event.data()).contains("early");
    }
  }

  @Test
  void lastEventIdResumesTheGetStream() throws Exception {
    String id = open("alice");
    try (SseReader stream = getStream(id, null)) {
      notifyChannel(0, "one");
      notifyChannel(0, "two");
      assertThat(stream.nextEvent().id()).isEqualTo("0-1");
      assertThat(stream.nextEvent().id()).isEqualTo("0-2");
    }
    notifyChannel(0, "three");
    // The server notices the closed stream at its next keep-alive; until then a GET is a conflict.
    SseReader resumed =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> getStream(id, "0-1"), reader -> reader.status == 200 || closeQuietly(reader));
    try (resumed) {
      Event two = resumed.nextEvent();
      assertThat(two.id()).isEqualTo("0-2");
      assertThat(two.data()).contains("two");
      Event three = resumed.nextEvent();
      assertThat(three.id()).isEqualTo("0-3");
      notifyChannel(0, "four");
      assertThat(resumed.nextEvent().id()).isEqualTo("0-4");
    }
  }

  @Test
  void anUnknownLastEventIdStartsFresh() throws Exception {
    String id = open("alice");
    try (SseReader stream = getStream(id, null)) {
      notifyChannel(0, "one");
      assertThat(stream.nextEvent().id()).isEqualTo("0-1");
    }
    SseReader fresh =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> getStream(id, "9-99"),
                reader -> reader.status == 200 || closeQuietly(reader));
    try (fresh) {
      notifyChannel(0, "two");
      assertThat(fresh.nextEvent().id()).isEqualTo("0-2");
    }
  }

  // ---- step-up ----

  @Test
  void aCallWithoutTheToolsScopesIs403WithAnInsufficientScopeChallenge() throws Exception {
    echoNeeds = ScopeSet.ofNames(List.of("operator.approvals"));
    String id = open("carol");
    String batch = "[" + callBlock(7) + "," + callEcho(8, "x") + "]";
    HttpResponse<String> response = post(id, BOTH, batch, "carol");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue(
            "Bearer error=\"insufficient_scope\", scope=\"operator.approvals operator.read\","
                + " error_description=\"calling echo needs the scope operator.approvals\","
                + " resource_metadata=\""
                + METADATA
                + "\"");
    JsonNode body = Json.mapper().readTree(response.body());
    assertThat(body.path("id").asInt()).isEqualTo(8);
    assertThat(body.path("error").path("message").asString()).contains("operator.approvals");
    // Nothing of that POST was dispatched, not even the call that needs no scope.
    assertThat(blockStarted.getCount()).isEqualTo(1);
    assertThat(opened.get(0).callsInFlight()).isZero();
  }

  @Test
  void afterAStepUpTheSameSessionServesTheCallAndHearsOfTheNewScopesOnce() throws Exception {
    echoNeeds = ScopeSet.ofNames(List.of("operator.approvals"));
    String id = open("carol");
    assertThat(post(id, JSON, callEcho(3, "no"), "carol").statusCode()).isEqualTo(403);
    assertThat(principalChanges).isEmpty();

    HttpResponse<String> stepped = post(id, JSON, callEcho(4, "yes"), "carol-up");
    assertThat(stepped.statusCode()).isEqualTo(200);
    assertThat(stepped.body()).contains("echo: yes");
    assertThat(post(id, JSON, request(5, "tools/list", "{}"), "carol-up").statusCode())
        .isEqualTo(200);
    assertThat(principalChanges).containsExactly(List.of("operator.approvals", "operator.read"));

    assertThat(post(id, JSON, request(6, "tools/list", "{}"), "carol").statusCode()).isEqualTo(200);
    assertThat(post(id, JSON, request(7, "tools/list", "{}"), "carol").statusCode()).isEqualTo(200);
    assertThat(principalChanges)
        .containsExactly(List.of("operator.approvals", "operator.read"), List.of("operator.read"));
  }

  // ---- CORS ----

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredWithoutCredentials() throws Exception {
    HttpRequest preflight =
        HttpRequest.newBuilder(uri)
            .header("Origin", "https://ok.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type, mcp-session-id")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = client.send(preflight, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://ok.example");
    assertThat(response.headers().allValues("Vary")).contains("Origin");
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValue("GET, POST, DELETE, OPTIONS");
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue(
            "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version,"
                + " Last-Event-ID, Mcp-Method, Mcp-Name");
    assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
    assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
  }

  @Test
  void aPreflightFromAnotherOriginIs403() throws Exception {
    HttpRequest preflight =
        HttpRequest.newBuilder(uri)
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "POST")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = client.send(preflight, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void answersToAnAllowedOriginNameItAndExposeTheMcpHeaders() throws Exception {
    HttpRequest unauthenticated =
        base(null, JSON, null)
            .header("Origin", "https://ok.example")
            .header("Content-Type", JSON)
            .POST(body(initialize(1)))
            .build();
    HttpResponse<String> refused =
        client.send(unauthenticated, HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://ok.example");
    assertThat(refused.headers().firstValue("Access-Control-Expose-Headers"))
        .hasValue("Mcp-Session-Id, WWW-Authenticate, MCP-Protocol-Version");

    HttpRequest allowed =
        base(null, JSON, "alice")
            .header("Origin", "https://ok.example")
            .header("Content-Type", JSON)
            .POST(body(initialize(1)))
            .build();
    HttpResponse<String> response = client.send(allowed, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://ok.example");
    assertThat(response.headers().allValues("Vary")).contains("Origin");

    HttpResponse<String> noOrigin = post(null, JSON, initialize(1), "alice");
    assertThat(noOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  // ---- priming ----

  @Test
  void aPostStreamStartsWithAPrimingEventThenIdentifiedAnswers() throws Exception {
    String id = open("alice");
    HttpResponse<String> response = post(id, BOTH, callEcho(3, "sse"), "alice");

    assertThat(response.body()).matches("(?s)id: ([1-9][0-9]*)-0\nretry: 3000\ndata: \n\n.*");
    String stream = response.body().substring(4, response.body().indexOf('-'));
    List<Event> events = parse(response.body());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).id()).isEqualTo(stream + "-1");
  }

  @Test
  void sessionsOfOlderRevisionsGetNoPrimingEvent() throws Exception {
    HttpResponse<String> opening = post(null, JSON, initialize(1, "2025-06-18"), "alice");
    String id = opening.headers().firstValue("Mcp-Session-Id").orElseThrow();
    HttpResponse<String> response = post(id, BOTH, callEcho(3, "old"), "alice");

    assertThat(response.body()).startsWith("id: ").doesNotContain("retry:");
    assertThat(parse(response.body()).get(0).id()).matches("[1-9][0-9]*-1");
  }

  // ---- 2026-07-28, stateless ----

  @Test
  void aStatelessToolCallIsServedWithoutASession() throws Exception {
    HttpResponse<String> response = stateless(JSON, callEcho(3, "hi"), "tools/call", "echo");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
    JsonNode result = Json.mapper().readTree(response.body()).path("result");
    assertThat(result.path("content").get(0).path("text").asString()).isEqualTo("echo: hi");
    assertThat(result.path("resultType").asString()).isEqualTo("complete");
    JsonNode serverInfo = result.path("_meta").path("io.modelcontextprotocol/serverInfo");
    assertThat(serverInfo.path("name").asString()).isEqualTo("test");
    await().atMost(Duration.ofSeconds(5)).until(() -> released.equals(List.of("alice")));
    await().atMost(Duration.ofSeconds(5)).until(() -> handler.sessionCount() == 0);
  }

  @Test
  void aStatelessToolListIsCacheable() throws Exception {
    HttpResponse<String> response =
        stateless(JSON, request(2, "tools/list", metaParams("{}")), "tools/list", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode result = Json.mapper().readTree(response.body()).path("result");
    assertThat(result.path("tools").size()).isEqualTo(2);
    assertThat(result.path("ttlMs").asInt()).isZero();
    assertThat(result.path("cacheScope").asString()).isEqualTo("private");
  }

  @Test
  void serverDiscoverListsTheRevisionsAndCapabilities() throws Exception {
    HttpResponse<String> response =
        stateless(JSON, request(1, "server/discover", metaParams("{}")), "server/discover", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode result = Json.mapper().readTree(response.body()).path("result");
    assertThat(result.path("supportedVersions").get(0).asString()).isEqualTo("2026-07-28");
    assertThat(result.path("supportedVersions").toString()).contains("2025-11-25");
    assertThat(result.path("capabilities").has("tools")).isTrue();
    assertThat(result.path("resultType").asString()).isEqualTo("complete");
    assertThat(result.has("ttlMs")).isTrue();
    assertThat(result.path("cacheScope").asString()).isEqualTo("private");
  }

  @Test
  void theMcpMethodHeaderMustBePresentAndMatchTheBody() throws Exception {
    String list = request(2, "tools/list", metaParams("{}"));
    assertHeaderMismatch(stateless(JSON, list, null, null), 2);
    assertHeaderMismatch(stateless(JSON, list, "tools/call", null), 2);
  }

  @Test
  void theMcpNameHeaderMustBePresentAndMatchTheBodyAfterDecoding() throws Exception {
    assertHeaderMismatch(stateless(JSON, callEcho(3, "x"), "tools/call", null), 3);
    assertHeaderMismatch(stateless(JSON, callEcho(3, "x"), "tools/call", "block"), 3);
    assertHeaderMismatch(stateless(JSON, callEcho(3, "x"), "tools/call", "=?base64?!!?="), 3);
    HttpResponse<String> encoded =
        stateless(JSON, callEcho(3, "x"), "tools/call", "=?base64?ZWNobw==?=");
    assertThat(encoded.statusCode()).isEqualTo(200);
    assertThat(encoded.body()).contains("echo: x");
  }

  @Test
  void theMetaProtocolVersionMustMatchTheHeader() throws Exception {
    String wrong =
        request(
            2,
            "tools/list",
            "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2025-11-25\"}}");
    assertHeaderMismatch(stateless(JSON, wrong, "tools/list", null), 2);
    assertHeaderMismatch(stateless(JSON, request(2, "tools/list", "{}"), "tools/list", null), 2);
  }

  @Test
  void anUnknownStatelessMethodIs404WithMethodNotFound() throws Exception {
    for (String method : List.of("ping", "initialize", "resources/list")) {
      HttpResponse<String> response =
          stateless(JSON, request(9, method, metaParams("{}")), method, null);
      assertThat(response.statusCode()).as(method).isEqualTo(404);
      JsonNode body = Json.mapper().readTree(response.body());
      assertThat(body.path("error").path("code").asInt()).isEqualTo(-32601);
      assertThat(body.path("id").asInt()).isEqualTo(9);
    }
  }

  @Test
  void statelessGetAndDeleteAre405() throws Exception {
    String id = open("alice");
    for (String method : List.of("GET", "DELETE")) {
      HttpRequest request =
          base(id, SSE, "alice")
              .header("MCP-Protocol-Version", "2026-07-28")
              .method(method, HttpRequest.BodyPublishers.noBody())
              .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(method).isEqualTo(405);
    }
    assertThat(handler.sessionCount()).isEqualTo(1); // DELETE did not end the session
  }

  @Test
  void aStatelessRequestIgnoresSessionAndEventIds() throws Exception {
    String id = open("alice");
    HttpRequest request =
        statelessRequest(JSON, callEcho(3, "again"), "tools/call", "echo")
            .header("Mcp-Session-Id", id)
            .header("Last-Event-ID", "0-1")
            .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
    assertThat(response.body()).contains("echo: again");
    assertThat(opened).hasSize(2); // a session of its own, not the live one
  }

  @Test
  void aStatelessStreamHasNoEventIdsAndEndsWithTheAnswer() throws Exception {
    HttpResponse<String> response = stateless(BOTH, callEcho(3, "sse"), "tools/call", "echo");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(SSE);
    assertThat(response.body()).doesNotContain("id:").doesNotContain("retry:");
    List<Event> events = parse(response.body());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).data()).contains("echo: sse").contains("\"resultType\":\"complete\"");
  }

  @Test
  void closingAStatelessStreamCancelsTheRequest() throws Exception {
    HttpRequest call = statelessRequest(BOTH, callBlock(7), "tools/call", "block").build();
    try (SseReader reader = SseReader.open(client, call)) {
      assertThat(reader.status).isEqualTo(200);
      assertThat(blockStarted.await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(blockInterrupted.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> released.equals(List.of("alice")));
  }

  @Test
  void aStatelessBatchIsAnInvalidRequest() throws Exception {
    String batch = "[" + callEcho(3, "a") + "]";
    HttpResponse<String> response = stateless(JSON, batch, "tools/call", "echo");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.mapper().readTree(response.body()).path("error").path("code").asInt())
        .isEqualTo(-32600);
  }

  @Test
  void aStatelessNotificationIsAccepted() throws Exception {
    String note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    HttpResponse<String> response = stateless(JSON, note, null, null);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(opened).isEmpty();
  }

  @Test
  void anUnknownProtocolVersionIsUnsupportedProtocolVersion() throws Exception {
    HttpRequest request =
        base(null, JSON, "alice")
            .header("Content-Type", JSON)
            .header("MCP-Protocol-Version", "2099-01-01")
            .POST(body(request(4, "tools/list", metaParams("{}"))))
            .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = Json.mapper().readTree(response.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(-32022);
    assertThat(error.path("data").path("supported").get(0).asString()).isEqualTo("2026-07-28");
    assertThat(error.path("data").path("requested").asString()).isEqualTo("2099-01-01");
  }

  @Test
  void aModernBodyWithoutTheVersionHeaderIsAHeaderMismatch() throws Exception {
    HttpResponse<String> response =
        post(null, JSON, request(4, "tools/list", metaParams("{}")), "alice");

    assertHeaderMismatch(response, 4);
  }

  @Test
  void theStepUpGateAppliesToStatelessCalls() throws Exception {
    echoNeeds = ScopeSet.ofNames(List.of("operator.approvals"));
    HttpResponse<String> response = stateless(JSON, callEcho(3, "x"), "tools/call", "echo");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(value -> assertThat(value).contains("insufficient_scope"));
    assertThat(opened).isEmpty();
  }

  // ---- helpers ----

  /** The priming event of a POST stream: an id ending in -0, the retry, empty data. */
  private static void assertPriming(SseReader reader) throws InterruptedException {
    assertThat(reader.nextLine()).matches("id: [1-9][0-9]*-0");
    assertThat(reader.nextLine()).isEqualTo("retry: 3000");
    assertThat(reader.nextLine()).isEqualTo("data: ");
  }

  private static boolean closeQuietly(SseReader reader) {
    reader.close();
    return false;
  }

  private void notifyChannel(int session, String text) throws IOException {
    ObjectNode params = Json.mapper().createObjectNode().put("content", text);
    opened.get(session).notify("notifications/claude/channel", params);
  }

  private SseReader getStream(String id, @Nullable String lastEventId) throws Exception {
    HttpRequest.Builder builder = base(id, SSE, "alice").GET();
    if (lastEventId != null) {
      builder.header("Last-Event-ID", lastEventId);
    }
    return SseReader.open(client, builder.build());
  }

  private String open(String principal) throws Exception {
    HttpResponse<String> response = post(null, JSON, initialize(1), principal);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  private HttpResponse<String> post(
      @Nullable String sessionId, String accept, String json, @Nullable String principal)
      throws Exception {
    return send(sessionId, "POST", accept, json, principal);
  }

  private HttpResponse<String> send(
      @Nullable String sessionId,
      String method,
      @Nullable String accept,
      @Nullable String json,
      @Nullable String principal)
      throws Exception {
    HttpRequest.Builder builder = base(sessionId, accept, principal);
    if (json != null) {
      builder.header("Content-Type", JSON);
    }
    builder.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : body(json));
    return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder base(
      @Nullable String sessionId, @Nullable String accept, @Nullable String principal) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (sessionId != null) {
      builder.header("Mcp-Session-Id", sessionId);
    }
    if (accept != null) {
      builder.header("Accept", accept);
    }
    if (principal != null) {
      builder.header("Authorization", "Bearer " + principal);
    }
    return builder;
  }

  private static void assertHeaderMismatch(HttpResponse<String> response, int id) {
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = Json.mapper().readTree(response.body());
    assertThat(body.path("error").path("code").asInt()).isEqualTo(-32020);
    assertThat(body.path("id").asInt()).isEqualTo(id);
  }

  /** A POST of the 2026-07-28 form, as alice, with the {@code Mcp-*} headers given. */
  private HttpResponse<String> stateless(
      String accept, String json, @Nullable String method, @Nullable String name) throws Exception {
    return client.send(
        statelessRequest(accept, json, method, name).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder statelessRequest(
      String accept, String json, @Nullable String method, @Nullable String name) {
    HttpRequest.Builder builder =
        base(null, accept, "alice")
            .header("Content-Type", JSON)
            .header("MCP-Protocol-Version", "2026-07-28")
            .POST(body(json));
    if (method != null) {
      builder.header("Mcp-Method", method);
    }
    if (name != null) {
      builder.header("Mcp-Name", name);
    }
    return builder;
  }

  /** {@code params} with the 2026-07-28 {@code _meta} added. */
  private static String metaParams(String params) {
    ObjectNode node = (ObjectNode) Json.mapper().readTree(params);
    ObjectNode meta = node.putObject("_meta");
    meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
    meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "t").put("version", "1");
    meta.putObject("io.modelcontextprotocol/clientCapabilities");
    return node.toString();
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json);
  }

  private static String initialize(int id) {
    return initialize(id, "2025-11-25");
  }

  private static String initialize(int id, String version) {
    return request(
        id,
        "initialize",
        "{\"protocolVersion\":\""
            + version
            + "\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}");
  }

  private static String notification() {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  }

  private static String callEcho(int id, String text) {
    return request(
        id,
        "tools/call",
        metaParams("{\"name\":\"echo\",\"arguments\":{\"text\":\"" + text + "\"}}"));
  }

  private static String callBlock(int id) {
    return request(id, "tools/call", metaParams("{\"name\":\"block\",\"arguments\":{}}"));
  }

  private static List<Event> parse(String body) {
    List<Event> events = new ArrayList<>();
    String id = null;
    String event = null;
    StringBuilder data = new StringBuilder();
    for (String line : body.split("\n", -1)) {
      if (line.isEmpty()) {
        if (!data.isEmpty()) {
          events.add(new Event(id, event, data.toString()));
        }
        id = null;
        event = null;
        data.setLength(0);
      } else if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }
    return events;
  }

  static final class MutableClock extends Clock {
    private final AtomicLong millis =
        new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

    void advance(Duration duration) {
      millis.addAndGet(duration.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }
}
