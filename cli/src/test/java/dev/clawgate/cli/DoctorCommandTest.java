package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.store.StateStore;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code clawgate doctor} as a user runs it, as its own process: against a real gateway process on
 * a state dir set up as the gateway leaves it (every check ok), and against state dirs broken one
 * way each (a stopped gateway, a wrong secret, loose permissions, a database of garbage, a config
 * that does not parse). Each finding is one line with its fix; the other checks still run; no
 * output ever holds a secret.
 */
class DoctorCommandTest {
  private static final String TOKEN = "doctor-test-token-0123456789";
  private static final List<String> LOCAL_CHECKS =
      List.of("config", "config-mode", "state-dir", "state-files", "store", "gateway", "token");

  @TempDir static Path temp;
  private static GatewayProcess gateway;
  private static Path stateDir;

  @BeforeAll
  static void startGateway() throws IOException {
    stateDir = privateStateDir(temp.resolve("state"), freePort());
    gateway = GatewayProcess.start(stateDir, Duration.ofSeconds(30), portOf(stateDir));
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  @Test
  void aHealthySetupPassesEveryCheck() throws Exception {
    CliProcess.Result result = doctor(Map.of(), stateDir);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(LOCAL_CHECKS.size() + 1);
    for (int i = 0; i < LOCAL_CHECKS.size(); i++) {
      assertThat(lines.get(i)).startsWith(String.format("ok    %-14s  ", LOCAL_CHECKS.get(i)));
      assertThat(lines.get(i)).doesNotContain("fix:");
    }
    assertThat(result.out())
        .contains("ok    state-dir       " + stateDir + " is yours and mode 0700")
        .contains(
            "state.db: integrity ok, schema version "
                + StateStore.schemaVersion()
                + ", 0 paired devices")
        .contains("ok    gateway         the local gateway at " + gateway.url() + " answers")
        .contains("ok    token           the token from config gateway.auth.token is accepted");
    assertThat(lines.getLast()).isEqualTo("doctor: all 7 checks ok");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void printsTheStableJsonShapeWithoutAnySecret() throws Exception {
    CliProcess.Result result =
        CliProcess.run(Map.of("CLAWGATE_STATE_DIR", stateDir.toString()), "doctor", "--json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode json = Json.mapper().readTree(result.out());
    assertThat(json.propertyNames()).containsExactly("ok", "checks");
    assertThat(json.path("ok").isBoolean()).isTrue();
    assertThat(json.path("ok").asBoolean()).isTrue();
    List<String> names = new ArrayList<>();
    for (JsonNode check : json.path("checks")) {
      assertThat(check.propertyNames()).containsExactly("check", "status", "message");
      assertThat(check.path("status").asString()).isEqualTo("ok");
      names.add(check.path("check").asString());
    }
    assertThat(names).isEqualTo(LOCAL_CHECKS);
    assertThat(result.out() + result.err()).doesNotContain(TOKEN);
  }

  @Test
  void aStoppedGatewayFailsWithTheCommandThatStartsItAndTheStoreIsStillChecked() throws Exception {
    Path dir = privateStateDir(temp.resolve("stopped"), freePort());
    try (GatewayProcess stopped = GatewayProcess.start(dir, Duration.ofSeconds(30), portOf(dir))) {
      stopped.killNine();
      stopped.awaitExit(Duration.ofSeconds(30));
    }

    CliProcess.Result result = doctor(Map.of(), dir);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.FAILED);
    assertThat(result.out())
        .contains(
            "fail  gateway         the local gateway is not running: nothing listens on"
                + " 127.0.0.1:"
                + portOf(dir)
                + "; token not checked; fix: clawgate gateway run --state-dir "
                + dir
                + "\n")
        .contains("ok    config ")
        .contains("ok    store           " + dir.resolve("state.db") + ": integrity ok")
        .doesNotContainPattern("(?m)^\\w+ +token ");
    assertThat(result.out().lines().toList().getLast())
        .isEqualTo("doctor: 1 failed, 0 warnings (of 6 checks); each line says how to fix it");
  }

  @Test
  void aWrongTokenFromTheEnvironmentFailsNamingTheVariable() throws Exception {
    String wrong = "env-wrong-token-9876543210";

    CliProcess.Result result = doctor(Map.of("CLAWGATE_GATEWAY_TOKEN", wrong), stateDir, "--json");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.FAILED);
    JsonNode json = Json.mapper().readTree(result.out());
    assertThat(json.path("ok").asBoolean(true)).isFalse();
    JsonNode gatewayCheck = check(json, "gateway");
    assertThat(gatewayCheck.path("status").asString()).isEqualTo("ok");
    JsonNode token = check(json, "token");
    assertThat(token.propertyNames()).containsExactly("check", "status", "message", "fix");
    assertThat(token.path("status").asString()).isEqualTo("fail");
    assertThat(token.path("message").asString())
        .isEqualTo(
            "the local gateway refused the token from env CLAWGATE_GATEWAY_TOKEN"
                + " (AUTH_TOKEN_MISMATCH)");
    assertThat(token.path("fix").asString())
        .isEqualTo("unset CLAWGATE_GATEWAY_TOKEN, or set it to the token the gateway runs with");
    assertThat(result.out() + result.err()).doesNotContain(wrong).doesNotContain(TOKEN);
  }

  @Test
  void aWrongTokenFileFailsNamingTheFile() throws Exception {
    Path tokenFile = temp.resolve("wrong-token");
    Files.writeString(tokenFile, "file-wrong-token-5555\n", StandardCharsets.UTF_8);

    CliProcess.Result result = doctor(Map.of(), stateDir, "--token-file", tokenFile.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.FAILED);
    assertThat(result.out())
        .contains("ok    gateway         the local gateway at " + gateway.url() + " answers\n")
        .contains(
            "fail  token           the local gateway refused the token from file "
                + tokenFile
                + " (AUTH_TOKEN_MISMATCH); fix: put the gateway's gateway.auth.token on the first"
                + " line of "
                + tokenFile
                + "\n")
        .doesNotContain("file-wrong-token-5555")
        .doesNotContain(TOKEN);
  }

  @Test
  void permissionsOpenToOthersEachGetTheirChmod() throws Exception {
    Path config = stateDir.resolve("clawgate.json");
    Path database = stateDir.resolve("state.db");
    CliProcess.Result result;
    try {
      chmod(stateDir, "rwxr-xr-x");
      chmod(config, "rw-r--r--");
      chmod(database, "rw-r--r--");
      result = doctor(Map.of(), stateDir);
    } finally {
      chmod(stateDir, "rwx------");
      chmod(config, "rw-------");
      chmod(database, "rw-------");
    }

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.FAILED);
    assertThat(result.out())
        .contains(
            "fail  config-mode     "
                + config
                + ": mode 0644 (group or others can read gateway.auth.token); fix: chmod 600 "
                + config
                + "\n")
        .contains(
            "warn  state-dir       "
                + stateDir
                + ": mode 0755 (open to group or others); fix: chmod 700 "
                + stateDir
                + "\n")
        .contains(
            "warn  state-files     "
                + stateDir
                + ": state.db is 0644 (should be 0600: group or others can read the device"
                + " records); fix: chmod 600 "
                + database
                + "\n")
        .contains("ok    gateway ")
        .contains("ok    token ")
        .doesNotContain(TOKEN);
  }

  @Test
  void aDatabaseOfGarbageBytesFailsTheStoreCheckAndIsLeftUntouched() throws Exception {
    Path dir = privateStateDir(temp.resolve("garbage-db"), freePort());
    Path database = dir.resolve("state.db");
    byte[] garbage = new byte[8192];
    new Random(42).nextBytes(garbage);
    Files.write(database, garbage);
    chmod(database, "rw-------");
    List<Path> before = list(dir);

    CliProcess.Result result = doctor(Map.of(), dir);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.FAILED);
    assertThat(result.out())
        .contains("fail  store           " + database + " is not a SQLite database (")
        .contains(
            "; fix: stop the gateway, move it aside (mv "
                + database
                + " "
                + database
                + ".broken) and restore it from a backup, or start empty (devices pair again)\n")
        .contains("ok    config ")
        .contains("ok    state-files ")
        .contains("fail  gateway ");
    assertThat(Files.readAllBytes(database)).isEqualTo(garbage);
    assertThat(list(dir)).isEqualTo(before);
  }

  @Test
  void aConfigThatDoesNotParseFailsWithTheParserMessageAndTheOtherChecksStillRun()
      throws Exception {
    Path dir = temp.resolve("garbage-config");
    Files.createDirectories(dir);
    chmod(dir, "rwx------");
    Path config = dir.resolve("clawgate.json");
    Files.writeString(config, "{ gateway: { port: 18789,, ]", StandardCharsets.UTF_8);
    chmod(config, "rw-------");

    CliProcess.Result result = doctor(Map.of(), dir, "--json");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.FAILED);
    JsonNode json = Json.mapper().readTree(result.out());
    JsonNode configCheck = check(json, "config");
    assertThat(configCheck.path("status").asString()).isEqualTo("fail");
    assertThat(configCheck.path("message").asString())
        .startsWith(config + ": not valid JSON: ")
        .endsWith("(the gateway and token checks need a valid config)");
    assertThat(configCheck.path("fix").asString())
        .isEqualTo(
            "edit "
                + config
                + ", or move it aside to start from defaults: mv "
                + config
                + " "
                + config
                + ".bad");
    List<String> names = new ArrayList<>();
    json.path("checks").forEach(c -> names.add(c.path("check").asString()));
    assertThat(names).containsExactly("config", "config-mode", "state-dir", "store");
    assertThat(check(json, "state-dir").path("status").asString()).isEqualTo("ok");
    assertThat(check(json, "store").path("message").asString())
        .isEqualTo("no state yet (created on first gateway run)");
  }

  @Test
  void anUnquotedTokenInAConfigThatDoesNotParseIsNotEchoedEvenInPart() throws Exception {
    Path dir = temp.resolve("unquoted-token");
    Files.createDirectories(dir);
    chmod(dir, "rwx------");
    Path config = dir.resolve("clawgate.json");
    // The parser quotes a bare value up to its first non-name character: 'zq7x'.
    Files.writeString(
        config, "{ gateway: { auth: { token: zq7x-unquoted-secret } } }", StandardCharsets.UTF_8);
    chmod(config, "rw-------");

    CliProcess.Result text = doctor(Map.of(), dir);
    CliProcess.Result json = doctor(Map.of(), dir, "--json");

    assertThat(text.out())
        .contains("fail  config          " + config + ": not valid JSON: Unrecognized token '");
    assertThat(text.out() + text.err() + json.out() + json.err()).doesNotContain("zq7x");
  }

  @Test
  void aConfiguredRemoteGatewayIsCheckedOnItsOwnLines() throws Exception {
    Path client = temp.resolve("client");
    Files.createDirectories(client);
    chmod(client, "rwx------");
    Path config = client.resolve("clawgate.json");
    int unusedLocalPort = freePort();
    writeConfig(
        config, unusedLocalPort, "remote: { url: \"" + gateway.url() + "\", token: \"%s\" }");

    CliProcess.Result right = doctor(Map.of(), client);

    assertThat(right.exitCode()).as(right.toString()).isZero();
    assertThat(right.out())
        .contains(
            "warn  gateway         the local gateway is not running: nothing listens on"
                + " 127.0.0.1:"
                + unusedLocalPort
                + "; token not checked (fine if this machine only uses the remote gateway); fix:"
                + " clawgate gateway run --state-dir "
                + client
                + "\n")
        .contains(
            "ok    remote-gateway  the gateway at "
                + gateway.url()
                + " (from config gateway.remote.url) answers")
        .contains("ok    remote-token    the token from config gateway.remote.token is accepted\n")
        .doesNotContain(TOKEN);

    Files.writeString(
        config,
        "{ gateway: { port: "
            + unusedLocalPort
            + ", remote: { url: \""
            + gateway.url()
            + "\", token: \"remote-wrong-token-1111\" } } }",
        StandardCharsets.UTF_8);
    CliProcess.Result wrong = doctor(Map.of(), client);

    assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(Main.FAILED);
    assertThat(wrong.out())
        .contains(
            "fail  remote-token    the gateway at "
                + gateway.url()
                + " refused the token from config gateway.remote.token (AUTH_TOKEN_MISMATCH);"
                + " fix: set gateway.remote.token in "
                + config
                + " to the gateway's gateway.auth.token\n")
        .doesNotContain("remote-wrong-token-1111");
  }

  private static CliProcess.Result doctor(Map<String, String> env, Path dir, String... more)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("doctor", "--state-dir", dir.toString()));
    args.addAll(List.of(more));
    return CliProcess.run(env, args.toArray(String[]::new));
  }

  private static JsonNode check(JsonNode json, String name) {
    for (JsonNode check : json.path("checks")) {
      if (check.path("check").asString().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + json);
  }

  /** A state dir as the gateway leaves it: 0700, with a 0600 config holding the token. */
  private static Path privateStateDir(Path dir, int port) throws IOException {
    Files.createDirectories(dir);
    chmod(dir, "rwx------");
    writeConfig(dir.resolve("clawgate.json"), port, "auth: { token: \"%s\" }");
    return dir;
  }

  /** Writes {@code { gateway: { port, <section with %s for the token> } }}, mode 0600. */
  private static void writeConfig(Path file, int port, String section) throws IOException {
    Files.writeString(
        file,
        "{ gateway: { port: " + port + ", " + section.formatted(TOKEN) + " } }",
        StandardCharsets.UTF_8);
    chmod(file, "rw-------");
  }

  private static int portOf(Path dir) throws IOException {
    String config = Files.readString(dir.resolve("clawgate.json"), StandardCharsets.UTF_8);
    return Integer.parseInt(config.replaceFirst("(?s).*port: (\\d+).*", "$1"));
  }

  private static void chmod(Path path, String permissions) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
