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
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class LegacySseHandlerTest {
  private static final String METADATA = "https://gw.example/.well-known/oauth-protected-resource";
  private static final String JSON = "application/json";

  private final List<McpSession> opened = new CopyOnWriteArrayList<>();
  private final List<String> released = new CopyOnWriteArrayList<>();
  private final List<McpPrincipal> principalChanges = new CopyOnWriteArrayList<>();
  private final CountDownLatch blockStarted = new CountDownLatch(1);
  private final CountDownLatch blockRelease = new CountDownLatch(1);

  private final Server server = new Server();
  private final LegacySseHandler handler = newHandler();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<SseReader> readers = new CopyOnWriteArrayList<>();
  private URI root = URI.create("http://127.0.0.1/");
  private int port;

  @BeforeEach
  void start() throws Exception {
    port = McpHttpTesting.start(server, handler);
    root = URI.create("http://127.0.0.1:" + port + "/");
  }

  @AfterEach
  void stop() throws Exception {
    blockRelease.countDown();
    readers.forEach(SseReader::close);
    server.stop();
    client.close();
  }

  private LegacySseHandler newHandler() {
    Authenticator auth =
        bearerTokens(
            Map.of(
                "alice", McpPrincipal.of("Alice", List.of(), "alice"),
                "alice-admin", McpPrincipal.of("Alice", List.of("operator.admin"), "alice"),
                "bob", McpPrincipal.of("Bob", List.of(), "bob")));
    SessionFactory factory =
        (principal, notifications) -> {
          McpSession session =
              session(notifications, echo(), block(blockStarted, blockRelease, null));
          opened.add(session);
          return new SessionFactory.Opened(
              session, () -> released.add(principal.id()), principalChanges::add);
        };
    ToolScopes scopes =
        tool ->
            tool.equals("secret") ? ScopeSet.ofNames(List.of("operator.admin")) : ScopeSet.empty();
    return new LegacySseHandler(
        factory,
        auth,
        scopes,
        METADATA,
        origin -> origin.equals("https://ok.example"),
        new StreamableHttpLimits(4096, 3, Duration.ofMinutes(5), Duration.ofMillis(100)));
  }

  // ---- the stream ----

  @Test
  void theStreamStartsWithTheEndpointEvent() throws Exception {
    SseReader stream = openStream("alice");
    assertThat(stream.status).isEqualTo(200);
    assertThat(stream.headers.firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(stream.headers.firstValue("Cache-Control")).hasValue("no-store");
    assertThat(stream.headers.firstValue("X-Accel-Buffering")).hasValue("no");
    Event endpoint = stream.nextEvent();
    assertThat(endpoint.event()).isEqualTo("endpoint");
    assertThat(endpoint.data()).matches("/messages\\?sessionId=[A-Za-z0-9_-]{22}");
    assertThat(handler.sessionCount()).isEqualTo(1);
    assertThat(opened).hasSize(1);
  }

  @Test
  void theEndpointEventNamesTheConfiguredPaths() throws Exception {
    LegacySseHandler proxied =
        new LegacySseHandler(
            (principal, notifications) ->
                SessionFactory.Opened.of(
                    McpSession.builder().serverInfo("t", "1").outbound(notifications).build()),
            request -> new Authentication.Granted(McpPrincipal.of("Alice", List.of(), "alice")),
            ToolScopes.NONE,
            () -> METADATA,
            origin -> false,
            StreamableHttpLimits.defaults(),
            "/legacy/sse",
            "/legacy/messages",
            "/gw/legacy/messages");
    Server other = new Server();
    ServerConnector connector = new ServerConnector(other);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    other.addConnector(connector);
    other.setHandler(proxied);
    other.start();
    try {
      URI sse = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/legacy/sse");
      SseReader stream = SseReader.open(client, HttpRequest.newBuilder(sse).GET().build());
      readers.add(stream);
      Event endpoint = stream.nextEvent();
      assertThat(endpoint.event()).isEqualTo("endpoint");
      assertThat(endpoint.data()).startsWith("/gw/legacy/messages?sessionId=");
      String query = endpoint.data().substring(endpoint.data().indexOf('?'));
      HttpRequest message =
          HttpRequest.newBuilder(sse.resolve("/legacy/messages" + query))
              .header("Content-Type", JSON)
              .POST(HttpRequest.BodyPublishers.ofString(initialize(1)))
              .build();
      assertThat(client.send(message, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(202);
      assertThat(stream.nextMessage().path("id").asInt()).isEqualTo(1);
      stream.close();
    } finally {
      other.stop();
    }
  }

  @Test
  void initializeListAndCallRoundTripThroughTheStream() throws Exception {
    SseReader stream = openStream("alice");
    String endpoint = stream.nextEvent().data();

    HttpResponse<String> init = post(endpoint, JSON, initialize(1), "alice");
    assertThat(init.statusCode()).isEqualTo(202);
    assertThat(init.body()).isEmpty();
    JsonNode initAnswer = stream.nextMessage();
    assertThat(initAnswer.path("id").asInt()).isEqualTo(1);
    assertThat(initAnswer.path("result").path("protocolVersion").asString())
        .isEqualTo("2024-11-05");

    assertThat(post(endpoint, JSON, initialized(), "alice").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> opened.get(0).clientReady());

    assertThat(post(endpoint, JSON, request(2, "tools/list", "{}"), "alice").statusCode())
        .isEqualTo(202);
    JsonNode list = stream.nextMessage();
    assertThat(list.path("id").asInt()).isEqualTo(2);
    assertThat(list.path("result").path("tools").size()).isEqualTo(2);

    assertThat(post(endpoint, JSON, callEcho(3, "hi"), "alice").statusCode()).isEqualTo(202);
    JsonNode call = stream.nextMessage();
    assertThat(call.path("id").asInt()).isEqualTo(3);
    assertThat(call.path("result").path("content").get(0).path("text").asString())
        .isEqualTo("echo: hi");
  }

  @Test
  void aPostIsAcceptedWithoutWaitingForTheAnswer() throws Exception {
    SseReader stream = openStream("alice");
    String endpoint = stream.nextEvent().data();
    post(endpoint, JSON, initialize(1), "alice");
    stream.nextMessage();

    HttpResponse<String> call = post(endpoint, JSON, callBlock(7), "alice");
    assertThat(call.statusCode()).isEqualTo(202);
    assertThat(blockStarted.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(stream.nextLine()).isEqualTo(": keep-alive"); // still running: no answer yet
    blockRelease.countDown();
    JsonNode answer = stream.nextMessage();
    assertThat(answer.path("id").asInt()).isEqualTo(7);
    assertThat(answer.toString()).contains("released");
  }

  @Test
  void serverNotificationsGoOnTheStream() throws Exception {
    SseReader stream = openStream("alice");
    stream.nextEvent();
    ObjectNode params = Json.mapper().createObjectNode().put("content", "hello");
    opened.get(0).notify("notifications/claude/channel", params);
    JsonNode message = stream.nextMessage();
    assertThat(message.path("method").asString()).isEqualTo("notifications/claude/channel");
    assertThat(message.path("params").path("content").asString()).isEqualTo("hello");
  }

  @Test
  void batchesAreAnsweredOnTheStream() throws Exception {
    SseReader stream = openStream("alice");
    String endpoint = stream.nextEvent().data();
    post(endpoint, JSON, initialize(1), "alice");
    stream.nextMessage();
    String batch = "[" + request(2, "ping", "{}") + "," + initialized() + "]";
    assertThat(post(endpoint, JSON, batch, "alice").statusCode()).isEqualTo(202);
    JsonNode answer = stream.nextMessage();
    assertThat(answer.isArray() ? answer.get(0).path("id").asInt() : answer.path("id").asInt())
        .isEqualTo(2);
  }

  // ---- sessions ----

  @Test
  void unknownSessionsAre404AndMissingOrMalformedIdsAre400() throws Exception {
    assertThat(post("/messages?sessionId=AAAAAAAAAAAAAAAAAAAAAA", JSON, ping(), "alice"))
        .satisfies(response -> {
          assertThat(response.statusCode()).isEqualTo(404);
          assertThat(response.body()).contains("Session not found");
        });
    assertThat(post("/messages", JSON, ping(), "alice").statusCode()).isEqualTo(400);
    assertThat(post("/messages?sessionId=", JSON, ping(), "alice").statusCode()).isEqualTo(400);
    assertThat(post("/messages?sessionId=a%2Fb", JSON, ping(), "alice").statusCode())
        .isEqualTo(400);
    SseReader stream = openStream("alice");
    String id = sessionIdOf(stream.nextEvent().data());
    String twice = "/messages?sessionId=" + id + "&sessionId=" + id;
    assertThat(post(twice, JSON, ping(), "alice").statusCode()).isEqualTo(400);
  }

  @Test
  void anotherPrincipalsSessionIsNotFound() throws Exception {
    SseReader stream = openStream("alice");
    String endpoint = stream.nextEvent().data();
    HttpResponse<String> foreign = post(endpoint, JSON, initialize(1), "bob");
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).contains("Session not found");
    assertThat(post(endpoint, JSON, initialize(1), "alice").statusCode()).isEqualTo(202);
    JsonNode answer = stream.nextMessage();
    assertThat(answer.path("id").asInt()).isEqualTo(1); // bob's initialize was never handled
  }

  @Test
  void aToolCallWithoutItsScopesIs403AndIsNotDispatched() throws Exception {
    SseReader stream = openStream("alice");
    String endpoint = stream.nextEvent().data();
    post(endpoint, JSON, initialize(1), "alice");
    stream.nextMessage();
    String secret = request(11, "tools/call", "{\"name\":\"secret\",\"arguments\":{}}");

    HttpResponse<String> refused = post(endpoint, JSON, secret, "alice");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(challenge ->
            assertThat(challenge)
                .startsWith("Bearer error=\"insufficient_scope\"")
                .contains("scope=\"operator.admin\"")
                .contains("resource_metadata=\"" + METADATA + "\""));
    JsonNode body = Json.mapper().readTree(refused.body());
    assertThat(body.path("id").asInt()).isEqualTo(11);
    assertThat(body.path("error").path("data").path("requiredScopes").get(0).asString())
        .isEqualTo("operator.admin");

    // With the scope, the call reaches the session (which knows no such tool), and it is the first
    // answer on the stream since initialize: the refused call was never dispatched.
    assertThat(post(endpoint, JSON, secret, "alice-admin").statusCode()).isEqualTo(202);
    JsonNode answer = stream.nextMessage();
    assertThat(answer.path("id").asInt()).isEqualTo(11);
  }

  @Test
  void otherScopesOfTheOwnerAreReportedToTheSession() throws Exception {
    SseReader stream = openStream("alice");
    String endpoint = stream.nextEvent().data();
    assertThat(post(endpoint, JSON, ping(), "alice").statusCode()).isEqualTo(202);
    assertThat(principalChanges).isEmpty();
    assertThat(post(endpoint, JSON, ping(), "alice-admin").statusCode()).isEqualTo(202);
    assertThat(post(endpoint, JSON, ping(), "alice-admin").statusCode()).isEqualTo(202);
    assertThat(principalChanges).hasSize(1);
    assertThat(principalChanges.get(0).scopes().names()).containsExactly("operator.admin");
    assertThat(post(endpoint, JSON, ping(), "alice").statusCode()).isEqualTo(202);
    assertThat(principalChanges).hasSize(2);
    assertThat(principalChanges.get(1).scopes().isEmpty()).isTrue();
  }

  @Test
  void sessionIdsDiffer() throws Exception {
    String one = openStream("alice").nextEvent().data();
    String two = openStream("alice").nextEvent().data();
    assertThat(one).isNotEqualTo(two);
  }

  @Test
  void tooManyStreamsIs503() throws Exception {
    for (int i = 0; i < 3; i++) {
      openStream("alice").nextEvent();
    }
    HttpResponse<String> response =
        client.send(base("/sse", "alice").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void aClientDisconnectClosesTheSession() throws Exception {
    String endpoint;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer alice\r\n"
                  + "Accept: text/event-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).startsWith("HTTP/1.1 200");
      String line;
      do {
        line = in.readLine();
        assertThat(line).isNotNull();
      } while (!line.startsWith("data: "));
      endpoint = line.substring("data: ".length());
      assertThat(handler.sessionCount()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> released.contains("alice"));
    assertThat(handler.sessionCount()).isZero();
    assertThat(post(endpoint, JSON, ping(), "alice").statusCode()).isEqualTo(404);
  }

  @Test
  void stoppingTheHandlerEndsOpenStreams() throws Exception {
    SseReader alice = openStream("alice");
    SseReader bob = openStream("bob");
    String endpoint = alice.nextEvent().data();
    bob.nextEvent();
    handler.stop();
    assertThat(alice.nextNonCommentLine()).isNull();
    assertThat(bob.nextNonCommentLine()).isNull();
    assertThat(released).containsExactlyInAnyOrder("alice", "bob");
    assertThat(handler.sessionCount()).isZero();
    assertThat(post(endpoint, JSON, ping(), "alice").statusCode()).isEqualTo(503);
  }

  // ---- checks ----

  @Test
  void noCredentialsIs401WithAChallenge() throws Exception {
    HttpResponse<String> get =
        client.send(base("/sse", null).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(401);
    assertThat(get.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer resource_metadata=\"" + METADATA + "\"");
    HttpResponse<String> post = post("/messages?sessionId=abc", JSON, ping(), null);
    assertThat(post.statusCode()).isEqualTo(401);
    assertThat(post.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(opened).isEmpty();
  }

  @Test
  void aHostileOriginIs403() throws Exception {
    HttpRequest hostile =
        base("/sse", "alice").header("Origin", "https://evil.example").GET().build();
    HttpResponse<String> response = client.send(hostile, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(opened).isEmpty();

    HttpRequest allowed =
        base("/sse", "alice").header("Origin", "https://ok.example").GET().build();
    SseReader stream = SseReader.open(client, allowed);
    readers.add(stream);
    assertThat(stream.status).isEqualTo(200);
    assertThat(stream.headers.firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://ok.example");
    String endpoint = stream.nextEvent().data();
    HttpRequest hostilePost =
        base(endpoint, "alice")
            .header("Origin", "https://evil.example")
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofString(ping()))
            .build();
    assertThat(client.send(hostilePost, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void aFailureIs500WithTheCorsHeadersAndNoStackTrace() throws Exception {
    LegacySseHandler failing =
        new LegacySseHandler(
            (principal, notifications) -> {
              throw new IllegalStateException("the session store is gone");
            },
            request -> new Authentication.Granted(McpPrincipal.of("Alice", List.of(), "alice")),
            ToolScopes.NONE,
            () -> METADATA,
            origin -> origin.equals("https://ok.example"),
            StreamableHttpLimits.defaults(),
            "/sse",
            "/messages",
            "/messages");
    Server other = new Server();
    try {
      int otherPort = McpHttpTesting.start(other, failing);
      HttpRequest get =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otherPort + "/sse"))
              .header("Origin", "https://ok.example")
              .GET()
              .build();
      HttpResponse<String> response = client.send(get, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://ok.example");
      assertThat(response.body()).doesNotContain("Exception", "session store", "\tat ");
    } finally {
      other.stop();
    }
  }

  @Test
  void aPreflightIsAnsweredWithoutCredentials() throws Exception {
    HttpRequest preflight =
        base("/messages?sessionId=abc", null)
            .header("Origin", "https://ok.example")
            .header("Access-Control-Request-Method", "POST")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = client.send(preflight, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://ok.example");
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValueSatisfying(methods -> assertThat(methods).contains("POST"));
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValueSatisfying(
            headers -> assertThat(headers).contains("Authorization").contains("Content-Type"));
  }

  @Test
  void anOversizedBodyIs413AWrongContentTypeIs415AndBadJsonIs400() throws Exception {
    SseReader stream = openStream("alice");
    String endpoint = stream.nextEvent().data();
    assertThat(post(endpoint, JSON, callEcho(9, "x".repeat(5000)), "alice").statusCode())
        .isEqualTo(413);
    assertThat(post(endpoint, "text/plain", ping(), "alice").statusCode()).isEqualTo(415);
    assertThat(post(endpoint, "application/json; charset=utf-8", ping(), "alice").statusCode())
        .isEqualTo(202);
    HttpResponse<String> bad = post(endpoint, JSON, "{\"jsonrpc\":", "alice");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Json.mapper().readTree(bad.body()).path("error").path("code").asInt())
        .isEqualTo(-32700);
  }

  @Test
  void wrongMethodsAre405AndOtherPathsAre404() throws Exception {
    HttpResponse<String> postSse = post("/sse", JSON, ping(), "alice");
    assertThat(postSse.statusCode()).isEqualTo(405);
    assertThat(postSse.headers().firstValue("Allow")).hasValue("GET");
    HttpResponse<String> getMessages =
        client.send(base("/messages", "alice").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(getMessages.statusCode()).isEqualTo(405);
    assertThat(getMessages.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> other =
        client.send(base("/other", "alice").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
  }

  // ---- helpers ----

  private static String sessionIdOf(String endpoint) {
    return endpoint.substring(endpoint.indexOf("sessionId=") + "sessionId=".length());
  }

  private SseReader openStream(String principal) throws Exception {
    SseReader reader =
        SseReader.open(
            client, base("/sse", principal).header("Accept", "text/event-stream").GET().build());
    readers.add(reader);
    return reader;
  }

  private HttpResponse<String> post(
      String pathAndQuery, String contentType, String json, @Nullable String principal)
      throws Exception {
    HttpRequest request =
        base(pathAndQuery, principal)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder base(String pathAndQuery, @Nullable String principal) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(root.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10));
    if (principal != null) {
      builder.header("Authorization", "Bearer " + principal);
    }
    return builder;
  }

  private static String initialize(int id) {
    return request(
        id,
        "initialize",
        "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"old-client\",\"version\":\"1\"}}");
  }

  private static String initialized() {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  }

  private static String ping() {
    return request(5, "ping", "{}");
  }

  private static String callEcho(int id, String text) {
    return request(
        id, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"text\":\"" + text + "\"}}");
  }

  private static String callBlock(int id) {
    return request(id, "tools/call", "{\"name\":\"block\",\"arguments\":{}}");
  }
}
