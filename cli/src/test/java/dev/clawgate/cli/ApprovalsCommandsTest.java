package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate approvals} run as a subprocess against a real gateway process, with a real
 * requester waiting on it; and with the gateway stopped, where there is nothing to answer.
 */
class ApprovalsCommandsTest {
  private static final String TOKEN = "approvals-commands-test-token-5a8e1c";
  private static final Duration START = Duration.ofSeconds(30);

  @TempDir Path temp;

  @Test
  void listAllowAndDenyTheApprovalsARequesterWaitsOn() throws Exception {
    Path stateDir = stateDir();
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START);
        GatewayClient requester = GatewayClient.connect(requester(gateway.url()))) {
      ObjectNode ask =
          params().put("command", "rm -rf ./build").put("agentId", "main").put("twoPhase", true);
      String execId = requester.call("exec.approval.request", ask).path("id").asString();
      String pluginId =
          requester
              .call(
                  "plugin.approval.request",
                  params()
                      .put("title", "Post the release notes")
                      .put("description", "The notifier plugin wants to post to #releases")
                      .put("severity", "warning")
                      .put("twoPhase", true))
              .path("id")
              .asString();

      CliProcess.Result listed = cli(stateDir, "approvals", "list", "--json");
      assertThat(listed.exitCode()).as(listed.toString()).isZero();
      JsonNode json = Json.mapper().readTree(listed.out());
      assertThat(json.path("source").asString()).isEqualTo("gateway");
      assertThat(json.path("exec").get(0).path("id").asString()).isEqualTo(execId);
      assertThat(json.path("exec").get(0).path("request").path("command").asString())
          .isEqualTo("rm -rf ./build");
      assertThat(json.path("plugin").get(0).path("id").asString()).isEqualTo(pluginId);

      CliProcess.Result table = cli(stateDir, "approvals", "list");
      assertThat(table.exitCode()).as(table.toString()).isZero();
      assertThat(table.out())
          .contains(execId.substring(0, 8))
          .contains("rm -rf ./build")
          .contains(pluginId.substring(0, "plugin:".length() + 8))
          .contains("Post the release notes")
          .contains("clawgate approvals allow <id>");
      assertThat(table.out().lines())
          .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));

      CliProcess.Result allowed =
          cli(stateDir, "approvals", "allow", execId.substring(0, 8), "--always", "--json");
      assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
      JsonNode allowedJson = Json.mapper().readTree(allowed.out());
      assertThat(allowedJson.path("kind").asString()).isEqualTo("exec");
      assertThat(allowedJson.path("id").asString()).isEqualTo(execId);
      assertThat(allowedJson.path("decision").asString()).isEqualTo("allow-always");
      JsonNode decided = requester.call("exec.approval.waitDecision", params().put("id", execId));
      assertThat(decided.path("decision").asString()).isEqualTo("allow-always");
      assertThat(decided.path("resolvedBy").asString()).isEqualTo(GatewayTarget.CLIENT_NAME);
      // The rule it recorded answers the same request from the same agent without asking.
      JsonNode again = requester.call("exec.approval.request", ask);
      assertThat(again.path("status").asString()).isEqualTo("resolved");
      assertThat(again.path("decision").asString()).isEqualTo("allow-always");

      CliProcess.Result denied =
          cli(stateDir, "approvals", "deny", pluginId.substring(0, "plugin:".length() + 8));
      assertThat(denied.exitCode()).as(denied.toString()).isZero();
      assertThat(denied.out()).contains("Denied plugin approval " + pluginId + ".");

      CliProcess.Result twice = cli(stateDir, "approvals", "deny", execId);
      assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(Main.FAILED);
      assertThat(twice.err())
          .contains("already resolved by " + GatewayTarget.CLIENT_NAME + " with allow-always")
          .doesNotContain("Exception");
      CliProcess.Result unknown = cli(stateDir, "approvals", "allow", "no-such-approval");
      assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(Main.FAILED);
      assertThat(unknown.err()).contains("no-such-approval");

      CliProcess.Result history = cli(stateDir, "approvals", "list", "--all");
      assertThat(history.exitCode()).as(history.toString()).isZero();
      assertThat(history.out())
          .contains("No pending approvals.")
          .contains("Resolved in the last 24 hours (3)")
          .contains("allow-always")
          .contains("deny");
      assertThat(history.out().lines())
          .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }
  }

  @Test
  void withTheGatewayStoppedApprovalsExitThreeAndTouchNothing() throws Exception {
    Path stateDir = stateDir();
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      assertThat(gateway.url()).startsWith("ws://");
    }
    List<String> before = files(stateDir);

    for (String[] command :
        List.of(
            new String[] {"approvals", "list"},
            new String[] {"approvals", "allow", "6f1c2a9e", "--always", "--json"})) {
      CliProcess.Result result = cli(stateDir, command);
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.UNREACHABLE);
      assertThat(result.err())
          .contains("approvals need the running gateway")
          .contains("clawgate gateway run")
          .doesNotContain("Exception");
      assertThat(result.out()).isEmpty();
    }
    assertThat(files(stateDir)).isEqualTo(before);
  }

  private Path stateDir() throws IOException {
    Path stateDir = temp.resolve("state");
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { port: " + freePort() + ", auth: { token: \"" + TOKEN + "\" } } }",
        StandardCharsets.UTF_8);
    return stateDir;
  }

  private static ClientOptions requester(String url) {
    return ClientOptions.builder()
        .url(GatewayUrl.parse(url))
        .token(TOKEN)
        .scopes("operator.approvals")
        .build();
  }

  private static ObjectNode params() {
    return Json.mapper().createObjectNode();
  }

  /** The state dir's files with their sizes and times: what a command must not change. */
  private static List<String> files(Path dir) throws IOException {
    List<String> listed = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted().toList()) {
        listed.add(
            dir.relativize(p)
                + " "
                + (Files.isRegularFile(p) ? Files.size(p) : -1)
                + " "
                + Files.getLastModifiedTime(p));
      }
    }
    return listed;
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
}
