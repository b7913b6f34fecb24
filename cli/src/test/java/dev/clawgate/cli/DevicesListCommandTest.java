package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code clawgate devices list} run as a subprocess: from the running gateway, then from the state
 * dir once the gateway is gone, with the same JSON either way; human output that fits 80 columns.
 */
class DevicesListCommandTest {
  private static final String TOKEN = "devices-list-test-token-0123456789";

  @TempDir Path temp;

  @Test
  void listsAPendingRequestFromTheGatewayAndThenFromTheStateDir() throws Exception {
    Path stateDir = temp.resolve("state");
    Files.createDirectories(stateDir);
    int port = freePort();
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { port: "
            + port
            + ", auth: { token: \""
            + TOKEN
            + "\" }, pairing: { autoApproveLocal: false } } }",
        StandardCharsets.UTF_8);
    String requestId;
    JsonNode online;
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, Duration.ofSeconds(30), port)) {
      requestId = askToPair(gateway.url(), temp.resolve("device"));

      CliProcess.Result result =
          CliProcess.run(Map.of(), "devices", "list", "--json", "--state-dir", stateDir.toString());
      assertThat(result.exitCode()).as(result.toString()).isZero();
      online = Json.mapper().readTree(result.out());
      assertThat(online.path("source").asString()).isEqualTo("gateway");
      assertThat(online.path("pending")).hasSize(1);
      assertThat(online.path("pending").get(0).path("requestId").asString()).isEqualTo(requestId);
      assertThat(result.out()).doesNotContain(TOKEN);

      CliProcess.Result human =
          CliProcess.run(Map.of(), "devices", "list", "--state-dir", stateDir.toString());
      assertThat(human.exitCode()).as(human.toString()).isZero();
      assertThat(human.out())
          .contains("Pending requests (1)")
          .contains(requestId.substring(0, 8))
          .doesNotContain(requestId)
          .contains("operator read,write")
          .contains("Approve with: clawgate devices approve <request>")
          .contains("No paired devices.");
      assertThat(human.out().lines())
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
      assertThat(human.err()).isEmpty();
    }

    CliProcess.Result offline =
        CliProcess.run(Map.of(), "devices", "list", "--json", "--state-dir", stateDir.toString());
    assertThat(offline.exitCode()).as(offline.toString()).isZero();
    assertThat(offline.err()).contains("gateway not running; read " + stateDir + " directly");
    JsonNode fromDisk = Json.mapper().readTree(offline.out());
    assertThat(fromDisk.path("source").asString()).isEqualTo("state-dir");
    assertThat(fromDisk.path("pending")).isEqualTo(online.path("pending"));
    assertThat(fromDisk.path("paired")).isEqualTo(online.path("paired"));
  }

  @Test
  void anExplicitUrlThatDoesNotAnswerIsNotReplacedByTheStateDir() throws Exception {
    Path stateDir = temp.resolve("state");
    Files.createDirectories(stateDir);
    CliProcess.Result result =
        CliProcess.run(
            Map.of(),
            "devices",
            "list",
            "--state-dir",
            stateDir.toString(),
            "--url",
            "ws://127.0.0.1:" + freePort());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.UNREACHABLE);
    assertThat(result.err()).contains("connection refused").doesNotContain("directly");
  }

  @Test
  void tablesShortenIdsAndCutTheLastColumnToEightyColumns() {
    JsonNode list =
        Json.mapper()
            .readTree(
                """
                {"pending": [], "paired": [{"deviceId": "0123456789abcdef0123456789abcdef",
                  "displayName": "laptop", "lastSeenAtMs": 1000, "roles": ["operator"],
                  "scopes": ["operator.admin", "operator.approvals", "operator.pairing",
                             "operator.read", "operator.write", "operator.talk.secrets"]}]}
                """);

    String narrow = DevicesListCommand.render(list, 3_601_000, false);
    String wide = DevicesListCommand.render(list, 3_601_000, true);

    assertThat(narrow)
        .contains("No pending requests.")
        .contains("Paired devices (1)")
        .contains("01234567  laptop  1h ago")
        .doesNotContain("0123456789abcdef")
        .contains("…");
    assertThat(narrow.lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    assertThat(wide).contains("0123456789abcdef0123456789abcdef").contains("talk.secrets");
  }

  /** Connects as a new device asking for read and write; returns the pending request's id. */
  private static String askToPair(String url, Path deviceState) {
    ClientOptions options =
        ClientOptions.builder()
            .url(GatewayUrl.parse(url))
            .token(TOKEN)
            .deviceState(deviceState)
            .scopes("operator.read", "operator.write")
            .build();
    ClawgateException refused =
        (ClawgateException) catchThrowable(() -> GatewayClient.connect(options).close());
    assertThat(refused).isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.NOT_PAIRED);
    return String.valueOf(refused.details().get("requestId"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
