package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.runtime.GatewayRuntime;
import dev.clawgate.core.runtime.StateDirLock;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code clawgate gateway status|stop|token|install|uninstall} as a user runs them: subprocesses
 * against real gateway processes and their state dirs. systemd cannot run here, so {@code
 * systemctl} is a shell script on {@code PATH} that records its arguments (and fails, where the
 * test is about a machine without systemd): what is checked is the unit written and the exact
 * commands run.
 */
class GatewayLifecycleTest {
  private static final String TOKEN = "lifecycle-test-token-0123456789";
  private static final Duration START = Duration.ofSeconds(30);

  @TempDir Path temp;

  @Test
  void statusShowsARunningHealthyGateway() throws Exception {
    Path stateDir = stateDir("");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      CliProcess.Result json =
          cli(Map.of(), "gateway", "status", "--state-dir", dir(stateDir), "--json");

      assertThat(json.exitCode()).as(json.toString()).isZero();
      JsonNode status = Json.mapper().readTree(json.out());
      assertThat(status.path("running").asBoolean()).isTrue();
      assertThat(status.path("pid").asLong()).isEqualTo(gateway.pid());
      assertThat(status.path("url").asString()).isEqualTo(gateway.url());
      assertThat(status.path("startedAtMs").asLong()).isPositive();
      assertThat(status.path("uptimeMs").asLong()).isNotNegative();
      assertThat(status.path("version").asString()).isNotEmpty();
      assertThat(status.path("healthy").asBoolean()).isTrue();
      assertThat(status.path("stateDir").asString()).isEqualTo(dir(stateDir));
      assertThat(json.out()).doesNotContain(TOKEN);

      CliProcess.Result text = cli(Map.of(), "gateway", "status", "--state-dir", dir(stateDir));
      assertThat(text.exitCode()).as(text.toString()).isZero();
      assertThat(text.out())
          .contains("gateway running on " + stateDir)
          .contains("pid      " + gateway.pid())
          .contains("url      " + gateway.url())
          .contains("health   ok");
    }
  }

  @Test
  void stopEndsTheGatewayGracefullyAndLeavesTheStateDirToOwnerCommands() throws Exception {
    Path stateDir = stateDir("");
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      CliProcess.Result stopped = cli(Map.of(), "gateway", "stop", "--state-dir", dir(stateDir));

      assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
      assertThat(stopped.out()).contains("stopped gateway pid " + gateway.pid());
      // 143: the JVM ran its shutdown hook for SIGTERM (the graceful close); SIGKILL gives 137.
      assertThat(gateway.awaitExit(Duration.ofSeconds(10))).as(gateway.output()).isEqualTo(143);
      assertThat(stateDir.resolve(GatewayRuntime.FILE_NAME)).doesNotExist();
      Optional<StateDirLock> lock =
          StateDirLock.tryAcquire(stateDir, StateDirLock.Holder.OWNER_COMMAND);
      assertThat(lock).as("the state dir lock is free").isPresent();
      lock.get().close();

      CliProcess.Result list = cli(Map.of(), "devices", "list", "--state-dir", dir(stateDir));
      assertThat(list.exitCode()).as(list.toString()).isZero();
      assertThat(list.err()).contains("read " + stateDir + " directly");

      CliProcess.Result status = cli(Map.of(), "gateway", "status", "--state-dir", dir(stateDir));
      assertThat(status.exitCode()).as(status.toString()).isEqualTo(Main.UNREACHABLE);
      assertThat(status.out())
          .contains("gateway not running on " + stateDir)
          .contains("start it with `clawgate gateway run`")
          .doesNotContain("did not stop cleanly");
    }
  }

  @Test
  void stoppingWhenNothingRunsSucceedsAndCreatesNothing() throws Exception {
    Path nowhere = temp.resolve("never-used");

    CliProcess.Result text = cli(Map.of(), "gateway", "stop", "--state-dir", dir(nowhere));
    CliProcess.Result json =
        cli(Map.of(), "gateway", "stop", "--state-dir", dir(nowhere), "--json");
    CliProcess.Result status = cli(Map.of(), "gateway", "status", "--state-dir", dir(nowhere));

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).contains("no gateway is running on " + nowhere);
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonNode node = Json.mapper().readTree(json.out());
    assertThat(node.path("stopped").asBoolean(true)).isFalse();
    assertThat(node.path("wasRunning").asBoolean(true)).isFalse();
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(Main.UNREACHABLE);
    assertThat(nowhere).doesNotExist();
  }

  @Test
  void aGatewayKilledWithSignalNineLeavesARuntimeFileThatStatusCallsStale() throws Exception {
    Path stateDir = stateDir("");
    long pid;
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      pid = gateway.pid();
      gateway.killNine();
      assertThat(gateway.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
    }
    assertThat(stateDir.resolve(GatewayRuntime.FILE_NAME)).exists();

    CliProcess.Result text = cli(Map.of(), "gateway", "status", "--state-dir", dir(stateDir));
    CliProcess.Result json =
        cli(Map.of(), "gateway", "status", "--state-dir", dir(stateDir), "--json");
    CliProcess.Result stop = cli(Map.of(), "gateway", "stop", "--state-dir", dir(stateDir));

    assertThat(text.exitCode()).as(text.toString()).isEqualTo(Main.UNREACHABLE);
    assertThat(text.out())
        .contains("gateway not running on " + stateDir)
        .contains("the last gateway, pid " + pid)
        .contains("did not stop cleanly");
    assertThat(json.exitCode()).as(json.toString()).isEqualTo(Main.UNREACHABLE);
    JsonNode node = Json.mapper().readTree(json.out());
    assertThat(node.path("running").asBoolean(true)).isFalse();
    assertThat(node.path("staleRuntime").path("pid").asLong()).isEqualTo(pid);
    assertThat(stop.exitCode()).as(stop.toString()).isZero();
    assertThat(stop.out()).contains("no gateway is running on " + stateDir);
  }

  @Test
  void aRuntimeFileNamingAnotherLiveProcessNeverGetsItSignalled() throws Exception {
    Path stateDir = stateDir("");
    Process bystander = new ProcessBuilder("sleep", "60").start();
    try {
      new GatewayRuntime(
              bystander.pid(), "ws://127.0.0.1:9", 9, System.currentTimeMillis() + 1000, "dev")
          .write(stateDir);

      CliProcess.Result stop = cli(Map.of(), "gateway", "stop", "--state-dir", dir(stateDir));

      assertThat(stop.exitCode()).as(stop.toString()).isZero();
      assertThat(stop.out()).contains("no gateway is running on " + stateDir);
      assertThat(bystander.isAlive()).isTrue();
    } finally {
      bystander.destroyForcibly();
    }
  }

  @Test
  void tokenPrintsTheTokenAloneOnStdoutAndItsSourceOnStderr() throws Exception {
    Path stateDir = stateDir("");

    CliProcess.Result text = cli(Map.of(), "gateway", "token", "--state-dir", dir(stateDir));
    CliProcess.Result json =
        cli(Map.of(), "gateway", "token", "--state-dir", dir(stateDir), "--json");
    CliProcess.Result fromEnv =
        cli(
            Map.of("CLAWGATE_GATEWAY_TOKEN", "token-from-the-environment"),
            "gateway",
            "token",
            "--state-dir",
            dir(stateDir));

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).isEqualTo(TOKEN + "\n");
    assertThat(text.err()).contains("gateway.auth.token in " + stateDir.resolve("clawgate.json"));
    JsonNode node = Json.mapper().readTree(json.out());
    assertThat(node.path("mode").asString()).isEqualTo("token");
    assertThat(node.path("source").asString()).isEqualTo("config");
    assertThat(node.path("token").asString()).isEqualTo(TOKEN);
    assertThat(node.path("generated").asBoolean(true)).isFalse();
    assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isZero();
    assertThat(fromEnv.out()).isEqualTo("token-from-the-environment\n");
    assertThat(fromEnv.err()).contains("env CLAWGATE_GATEWAY_TOKEN");
  }

  @Test
  void aGeneratedTokenIsSavedPrivatelyAndTakesOverWhenTheGatewayRestarts() throws Exception {
    Path stateDir = stateDir(", pairing: { autoApproveLocal: false }");
    String fresh;
    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      CliProcess.Result generated =
          cli(Map.of(), "gateway", "token", "--state-dir", dir(stateDir), "--generate", "--json");

      assertThat(generated.exitCode()).as(generated.toString()).isZero();
      JsonNode node = Json.mapper().readTree(generated.out());
      fresh = node.path("token").asString();
      assertThat(fresh).isNotEqualTo(TOKEN).hasSizeGreaterThanOrEqualTo(32);
      assertThat(node.path("generated").asBoolean()).isTrue();
      assertThat(node.path("gatewayRunning").asBoolean()).isTrue();
      assertThat(generated.err()).contains("restart").contains("clients holding the old token");

      Path config = stateDir.resolve("clawgate.json");
      String saved = Files.readString(config, StandardCharsets.UTF_8);
      assertThat(saved).contains(fresh).doesNotContain(TOKEN).contains("autoApproveLocal");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
          .isEqualTo("rw-------");

      // The running gateway keeps the token it started with, as the warning says.
      assertThat(health(stateDir, TOKEN).exitCode()).isZero();
      assertThat(health(stateDir, fresh).exitCode()).isEqualTo(Main.FAILED);
      assertThat(cli(Map.of(), "gateway", "stop", "--state-dir", dir(stateDir)).exitCode())
          .isZero();
      gateway.awaitExit(Duration.ofSeconds(10));
    }
    try (GatewayProcess restarted = GatewayProcess.start(stateDir, START)) {
      CliProcess.Result withConfig = cli(Map.of(), "health", "--state-dir", dir(stateDir));
      CliProcess.Result withOld = health(stateDir, TOKEN);

      assertThat(withConfig.exitCode()).as(withConfig.toString()).isZero();
      assertThat(health(stateDir, fresh).exitCode()).isZero();
      assertThat(withOld.exitCode()).as(withOld.toString()).isEqualTo(Main.FAILED);
      assertThat(withOld.err()).contains("token mismatch");
    }
  }

  @Test
  void generatingRefusesWhenTheEnvironmentSetsTheToken() throws Exception {
    Path stateDir = stateDir("");
    String before = Files.readString(stateDir.resolve("clawgate.json"), StandardCharsets.UTF_8);

    CliProcess.Result refused =
        cli(
            Map.of("CLAWGATE_GATEWAY_TOKEN", "token-from-the-environment"),
            "gateway",
            "token",
            "--state-dir",
            dir(stateDir),
            "--generate");

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(Main.USAGE);
    assertThat(refused.err())
        .contains("env CLAWGATE_GATEWAY_TOKEN")
        .contains("would not be used")
        .doesNotContain("token-from-the-environment");
    assertThat(refused.out()).isEmpty();
    assertThat(Files.readString(stateDir.resolve("clawgate.json"), StandardCharsets.UTF_8))
        .isEqualTo(before);
  }

  @Test
  void passwordAuthHasNoTokenToShowOrReplace() throws Exception {
    Path stateDir = temp.resolve("password-state");
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { auth: { mode: \"password\", password: \"a-password-0123\" } } }");

    CliProcess.Result show = cli(Map.of(), "gateway", "token", "--state-dir", dir(stateDir));
    CliProcess.Result generate =
        cli(Map.of(), "gateway", "token", "--state-dir", dir(stateDir), "--generate");

    assertThat(show.exitCode()).as(show.toString()).isEqualTo(Main.FAILED);
    assertThat(show.err()).contains("password auth").doesNotContain("a-password-0123");
    assertThat(show.out()).isEmpty();
    assertThat(generate.exitCode()).as(generate.toString()).isEqualTo(Main.FAILED);
    assertThat(Files.readString(stateDir.resolve("clawgate.json"))).doesNotContain("token");
  }

  @Test
  void installDryRunPrintsTheUnitAndTheCommandsAndChangesNothing() throws Exception {
    Path stateDir = stateDir("");
    Path launcher = executable(temp.resolve("clawgate"), "#!/bin/sh\nexit 0\n");

    CliProcess.Result viaLauncher =
        cli(
            Map.of("CLAWGATE_LAUNCHER", launcher.toString()),
            "gateway",
            "install",
            "--state-dir",
            dir(stateDir),
            "--port",
            "18800",
            "--dry-run");
    CliProcess.Result viaJava =
        cli(Map.of(), "gateway", "install", "--state-dir", dir(stateDir), "--dry-run");

    assertThat(viaLauncher.exitCode()).as(viaLauncher.toString()).isZero();
    assertThat(viaLauncher.out())
        .contains("Would write " + unitDir().resolve("clawgate.service"))
        .contains(
            "ExecStart=" + launcher + " gateway run --state-dir " + stateDir + " --port 18800\n")
        .contains("Environment=CLAWGATE_STATE_DIR=" + stateDir + "\n")
        .contains("Restart=on-failure\n")
        .contains("WantedBy=default.target\n")
        .contains("  systemctl --user daemon-reload\n")
        .contains("  systemctl --user enable --now clawgate.service\n")
        .doesNotContain(TOKEN);
    assertThat(viaJava.exitCode()).as(viaJava.toString()).isZero();
    assertThat(viaJava.out())
        .containsPattern("ExecStart=/\\S*java --enable-native-access=ALL-UNNAMED ")
        .contains(Main.class.getName() + " gateway run --state-dir " + stateDir + "\n");
    assertThat(unitDir()).doesNotExist();
  }

  @Test
  void installAndUninstallWriteTheUnitAndRunSystemctl() throws Exception {
    Path stateDir = stateDir("");
    Path log = temp.resolve("systemctl.log");
    Map<String, String> env = systemctl("echo \"$*\" >> \"$SYSTEMCTL_LOG\"\nexit 0\n", log);
    Path unit = unitDir().resolve("clawgate-lab.service");

    CliProcess.Result installed =
        cli(env, "gateway", "install", "--name", "lab", "--state-dir", dir(stateDir));

    assertThat(installed.exitCode()).as(installed.toString()).isZero();
    assertThat(installed.out())
        .contains("Wrote " + unit)
        .contains("Ran systemctl --user daemon-reload: ok")
        .contains("Ran systemctl --user enable --now clawgate-lab.service: ok")
        .contains("loginctl enable-linger $USER");
    assertThat(recorded(log))
        .containsExactly("--user daemon-reload", "--user enable --now clawgate-lab.service");
    String text = Files.readString(unit, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("Environment=CLAWGATE_STATE_DIR=" + stateDir + "\n")
        .contains(" gateway run --state-dir " + stateDir + "\n")
        .contains("Restart=on-failure\n")
        .doesNotContain(TOKEN);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(unit)))
        .isEqualTo("rw-r--r--");

    CliProcess.Result again =
        cli(env, "gateway", "install", "--name", "lab", "--state-dir", dir(stateDir));
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("Kept " + unit);

    CliProcess.Result different =
        cli(
            env,
            "gateway",
            "install",
            "--name",
            "lab",
            "--state-dir",
            dir(stateDir),
            "--port",
            "18801");
    assertThat(different.exitCode()).as(different.toString()).isEqualTo(Main.USAGE);
    assertThat(different.err()).contains(unit + " exists and differs").contains("--force");
    assertThat(Files.readString(unit, StandardCharsets.UTF_8)).isEqualTo(text);

    Files.writeString(log, "");
    CliProcess.Result forced =
        cli(
            env,
            "gateway",
            "install",
            "--name",
            "lab",
            "--state-dir",
            dir(stateDir),
            "--port",
            "18801",
            "--force",
            "--json");
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    JsonNode node = Json.mapper().readTree(forced.out());
    assertThat(node.path("written").asBoolean()).isTrue();
    assertThat(node.path("started").asBoolean()).isTrue();
    assertThat(node.path("systemd").asString()).isEqualTo("available");
    assertThat(recorded(log))
        .containsExactly(
            "--user daemon-reload",
            "--user try-restart clawgate-lab.service",
            "--user enable --now clawgate-lab.service");
    assertThat(Files.readString(unit, StandardCharsets.UTF_8)).contains(" --port 18801\n");

    Files.writeString(log, "");
    CliProcess.Result removed = cli(env, "gateway", "uninstall", "--name", "lab");
    assertThat(removed.exitCode()).as(removed.toString()).isZero();
    assertThat(removed.out())
        .contains("Ran systemctl --user disable --now clawgate-lab.service: ok")
        .contains("Removed " + unit);
    assertThat(recorded(log))
        .containsExactly("--user disable --now clawgate-lab.service", "--user daemon-reload");
    assertThat(unit).doesNotExist();

    CliProcess.Result absent = cli(env, "gateway", "uninstall", "--name", "lab");
    assertThat(absent.exitCode()).as(absent.toString()).isZero();
    assertThat(absent.out()).contains("clawgate-lab.service is not installed");
  }

  @Test
  void withoutSystemdTheUnitIsWrittenAndTheCommandsToFinishArePrinted() throws Exception {
    Path stateDir = stateDir("");
    Path log = temp.resolve("systemctl.log");
    Map<String, String> noSession =
        systemctl(
            "echo \"$*\" >> \"$SYSTEMCTL_LOG\"\n"
                + "echo 'Failed to connect to bus: No medium found' >&2\nexit 1\n",
            log);
    Path emptyBin = Files.createDirectories(temp.resolve("empty-bin"));
    Map<String, String> noSystemctl = Map.of("PATH", emptyBin.toString());

    CliProcess.Result failing = cli(noSession, "gateway", "install", "--state-dir", dir(stateDir));
    Files.delete(unitDir().resolve("clawgate.service"));
    CliProcess.Result missing =
        cli(noSystemctl, "gateway", "install", "--state-dir", dir(stateDir));

    for (CliProcess.Result result : List.of(failing, missing)) {
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.FAILED);
      assertThat(result.out())
          .contains("Wrote " + unitDir().resolve("clawgate.service"))
          .contains("  systemctl --user daemon-reload\n")
          .contains("  systemctl --user enable --now clawgate.service\n")
          .contains("loginctl enable-linger");
      assertThat(result.err()).contains("systemd --user is not available here");
    }
    assertThat(failing.out()).contains("Failed to connect to bus");
    assertThat(missing.err()).contains("no systemctl on PATH");
    assertThat(recorded(log)).containsExactly("--user daemon-reload");
    assertThat(unitDir().resolve("clawgate.service")).exists();
  }

  @Test
  void stopGoesThroughSystemdWhenTheServiceRunsTheGateway() throws Exception {
    Path stateDir = stateDir("");
    Path log = temp.resolve("systemctl.log");
    Path pidFile = temp.resolve("main.pid");
    Files.writeString(pidFile, "0\n");
    // A faithful stand-in for the user manager: `show` reports the service's main pid, `stop`
    // sends it SIGTERM as systemd does.
    Map<String, String> env =
        new HashMap<>(
            systemctl(
                "echo \"$*\" >> \"$SYSTEMCTL_LOG\"\n"
                    + "case \"$2\" in\n"
                    + "  show) cat \"$MAIN_PID_FILE\" ;;\n"
                    + "  stop) kill -TERM \"$(cat \"$MAIN_PID_FILE\")\" ;;\n"
                    + "esac\nexit 0\n",
                log));
    env.put("MAIN_PID_FILE", pidFile.toString());
    assertThat(cli(env, "gateway", "install", "--state-dir", dir(stateDir)).exitCode()).isZero();

    try (GatewayProcess gateway = GatewayProcess.start(stateDir, START)) {
      Files.writeString(pidFile, gateway.pid() + "\n");
      Files.writeString(log, "");

      CliProcess.Result stopped = cli(env, "gateway", "stop", "--state-dir", dir(stateDir));

      assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
      assertThat(stopped.out())
          .contains("Ran systemctl --user stop clawgate.service: ok")
          .contains("stopped gateway pid " + gateway.pid());
      assertThat(recorded(log))
          .containsExactly(
              "--user show --property=MainPID --value clawgate.service",
              "--user stop clawgate.service");
      assertThat(gateway.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
    }
  }

  private Path stateDir(String moreGateway) throws IOException {
    Path stateDir = temp.resolve("state");
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        "{ gateway: { auth: { token: \"" + TOKEN + "\" }" + moreGateway + " } }",
        StandardCharsets.UTF_8);
    return stateDir;
  }

  private Path unitDir() {
    return temp.resolve("xdg").resolve("systemd").resolve("user");
  }

  /** Runs the CLI with the unit directory under this test's temp dir (never the real one). */
  private CliProcess.Result cli(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Map<String, String> all = new HashMap<>();
    all.put("XDG_CONFIG_HOME", temp.resolve("xdg").toString());
    all.putAll(env);
    return CliProcess.run(all, args);
  }

  private CliProcess.Result health(Path stateDir, String token)
      throws IOException, InterruptedException {
    return cli(Map.of(), "health", "--state-dir", dir(stateDir), "--token", token);
  }

  /** An environment whose {@code systemctl} is a script with this body, logging to {@code log}. */
  private Map<String, String> systemctl(String body, Path log) throws IOException {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    executable(bin.resolve("systemctl"), "#!/bin/sh\n" + body);
    return Map.of("PATH", bin + ":/usr/bin:/bin", "SYSTEMCTL_LOG", log.toString());
  }

  private static Path executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static List<String> recorded(Path log) throws IOException {
    return Files.exists(log)
        ? Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .toList()
        : List.of();
  }

  private static String dir(Path path) {
    return path.toString();
  }
}
