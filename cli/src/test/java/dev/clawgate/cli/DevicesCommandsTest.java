package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.client.IdentityStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every {@code clawgate devices} owner action, run as a subprocess against a real gateway process,
 * and against its state dir once the gateway is gone; the JSON shapes, the exit codes, and a change
 * made offline at the moment a gateway starts.
 */
class DevicesCommandsTest {
  private static final String TOKEN = "devices-commands-test-token-0123456789";
  private static final Duration START = Duration.ofSeconds(30);

  @TempDir Path temp;

  @Test
  void approveGrantsTheUnionOnceAndSaysSoWhenAskedAgain() throws Exception {
    Path stateDir = stateDir(false, "");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Device device = new Device(temp.resolve("device"), gateway.url());
      String requestId = device.askToPair("operator.read");

      CliProcess.Result approved = cli(stateDir, "devices", "approve", requestId, "--json");
      assertThat(approved.exitCode()).as(approved.toString()).isZero();
      JsonNode json = Json.mapper().readTree(approved.out());
      assertThat(json.path("source").asString()).isEqualTo("gateway");
      assertThat(json.path("status").asString()).isEqualTo("approved");
      assertThat(json.path("requestId").asString()).isEqualTo(requestId);
      assertThat(json.path("deviceId").asString()).isEqualTo(device.id());
      assertThat(DevicesApproveCommand.names(json.path("device").path("scopes")))
          .containsExactly("operator.read");
      assertThat(approved.out()).doesNotContain(TOKEN);
      assertThat(device.connects("operator.read")).isTrue();

      CliProcess.Result again = cli(stateDir, "devices", "approve", requestId);
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out()).contains("was already approved").contains("nothing changed");

      // The device asks for more: one approval by device id, and read is kept.
      String upgrade = device.askToPair("operator.read", "operator.write");
      CliProcess.Result byDevice = cli(stateDir, "devices", "approve", "--device", device.id());
      assertThat(byDevice.exitCode()).as(byDevice.toString()).isZero();
      assertThat(byDevice.out())
          .contains("Approved request " + upgrade)
          .contains("now holds operator read,write");
      assertThat(device.connects("operator.read", "operator.write")).isTrue();
      assertThat(device.connects("operator.read")).isTrue();
    }
  }

  @Test
  void anAmendedRequestNeedsYesAndShowsWhatApprovingAdds() throws Exception {
    Path stateDir = stateDir(false, "");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Device device = new Device(temp.resolve("device"), gateway.url());
      String requestId = device.askToPair("operator.read");
      assertThat(device.askToPair("operator.read", "operator.write")).isEqualTo(requestId);

      CliProcess.Result unconfirmed = cli(stateDir, "devices", "approve", requestId);
      assertThat(unconfirmed.exitCode()).as(unconfirmed.toString()).isEqualTo(Main.FAILED);
      assertThat(unconfirmed.err())
          .contains("was amended after it was first made (now revision 2)")
          .contains("approving adds operator.read, operator.write, role operator")
          .contains("Nothing was approved")
          .contains("clawgate devices approve " + requestId + " --yes")
          .doesNotContain("Exception");
      assertThat(pending(stateDir)).containsExactly(requestId);

      CliProcess.Result confirmed = cli(stateDir, "devices", "approve", requestId, "--yes");
      assertThat(confirmed.exitCode()).as(confirmed.toString()).isZero();
      assertThat(confirmed.out()).contains("Approved request " + requestId + " (revision 2)");
      assertThat(pending(stateDir)).isEmpty();
      assertThat(device.connects("operator.read", "operator.write")).isTrue();
    }
  }

  @Test
  void rejectedRequestsSaySoAndUnknownIdsAreNamed() throws Exception {
    Path stateDir = stateDir(false, "");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Device first = new Device(temp.resolve("first"), gateway.url());
      String rejectedId = first.askToPair("operator.read");
      CliProcess.Result rejected = cli(stateDir, "devices", "reject", rejectedId, "--json");
      assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
      JsonNode json = Json.mapper().readTree(rejected.out());
      assertThat(json.path("status").asString()).isEqualTo("rejected");
      assertThat(json.path("deviceId").asString()).isEqualTo(first.id());

      CliProcess.Result approveRejected = cli(stateDir, "devices", "approve", rejectedId);
      assertThat(approveRejected.exitCode()).as(approveRejected.toString()).isEqualTo(1);
      assertThat(approveRejected.err()).contains("rejected");

      CliProcess.Result unknown = cli(stateDir, "devices", "approve", "no-such-request");
      assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
      assertThat(unknown.err()).contains("no-such-request");

      CliProcess.Result both = cli(stateDir, "devices", "approve", rejectedId, "--device", "x");
      assertThat(both.exitCode()).as(both.toString()).isEqualTo(Main.USAGE);
    }
  }

  @Test
  void expiredRequestsSaySo() throws Exception {
    // A short lifetime, and nothing between the request and the wait that a slow machine could
    // stretch past it.
    Path stateDir = stateDir(false, ", pendingTtlMs: 1500");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Device device = new Device(temp.resolve("device"), gateway.url());
      String expiredId = device.askToPair("operator.read");
      Thread.sleep(2_000);
      CliProcess.Result approveExpired = cli(stateDir, "devices", "approve", expiredId);
      assertThat(approveExpired.exitCode()).as(approveExpired.toString()).isEqualTo(1);
      assertThat(approveExpired.err()).contains("expired");
    }
  }

  @Test
  void renameRotateRevokeRemoveAndHistory() throws Exception {
    Path stateDir = stateDir(false, "");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Device device = new Device(temp.resolve("device"), gateway.url());
      String requestId = device.askToPair("operator.read", "operator.write");
      assertThat(cli(stateDir, "devices", "approve", requestId).exitCode()).isZero();

      CliProcess.Result renamed =
          cli(stateDir, "devices", "rename", device.id(), "build box", "--json");
      assertThat(renamed.exitCode()).as(renamed.toString()).isZero();
      assertThat(Json.mapper().readTree(renamed.out()).path("label").asString())
          .isEqualTo("build box");

      CliProcess.Result rotated =
          cli(
              stateDir,
              "devices",
              "rotate",
              "--device",
              device.id(),
              "--role",
              "operator",
              "--scope",
              "operator.read",
              "--json");
      assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
      JsonNode token = Json.mapper().readTree(rotated.out());
      assertThat(DevicesApproveCommand.names(token.path("scopes")))
          .containsExactly("operator.read");
      assertThat(token.path("token").asString()).hasSizeGreaterThan(20);

      CliProcess.Result narrowOutside =
          cli(stateDir, "devices", "rotate", "--device", device.id(), "--scope", "operator.admin");
      assertThat(narrowOutside.exitCode()).as(narrowOutside.toString()).isEqualTo(1);
      assertThat(narrowOutside.err()).contains("operator.admin").doesNotContain("Exception");

      CliProcess.Result revoked =
          cli(stateDir, "devices", "revoke", "--device", device.id(), "--role", "operator");
      assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
      assertThat(revoked.out()).contains("Revoked the operator token of device " + device.id());

      CliProcess.Result removed = cli(stateDir, "devices", "remove", device.id(), "--json");
      assertThat(removed.exitCode()).as(removed.toString()).isZero();
      assertThat(Json.mapper().readTree(removed.out()).path("status").asString())
          .isEqualTo("removed");
      CliProcess.Result removedTwice = cli(stateDir, "devices", "remove", device.id());
      assertThat(removedTwice.exitCode()).as(removedTwice.toString()).isEqualTo(1);
      assertThat(removedTwice.err()).contains(device.id());

      CliProcess.Result history =
          cli(stateDir, "devices", "history", "--device", device.id(), "--json");
      assertThat(history.exitCode()).as(history.toString()).isZero();
      List<String> actions = new ArrayList<>();
      for (JsonNode entry : Json.mapper().readTree(history.out()).path("entries")) {
        actions.add(entry.path("action").asString());
        assertThat(entry.path("deviceId").asString()).isEqualTo(device.id());
      }
      assertThat(actions)
          .containsSubsequence(
              "device.remove", "token.revoke", "token.rotate", "device.rename", "pairing.approve");
      assertThat(history.out())
          .doesNotContain(token.path("token").asString())
          .doesNotContain(TOKEN);

      CliProcess.Result human =
          cli(stateDir, "devices", "history", "--action", "token.", "--since", "1h");
      assertThat(human.exitCode()).as(human.toString()).isZero();
      assertThat(human.out()).contains("token.revoke").contains("token.rotate");
      assertThat(human.out()).doesNotContain("pairing.approve");
      assertThat(human.out().lines())
          .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));

      CliProcess.Result byDevice = cli(stateDir, "devices", "history", "--device", device.id());
      assertThat(byDevice.out())
          .contains("device:" + device.id().substring(0, 8) + " ")
          .doesNotContain(device.id());
      assertThat(byDevice.out().lines())
          .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));

      CliProcess.Result badSince = cli(stateDir, "devices", "history", "--since", "yesterday");
      assertThat(badSince.exitCode()).as(badSince.toString()).isEqualTo(Main.USAGE);
    }
  }

  @Test
  void withTheGatewayStoppedTheChangeIsAppliedToTheStateDirAndHoldsOnRestart() throws Exception {
    Path stateDir = stateDir(false, "");
    String requestId;
    Path deviceState = temp.resolve("device");
    String deviceId;
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Device device = new Device(deviceState, gateway.url());
      requestId = device.askToPair("operator.read");
      deviceId = device.id();
    }

    CliProcess.Result offline = cli(stateDir, "devices", "approve", requestId, "--json");
    assertThat(offline.exitCode()).as(offline.toString()).isZero();
    assertThat(offline.err()).contains("gateway not running; applied to " + stateDir + " directly");
    assertThat(Json.mapper().readTree(offline.out()).path("source").asString())
        .isEqualTo("state-dir");

    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      assertThat(new Device(deviceState, gateway.url()).connects("operator.read")).isTrue();
      CliProcess.Result history = cli(stateDir, "devices", "history", "--json");
      JsonNode approval = Json.mapper().readTree(history.out()).path("entries").get(0);
      assertThat(history.out()).contains("\"actor\":\"owner:offline\"");
      assertThat(approval).isNotNull();
    }
    CliProcess.Result after = cli(stateDir, "devices", "list", "--json");
    assertThat(
            Json.mapper().readTree(after.out()).path("paired").get(0).path("deviceId").asString())
        .isEqualTo(deviceId);
  }

  @Test
  void anOfflineApprovalRacingAGatewayStartIsNeverLost() throws Exception {
    Path stateDir = stateDir(false, "");
    List<Device> devices = new ArrayList<>();
    List<String> requests = new ArrayList<>();
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      for (int i = 0; i < 4; i++) {
        Device device = new Device(temp.resolve("device-" + i), gateway.url());
        requests.add(device.askToPair("operator.read"));
        devices.add(device);
      }
    }
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      String requestId = requests.get(i);
      // The approval and a gateway start at the same moment, with the order left to chance.
      CompletableFuture<CliProcess.Result> approval =
          CompletableFuture.supplyAsync(
              () -> cliUnchecked(stateDir, "devices", "approve", requestId, "--json"));
      try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
        CliProcess.Result result = approval.join();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        sources.add(Json.mapper().readTree(result.out()).path("source").asString());
        Device device = devices.get(i).at(gateway.url());
        assertThat(device.connects("operator.read")).as("device %d after the race", i).isTrue();
        JsonNode list = Json.mapper().readTree(cli(stateDir, "devices", "list", "--json").out());
        assertThat(list.path("pending")).hasSize(requests.size() - i - 1);
      }
    }
    assertThat(sources).allSatisfy(s -> assertThat(s).isIn("gateway", "state-dir"));
  }

  @Test
  void aGatewayOnAnotherPortIsFoundAndASecondGatewayOnTheStateDirIsRefused() throws Exception {
    Path stateDir = stateDir(false, "");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START, freePort())) {
      CliProcess.Result list = cli(stateDir, "devices", "list", "--json");
      assertThat(list.exitCode()).as(list.toString()).isZero();
      assertThat(Json.mapper().readTree(list.out()).path("source").asString()).isEqualTo("gateway");

      IOException second =
          (IOException) catchThrowable(() -> GatewayProcess.start(stateDir, START, 0).close());
      assertThat(second).isNotNull();
      assertThat(second.getMessage())
          .contains("a gateway (pid")
          .contains("is using the state dir " + stateDir)
          .contains("clawgate gateway stop");
      assertThat(gateway.url()).startsWith("ws://127.0.0.1:");
    }
  }

  @Test
  void aStateDirWithNoStateIsReportedAndNotCreated() throws Exception {
    Path missing = temp.resolve("never-used");
    for (String[] command :
        List.of(new String[] {"devices", "list"}, new String[] {"devices", "reject", "r1"})) {
      CliProcess.Result result = cli(missing, command);
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.UNREACHABLE);
      assertThat(result.err()).contains(missing + " holds no state yet");
    }
    assertThat(missing).doesNotExist();
  }

  /** A state dir whose config sets the token, a fixed port and the pairing options given. */
  private Path stateDir(boolean autoApproveLocal, String morePairing) throws IOException {
    Path stateDir = temp.resolve("state");
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { port: "
            + freePort()
            + ", auth: { token: \""
            + TOKEN
            + "\" }, pairing: { autoApproveLocal: "
            + autoApproveLocal
            + morePairing
            + " } } }",
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

  private static CliProcess.Result cliUnchecked(Path stateDir, String... args) {
    try {
      return cli(stateDir, args);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> pending(Path stateDir) throws IOException, InterruptedException {
    JsonNode list = Json.mapper().readTree(cli(stateDir, "devices", "list", "--json").out());
    List<String> ids = new ArrayList<>();
    list.path("pending").forEach(r -> ids.add(r.path("requestId").asString()));
    return ids;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A client with its own device identity and token store, as a paired app has. */
  private record Device(Path state, String url) {
    Device at(String newUrl) {
      return new Device(state, newUrl);
    }

    String id() {
      return IdentityStore.at(state).loadOrCreate().deviceId();
    }

    /** Connects asking for {@code scopes}; expects a pairing refusal and returns its request. */
    String askToPair(String... scopes) {
      ClawgateException refused =
          (ClawgateException) catchThrowable(() -> GatewayClient.connect(options(scopes)).close());
      assertThat(refused).as("a pairing refusal").isNotNull();
      assertThat(refused.code()).isEqualTo(ErrorCode.NOT_PAIRED);
      return String.valueOf(refused.details().get("requestId"));
    }

    boolean connects(String... scopes) {
      try (GatewayClient client = GatewayClient.connect(options(scopes))) {
        return !client.hello().connId().isEmpty();
      } catch (ClawgateException e) {
        return false;
      }
    }

    private ClientOptions options(String... scopes) {
      return ClientOptions.builder()
          .url(GatewayUrl.parse(url))
          .token(TOKEN)
          .deviceState(state)
          .scopes(scopes)
          .build();
    }
  }
}
