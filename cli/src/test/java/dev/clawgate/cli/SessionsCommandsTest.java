package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate sessions}, {@code message send} and {@code channels status} as a user runs them:
 * subprocesses against real gateway processes, one with no channels and one with a webhook account
 * whose outbound URL is a local HTTP receiver. Exit codes, messages, JSON shapes and the text
 * tables; independent runs go in parallel to keep the whole class quick.
 */
class SessionsCommandsTest {
  private static final String TOKEN = "sessions-commands-test-token-0123456789";
  private static final String SECRET = "0123456789abcdef0123";
  private static final Duration START = Duration.ofSeconds(30);
  private static final String LAUNCHER_FLAGS =
      "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:UserThreadWaitAttemptsAtExit=0";
  private static final String PICKED_UP = "\\APicked up JAVA_TOOL_OPTIONS: [^\\n]*\\n";

  @TempDir static Path temp;
  private static Path bare;
  private static Path hooked;
  private static GatewayProcess bareGateway;
  private static GatewayProcess hookedGateway;
  private static HttpServer receiver;
  private static final List<String> received = new CopyOnWriteArrayList<>();

  /**
   * Two gateways, started at once: {@code bare} with no channels, {@code hooked} with the webhook
   * accounts {@code main} (its receiver answers 200) and {@code flaky} (answered 400).
   */
  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/out", exchange -> answer(exchange, 200));
    receiver.createContext("/refuse", exchange -> answer(exchange, 400));
    receiver.start();
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    bare = stateDir("bare", "");
    hooked =
        stateDir(
            "hooked",
            ", channels: { webhook: { main: { secret: \""
                + SECRET
                + "\", dmPolicy: \"open\", outboundUrl: \""
                + base
                + "/out\" }, flaky: { secret: \""
                + SECRET
                + "\", outboundUrl: \""
                + base
                + "/refuse\" } } }");
    try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<GatewayProcess> first = starts.submit(() -> GatewayProcess.start(bare, START));
      Future<GatewayProcess> second = starts.submit(() -> GatewayProcess.start(hooked, START));
      bareGateway = first.get();
      hookedGateway = second.get();
    }
  }

  private static void answer(HttpExchange exchange, int status) throws IOException {
    try (InputStream body = exchange.getRequestBody()) {
      received.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
    }
    byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, reply.length);
    exchange.getResponseBody().write(reply);
    exchange.close();
  }

  @AfterAll
  static void stop() {
    Stream.of(bareGateway, hookedGateway).filter(g -> g != null).forEach(GatewayProcess::close);
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  void usageErrorsExitTwoAndAStoppedGatewayExitsThreeLeavingTheStateDirAlone() throws Exception {
    Path nowhere = temp.resolve("nowhere");
    Path stopped = stateDir("stopped", "");
    List<CliProcess.Result> usage =
        runAll(
            nowhere,
            List.of(
                new String[] {"message", "send", "--to", "alice", "hello"},
                new String[] {"sessions", "list", "--limit", "0"}));
    List<CliProcess.Result> unreachable =
        runAll(
            stopped,
            List.of(
                new String[] {"sessions", "list"}, new String[] {"channels", "status", "--json"}));

    assertThat(usage).allSatisfy(r -> assertThat(r.exitCode()).as(r.toString()).isEqualTo(2));
    assertThat(usage.get(0).err()).contains("--channel");
    assertThat(usage.get(1).err()).isEqualTo("clawgate: --limit 0: give 1 to 1000\n");
    assertThat(nowhere).doesNotExist();

    assertThat(unreachable)
        .allSatisfy(r -> {
          assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.UNREACHABLE);
          assertThat(r.err())
              .contains("needs a running gateway")
              .contains("cannot connect to the gateway at ws://127.0.0.1:")
              .contains("start it with `clawgate gateway run`")
              .doesNotContain("\tat ");
          assertThat(r.out()).isEmpty();
        });
    assertThat(unreachable.get(0).err()).startsWith("clawgate: `clawgate sessions list` needs");
    try (Stream<Path> files = Files.list(stopped)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("clawgate.json");
    }
  }

  @Test
  void anEmptyGatewayListsNothingAndNamesWhatIsMissing() throws Exception {
    List<CliProcess.Result> results =
        runAll(
            bare,
            List.of(
                new String[] {"sessions", "list", "--json"},
                new String[] {"sessions", "show", "agent:main:webhook:dm:nobody"},
                new String[] {"message", "send", "--channel", "nope", "--to", "x", "hi", "--json"},
                new String[] {"channels", "status", "--json"}));

    CliProcess.Result list = results.get(0);
    assertThat(list.exitCode()).as(list.toString()).isZero();
    JsonNode page = Json.mapper().readTree(list.out());
    assertThat(page.path("source").asString()).isEqualTo("gateway");
    assertThat(page.path("total").asLong()).isZero();
    assertThat(page.path("sessions").isArray()).isTrue();
    assertThat(page.path("sessions")).isEmpty();

    CliProcess.Result missing = results.get(1);
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(Main.FAILED);
    assertThat(missing.err())
        .isEqualTo(
            "clawgate: no session agent:main:webhook:dm:nobody (list them with `clawgate sessions"
                + " list`)\n");
    assertThat(missing.out()).isEmpty();

    CliProcess.Result noChannel = results.get(2);
    assertThat(noChannel.exitCode()).as(noChannel.toString()).isEqualTo(Main.FAILED);
    assertThat(noChannel.err()).contains("no channel nope is configured on this gateway");
    assertThat(noChannel.out()).isEmpty();

    CliProcess.Result status = results.get(3);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    JsonNode channels = Json.mapper().readTree(status.out());
    assertThat(channels.propertyNames())
        .contains("source", "ts", "channelOrder", "channelAccounts", "channelDefaultAccountId");
    assertThat(channels.path("source").asString()).isEqualTo("gateway");
    assertThat(channels.path("channelOrder")).isEmpty();
    assertThat(status.out()).doesNotContain(TOKEN);
  }

  @Test
  void aWebhookConversationIsListedAnsweredOnItsRouteOnceAndShown() throws Exception {
    String key = inbound("e-1", "alice", "Alice", "can you send the invoice?");
    assertThat(key).isEqualTo("agent:main:webhook:dm:alice");

    CliProcess.Result list = cli(hooked, "sessions", "list", "--search", "alice");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out())
        .startsWith("  KEY ")
        .containsPattern(key + " +webhook +\\d+s ago +Alice\n")
        .endsWith("1 of 1 sessions\n");

    int before = received.size();
    CliProcess.Result sent =
        cli(hooked, "sessions", "send", key, "here", "it", "is", "--idempotency-key", "k-1");
    assertThat(sent.exitCode()).as(sent.toString()).isZero();
    assertThat(sent.out()).isEqualTo("sent to webhook:alice (1 part(s), account main)\n");
    assertThat(received).hasSize(before + 1);
    assertThat(received.getLast()).contains("here it is");

    List<CliProcess.Result> more =
        runAll(
            hooked,
            List.of(
                new String[] {
                  "sessions", "send", key, "here", "it", "is", "--idempotency-key", "k-1"
                },
                new String[] {
                  "message",
                  "send",
                  "--channel",
                  "webhook",
                  "--account",
                  "main",
                  "--to",
                  "bob",
                  "hi",
                  "bob",
                  "--json"
                }));
    CliProcess.Result again = more.get(0);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out())
        .isEqualTo(
            "already sent to webhook:alice (1 part(s), account main) with idempotency key k-1;"
                + " not sent again\n");
    CliProcess.Result direct = more.get(1);
    assertThat(direct.exitCode()).as(direct.toString()).isZero();
    JsonNode result = Json.mapper().readTree(direct.out());
    assertThat(result.path("source").asString()).isEqualTo("gateway");
    assertThat(result.path("ok").asBoolean()).isTrue();
    assertThat(result.path("to").asString()).isEqualTo("bob");
    assertThat(result.path("duplicate").asBoolean()).isFalse();
    assertThat(result.path("platformMessageIds")).hasSize(1);
    assertThat(result.path("idempotencyKey").asString()).hasSize(36);
    assertThat(received).hasSize(before + 2);

    List<CliProcess.Result> shown =
        runAll(
            hooked,
            List.of(
                new String[] {"sessions", "show", key},
                new String[] {"sessions", "show", key, "--json"}));
    CliProcess.Result show = shown.get(0);
    assertThat(show.exitCode()).as(show.toString()).isZero();
    assertThat(show.out())
        .startsWith("Session " + key + "\n  route    webhook:alice (account main)\n")
        .contains("  title    Alice\n  messages 2\n")
        .containsPattern("#1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  user +can you send")
        .contains("[image invoice.png 3 B]")
        .containsPattern("#2 .* assistant +here it is\n");
    JsonNode transcript = Json.mapper().readTree(shown.get(1).out());
    assertThat(transcript.propertyNames())
        .containsExactly("source", "session", "sessionId", "messages");
    assertThat(transcript.path("session").path("key").asString()).isEqualTo(key);
    assertThat(transcript.path("messages")).hasSize(2);
    assertThat(transcript.path("messages").get(1).path("__openclaw").path("seq").asLong())
        .isEqualTo(2);
  }

  @Test
  void aRouteLessSessionARefusedDeliveryAndAChannelInErrorAreExitOne() throws Exception {
    try (GatewayClient client =
        GatewayClient.connect(
            ClientOptions.builder()
                .url(GatewayUrl.parse(hookedGateway.url()))
                .token(TOKEN)
                .scopes("operator.read", "operator.write")
                .build())) {
      client.call(
          "chat.send",
          Json.mapper()
              .createObjectNode()
              .put("sessionKey", "agent:main:main")
              .put("message", "note to self")
              .put("idempotencyKey", "n-1"));
    }
    List<CliProcess.Result> results =
        runAll(
            hooked,
            List.of(
                new String[] {"sessions", "send", "agent:main:main", "hello"},
                new String[] {
                  "message",
                  "send",
                  "--channel",
                  "webhook",
                  "--account",
                  "flaky",
                  "--to",
                  "carol",
                  "hi"
                }));

    CliProcess.Result noRoute = results.get(0);
    assertThat(noRoute.exitCode()).as(noRoute.toString()).isEqualTo(Main.FAILED);
    assertThat(noRoute.err())
        .contains("session agent:main:main has no route to reply on")
        .contains("clawgate message send --channel");

    CliProcess.Result refused = results.get(1);
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(Main.FAILED);
    assertThat(refused.err()).contains("could not deliver").contains("HTTP 400");
    assertThat(refused.out()).isEmpty();

    CliProcess.Result status = cli(hooked, "channels", "status", "--wide");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(Main.FAILED);
    assertThat(status.out())
        .containsPattern("webhook +main +connected +")
        .containsPattern("webhook +flaky +error +never +never +.*HTTP 400")
        .doesNotContain(SECRET);
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** POSTs a signed direct message from {@code from} to the webhook account; returns its key. */
  private static String inbound(String id, String from, String name, String text) throws Exception {
    ObjectNode event = Json.mapper().createObjectNode().put("id", id).put("text", text);
    event.putObject("from").put("id", from).put("name", name);
    event
        .putArray("media")
        .addObject()
        .put("url", "https://files.example/invoice.png")
        .put("contentType", "image/png")
        .put("kind", "image")
        .put("fileName", "invoice.png")
        .put("sizeBytes", 3);
    String body = Json.mapper().writeValueAsString(event);
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
    String signature =
        "v1=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    URI hook = URI.create(hookedGateway.url().replaceFirst("^ws", "http") + "/hooks/main");
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(hook)
                  .header("Content-Type", "application/json")
                  .header("X-Clawgate-Timestamp", timestamp)
                  .header("X-Clawgate-Signature", signature)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return Json.mapper().readTree(response.body()).path("sessionKey").asString();
    }
  }

  /** A state dir whose config sets the token, a free port and {@code more} top-level config. */
  private static Path stateDir(String name, String more) throws IOException {
    Path stateDir = temp.resolve(name);
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { port: " + freePort() + ", auth: { token: \"" + TOKEN + "\" } }" + more + " }",
        StandardCharsets.UTF_8);
    return stateDir;
  }

  /**
   * Runs {@code clawgate <args> --state-dir <stateDir>} with the JVM flags the {@code clawgate}
   * launcher gives short commands (C1 only, serial GC, no wait at exit), which also keeps this
   * class quick; the JVM's note that it picked them up is not the command's output.
   */
  private static CliProcess.Result cli(Path stateDir, String... args)
      throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--state-dir");
    all.add(stateDir.toString());
    CliProcess.Result result =
        CliProcess.run(Map.of("JAVA_TOOL_OPTIONS", LAUNCHER_FLAGS), all.toArray(String[]::new));
    return new CliProcess.Result(
        result.exitCode(), result.out(), result.err().replaceFirst(PICKED_UP, ""));
  }

  /** Runs every command at once (they are independent); results in the order given. */
  private static List<CliProcess.Result> runAll(Path stateDir, List<String[]> commands)
      throws Exception {
    try (ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CliProcess.Result>> started = new ArrayList<>();
      for (String[] command : commands) {
        started.add(runs.submit(() -> cli(stateDir, command)));
      }
      List<CliProcess.Result> results = new ArrayList<>();
      for (Future<CliProcess.Result> run : started) {
        results.add(run.get());
      }
      return results;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
