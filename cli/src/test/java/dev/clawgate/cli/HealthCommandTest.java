package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code clawgate health} as a user runs it, against a real gateway process: the local gateway
 * found from the state dir, JSON output, and errors that name their cause and source with the exit
 * codes the CLI documents.
 */
class HealthCommandTest {
  private static final String TOKEN = "health-test-token-0123456789";

  @TempDir static Path temp;
  private static GatewayProcess gateway;
  private static Path stateDir;
  private static int port;

  @BeforeAll
  static void startGateway() throws IOException {
    stateDir = temp.resolve("state");
    Files.createDirectories(stateDir);
    port = freePort();
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { port: " + port + ", auth: { token: \"" + TOKEN + "\" } } }",
        StandardCharsets.UTF_8);
    gateway = GatewayProcess.start(stateDir, Duration.ofSeconds(30), port);
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  @Test
  void findsTheLocalGatewayAndItsSecretFromTheStateDir() throws Exception {
    CliProcess.Result result =
        CliProcess.run(Map.of(), "health", "--state-dir", stateDir.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .startsWith("gateway at ws://127.0.0.1:" + port + " is healthy (clawgate ");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void printsAStableJsonShapeWithoutSecrets() throws Exception {
    CliProcess.Result result =
        CliProcess.run(Map.of("CLAWGATE_STATE_DIR", stateDir.toString()), "health", "--json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode json = Json.mapper().readTree(result.out());
    assertThat(json.propertyNames()).containsExactly("ok", "url", "serverVersion", "roundTripMs");
    assertThat(json.path("ok").asBoolean()).isTrue();
    assertThat(json.path("url").asString()).isEqualTo("ws://127.0.0.1:" + port);
    assertThat(result.out()).doesNotContain(TOKEN);
  }

  @Test
  void aWrongTokenNamesWhereItCameFrom() throws Exception {
    Path tokenFile = temp.resolve("wrong-token");
    Files.writeString(tokenFile, "not-the-token\n", StandardCharsets.UTF_8);

    CliProcess.Result fromFile =
        CliProcess.run(
            Map.of(),
            "health",
            "--state-dir",
            stateDir.toString(),
            "--token-file",
            tokenFile.toString());
    CliProcess.Result fromEnv =
        CliProcess.run(
            Map.of("CLAWGATE_GATEWAY_TOKEN", "also-not-the-token"),
            "health",
            "--state-dir",
            stateDir.toString());

    assertThat(fromFile.exitCode()).as(fromFile.toString()).isEqualTo(Main.FAILED);
    assertThat(fromFile.err())
        .contains("clawgate sent the token from file " + tokenFile)
        .doesNotContain("not-the-token\n")
        .doesNotContain("\tat ");
    assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isEqualTo(Main.FAILED);
    assertThat(fromEnv.err())
        .contains("clawgate sent the token from env CLAWGATE_GATEWAY_TOKEN")
        .doesNotContain("also-not-the-token");
  }

  @Test
  void anUnreachableGatewayIsExitThreeWithTheAddressAndItsSource() throws Exception {
    int closed = freePort();
    CliProcess.Result result =
        CliProcess.run(
            Map.of(),
            "health",
            "--state-dir",
            stateDir.toString(),
            "--url",
            "ws://127.0.0.1:" + closed,
            "--timeout",
            "5");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.UNREACHABLE);
    assertThat(result.err())
        .contains("ws://127.0.0.1:" + closed)
        .contains("connection refused")
        .contains("address from flag --url")
        .doesNotContain("\tat ");
  }

  @Test
  void aBrokenConfigIsAUsageErrorNamingTheFile() throws Exception {
    Path broken = temp.resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("clawgate.json"), "{ gateway: { port: \"many\" } }");

    CliProcess.Result result = CliProcess.run(Map.of(), "health", "--state-dir", broken.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.USAGE);
    assertThat(result.err()).contains("clawgate.json").contains("port").doesNotContain("\tat ");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
