package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate tokens create|list|revoke} run as subprocesses against a real gateway process
 * (auth mode token) and against its state dir while it is stopped; each token is then tried as a
 * bearer at the gateway's {@code /mcp}.
 */
class TokensCommandTest {
  private static final String SHARED = "tokens-command-test-token-0123456789";
  private static final Duration START = Duration.ofSeconds(30);
  private static final Pattern TOKEN = Pattern.compile("cgt_[A-Za-z0-9_-]+");

  @TempDir Path temp;

  @Test
  void aTokenMadeThroughTheGatewayIsShownOnceWorksAtMcpAndStopsWhenRevoked() throws Exception {
    Path stateDir = stateDir();
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      CliProcess.Result created =
          cli(
              stateDir,
              "tokens",
              "create",
              "--name",
              "codex",
              "--scope",
              "read",
              "--scope",
              "operator.write");
      assertThat(created.exitCode()).as(created.toString()).isZero();
      List<String> values = tokens(created.out());
      assertThat(values).as(created.toString()).hasSize(1);
      String token = values.get(0);
      assertThat(created.out())
          .contains("shown once; store it now")
          .contains("Created token 'codex' (token-")
          .contains("scopes: operator.read, operator.write")
          .contains("never expires")
          .contains("Authorization: Bearer <token>")
          .contains("bearer_token_env_var")
          .doesNotContain(SHARED);
      assertThat(created.err()).doesNotContain(token);

      CliProcess.Result list = cli(stateDir, "tokens", "list");
      assertThat(list.exitCode()).as(list.toString()).isZero();
      assertThat(list.out())
          .contains("Tokens (1)")
          .contains("codex")
          .contains("read,write")
          .doesNotContain("cgt_");
      assertThat(list.out().lines())
          .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
      JsonNode listed = json(cli(stateDir, "tokens", "list", "--json"));
      assertThat(listed.path("source").asString()).isEqualTo("gateway");
      JsonNode entry = listed.path("tokens").get(0);
      assertThat(entry.path("name").asString()).isEqualTo("codex");
      assertThat(DevicesApproveCommand.names(entry.path("scopes")))
          .containsExactly("operator.read", "operator.write");
      assertThat(listed.toString()).doesNotContain("cgt_");
      String deviceId = entry.path("deviceId").asString();
      assertThat(deviceId).startsWith("token-");

      Mcp mcp = new Mcp(gateway.url());
      assertThat(mcp.initialize(null).statusCode()).isEqualTo(401);
      HttpResponse<String> accepted = mcp.initialize(token);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      assertThat(accepted.headers().firstValue("Mcp-Session-Id")).isPresent();

      JsonNode devices = json(cli(stateDir, "devices", "list", "--json"));
      JsonNode device = devices.path("paired").get(0);
      assertThat(device.path("deviceId").asString()).isEqualTo(deviceId);
      assertThat(device.path("kind").asString()).isEqualTo("token");
      CliProcess.Result human = cli(stateDir, "devices", "list");
      assertThat(human.out())
          .containsPattern("token-[0-9a-f]{8}\\s+codex\\s+\\S+( ago)?\\s+token\\s")
          .doesNotContain("cgt_");

      CliProcess.Result revoked = cli(stateDir, "tokens", "revoke", "codex", "--json");
      assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
      JsonNode answer = Json.mapper().readTree(revoked.out());
      assertThat(answer.path("status").asString()).isEqualTo("revoked");
      assertThat(answer.path("deviceId").asString()).isEqualTo(deviceId);
      assertThat(mcp.initialize(token).statusCode()).isEqualTo(401);

      CliProcess.Result again = cli(stateDir, "tokens", "revoke", "codex");
      assertThat(again.exitCode()).as(again.toString()).isEqualTo(Main.FAILED);
      assertThat(again.err())
          .contains("no static token has the id or name 'codex'")
          .doesNotContain("Exception");
      assertThat(cli(stateDir, "tokens", "list").out()).contains("No tokens.");
    }
  }

  @Test
  void aTokenMadeWhileTheGatewayIsStoppedWorksOnceItStarts() throws Exception {
    Path stateDir = stateDir();
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      assertThat(gateway.url()).isNotEmpty(); // the state dir now holds a database
    }

    long before = System.currentTimeMillis();
    CliProcess.Result created =
        cli(
            stateDir,
            "tokens",
            "create",
            "--name",
            "prometheus",
            "--scope",
            "read",
            "--expires-in",
            "90d",
            "--json");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.err()).contains("gateway not running; applied to " + stateDir + " directly");
    JsonNode result = Json.mapper().readTree(created.out());
    assertThat(result.path("source").asString()).isEqualTo("state-dir");
    assertThat(result.path("name").asString()).isEqualTo("prometheus");
    String token = result.path("token").asString();
    assertThat(token).startsWith("cgt_");
    assertThat(tokens(created.out())).containsExactly(token);
    assertThat(created.err()).doesNotContain(token);
    assertThat(DevicesApproveCommand.names(result.path("scopes"))).containsExactly("operator.read");
    assertThat(result.path("expiresAtMs").asLong())
        .isBetween(
            before + Duration.ofDays(90).toMillis(), before + Duration.ofDays(91).toMillis());
    String deviceId = result.path("deviceId").asString();

    JsonNode offline = json(cli(stateDir, "tokens", "list", "--json"));
    assertThat(offline.path("source").asString()).isEqualTo("state-dir");
    assertThat(offline.path("tokens")).hasSize(1);
    assertThat(offline.path("tokens").get(0).path("deviceId").asString()).isEqualTo(deviceId);

    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Mcp mcp = new Mcp(gateway.url());
      HttpResponse<String> accepted = mcp.initialize(token);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      assertThat(accepted.headers().firstValue("Mcp-Session-Id")).isPresent();

      JsonNode online = json(cli(stateDir, "tokens", "list", "--json"));
      assertThat(online.path("source").asString()).isEqualTo("gateway");
      assertThat(online.path("tokens").get(0).path("deviceId").asString()).isEqualTo(deviceId);

      // The short id the table shows names it too.
      String shortId = deviceId.substring(0, "token-".length() + 8);
      assertThat(cli(stateDir, "tokens", "list").out()).contains(shortId).doesNotContain(deviceId);
      CliProcess.Result revoked = cli(stateDir, "tokens", "revoke", shortId);
      assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
      assertThat(revoked.out()).contains("Revoked token 'prometheus' (" + deviceId + ")");
      assertThat(mcp.initialize(token).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void badScopesDurationsAndNamesAreRefusedPreciselyAndChangeNothing() throws Exception {
    Path stateDir = stateDir();
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      assertThat(gateway.url()).isNotEmpty();
    }
    // On the state dir directly: the same rules as through the gateway.
    CliProcess.Result first = create(stateDir, "ci", "approvals");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    JsonNode before = withoutSource(json(cli(stateDir, "tokens", "list", "--json")));
    assertThat(before.path("tokens")).hasSize(1);

    expectUsage(
        create(stateDir, "x", "admin"),
        "--scope admin: not a token scope; use operator.read, operator.write,"
            + " operator.approvals");
    expectUsage(
        create(stateDir, "x", "read,operator.pairing"),
        "--scope operator.pairing: not a token scope");
    expectUsage(
        create(stateDir, "x", "read", "--expires-in", "90"),
        "--expires-in 90: not a duration; use a whole number and a unit");
    expectUsage(
        create(stateDir, "x", "read", "--expires-in", "soon"), "--expires-in soon: not a duration");
    expectUsage(
        create(stateDir, "x", "read", "--expires-in", "10s"), "--expires-in 10s: too short");
    expectUsage(
        create(stateDir, "x", "read", "--expires-in", "99999d"), "--expires-in 99999d: too long");
    expectUsage(
        create(stateDir, "CI", "read"),
        "a token named 'CI' exists; revoke it first or choose another name");
    expectUsage(
        create(stateDir, "a/b", "read"), "must be 1 to 64 letters, digits, spaces or . _ @ : -");
    CliProcess.Result noScope = cli(stateDir, "tokens", "create", "--name", "x");
    assertThat(noScope.exitCode()).as(noScope.toString()).isEqualTo(Main.USAGE);
    assertThat(noScope.err()).contains("--scope");

    CliProcess.Result unknown = cli(stateDir, "tokens", "revoke", "nope");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(Main.FAILED);
    assertThat(unknown.err()).contains("no static token has the id or name 'nope'");

    assertThat(withoutSource(json(cli(stateDir, "tokens", "list", "--json")))).isEqualTo(before);
    assertThat(json(cli(stateDir, "devices", "list", "--json")).path("paired")).hasSize(1);
  }

  @Test
  void aStateDirWithNoStateIsReportedAndNotCreated() throws Exception {
    Path missing = temp.resolve("never-used");
    CliProcess.Result result = create(missing, "x", "read");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.UNREACHABLE);
    assertThat(result.err()).contains(missing + " holds no state yet");
    assertThat(missing).doesNotExist();
  }

  @Test
  void tablesFitEightyColumnsAndSayWhatKindEachDeviceIs() {
    JsonNode list =
        Json.mapper()
            .readTree(
                """
                {"tokens": [
                  {"deviceId": "token-0123456789abcdef01234567", "name": "prometheus",
                   "scopes": ["operator.read", "operator.write", "operator.approvals"],
                   "createdAtMs": 1000, "expiresAtMs": 8000000, "lastUsedAtMs": 3000000},
                  {"deviceId": "token-fedcba9876543210fedcba98", "name": "old",
                   "scopes": ["operator.read"], "createdAtMs": 1000, "expiresAtMs": 2000}]}
                """);
    String narrow = TokensListCommand.render(list, 3_601_000, false);
    assertThat(narrow)
        .contains("Tokens (2)")
        .contains("prometheus  token-01234567  1h ago   in 1h    10m ago    read,write,approvals")
        .contains("expired")
        .contains("never")
        .doesNotContain("0123456789abcdef01234567");
    assertThat(narrow.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    assertThat(TokensListCommand.render(list, 3_601_000, true))
        .contains("token-0123456789abcdef01234567");
    assertThat(TokensListCommand.render(Json.mapper().readTree("{\"tokens\": []}"), 0, false))
        .startsWith("No tokens.");

    JsonNode devices =
        Json.mapper()
            .readTree(
                """
                {"pending": [], "paired": [
                  {"deviceId": "token-0123456789abcdef01234567", "kind": "token",
                   "displayName": "prometheus", "roles": ["operator"],
                   "scopes": ["operator.read"]},
                  {"deviceId": "0123456789abcdef0123456789abcdef", "kind": "device",
                   "displayName": "laptop", "lastSeenAtMs": 1000, "roles": ["operator"],
                   "scopes": ["operator.read"]}]}
                """);
    String rendered = DevicesListCommand.render(devices, 3_601_000, false);
    assertThat(rendered)
        .contains("KIND")
        .containsPattern("token-01234567\\s+prometheus\\s+never\\s+token\\s+operator")
        .containsPattern("01234567\\s+laptop\\s+1h ago\\s+device\\s+operator");
  }

  @Test
  void durationsAndScopesParse() {
    assertThat(TokensCreateCommand.duration("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(TokensCreateCommand.duration("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(TokensCreateCommand.duration("90d")).isEqualTo(Duration.ofDays(90));
    assertThat(TokensCreateCommand.duration("2w")).isEqualTo(Duration.ofDays(14));
    assertThat(TokensCreateCommand.scopes(List.of("read", "operator.read", "Approvals")))
        .containsExactly("operator.read", "operator.approvals");
  }

  /** {@code clawgate tokens create --name <name> --scope <scope> <more...>}. */
  private static CliProcess.Result create(Path stateDir, String name, String scope, String... more)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("tokens", "create", "--name", name));
    args.add("--scope");
    args.add(scope);
    args.addAll(List.of(more));
    return cli(stateDir, args.toArray(String[]::new));
  }

  private static void expectUsage(CliProcess.Result result, String message) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.USAGE);
    assertThat(result.err()).as(result.toString()).contains(message).doesNotContain("Exception");
    assertThat(result.out()).doesNotContain("cgt_");
  }

  private static JsonNode withoutSource(JsonNode node) {
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.remove("source");
    return copy;
  }

  private static JsonNode json(CliProcess.Result result) throws IOException {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return Json.mapper().readTree(result.out());
  }

  private static List<String> tokens(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  /** A state dir whose config sets the shared token (auth mode token) and a free port. */
  private Path stateDir() throws IOException {
    Path stateDir = temp.resolve("state");
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { port: "
            + freePort()
            + ", auth: { mode: \"token\", token: \""
            + SHARED
            + "\" }, pairing: { autoApproveLocal: false } } }",
        StandardCharsets.UTF_8);
    return stateDir;
  }

  private static CliProcess.Result cli(Path stateDir, String... args)
      throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--state-dir");
    all.add(stateDir.toString());
    return CliProcess.run(Map.of(), all.toArray(String[]::new));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The gateway's {@code /mcp}, as an MCP client configured with a bearer header reaches it. */
  private static final class Mcp {
    private final URI endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    Mcp(String gatewayUrl) {
      URI ws = URI.create(gatewayUrl);
      this.endpoint = URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/mcp");
    }

    HttpResponse<String> initialize(@Nullable String token)
        throws IOException, InterruptedException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json, text/event-stream")
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                          + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                          + "\"clientInfo\":{\"name\":\"tokens-test\",\"version\":\"1\"}}}"));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
