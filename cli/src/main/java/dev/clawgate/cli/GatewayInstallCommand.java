package dev.clawgate.cli;

import dev.clawgate.core.config.ConfigLoader;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate gateway install}: a systemd user service that runs this installation's gateway on
 * one state dir, enabled and started. Every step is printed with its outcome; where systemd cannot
 * be used (no {@code systemctl}, no user session) the unit is still written and the exact commands
 * to finish are printed.
 */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
      "Install the gateway as a systemd user service.",
      "Writes $${XDG_CONFIG_HOME:-~/.config}/systemd/user/clawgate.service (clawgate-<name>.service"
          + " with --name), then `systemctl --user daemon-reload` and `systemctl --user enable"
          + " --now` it. The unit runs `gateway run --state-dir <dir>` through this installation's"
          + " launcher and holds no secret (the token stays in clawgate.json).",
      "Where systemd --user is not available the unit is still written, and the commands to"
          + " finish once it is are printed (exit 1).",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate gateway install --dry-run",
      "  clawgate gateway install && loginctl enable-linger $USER   # also start at boot",
      "  clawgate gateway install --name lab --state-dir ~/.clawgate-lab --port 18790",
      "",
      "Exit codes: 0 installed and started (or --dry-run); 1 systemd --user not available or a"
          + " systemctl command failed (the unit file is written); 2 usage or configuration, or a"
          + " different unit exists (replace it with --force).",
      "",
      "JSON: {\"unit\", \"unitFile\", \"stateDir\", \"execStart\", \"unitText\", \"dryRun\","
          + " \"written\", \"unchanged\", \"systemd\": \"available\"|\"unavailable\"|\"not-tried\","
          + " \"started\", \"steps\": [{\"command\", \"exitCode\", \"output\"}], \"commandsToRun\":"
          + " [string], \"notes\": [string]}.",
    })
final class GatewayInstallCommand extends GatewayLocalCommand {
  /** Variables of this shell the service does not get, besides those the unit sets. */
  private static final Set<String> NOT_SETTINGS =
      Set.of("CLAWGATE_STATE_DIR", "CLAWGATE_LAUNCHER", "CLAWGATE_AOT_OUTPUT");

  private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofSeconds(60);

  @Mixin StateDirOption stateDirOption = new StateDirOption();

  @Option(
      names = "--port",
      paramLabel = "<port>",
      description = "Port for the service's gateway (default: gateway.port of its config).")
  @Nullable Integer port;

  @Option(
      names = "--name",
      paramLabel = "<name>",
      description = "Install as clawgate-<name>.service (for a second gateway).")
  @Nullable String name;

  @Option(names = "--dry-run", description = "Print the unit and the commands; change nothing.")
  boolean dryRun;

  @Option(names = "--force", description = "Replace an existing unit that differs.")
  boolean force;

  private final ObjectNode result = object();
  private final ArrayNode steps = result.arrayNode();
  private final List<String> notes = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Path stateDir = stateDir(stateDirOption.dir);
    if (port != null && (port < 1 || port > 65535)) {
      throw usage("--port must be between 1 and 65535 (got " + port + ")");
    }
    ConfigLoader.load( // a config the gateway would refuse is reported now, not by systemd later
        new ConfigLoader.Overrides(
            Optional.of(stateDir),
            Optional.ofNullable(port),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()),
        env);
    SystemdUserUnit unit = SystemdUserUnit.named(name, env);
    Optional<Path> launcher = launcher();
    List<String> execStart = execStart(launcher, stateDir);
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("CLAWGATE_STATE_DIR", stateDir.toString());
    if (launcher.isPresent()) {
      environment.put("JAVA_HOME", javaHome());
    }
    String text = SystemdUserUnit.render(execStart, stateDir, environment);
    Optional<String> existing =
        Files.isRegularFile(unit.file())
            ? Optional.of(Files.readString(unit.file(), StandardCharsets.UTF_8))
            : Optional.empty();
    boolean unchanged = existing.isPresent() && existing.get().equals(text);
    boolean replacing = existing.isPresent() && !unchanged;
    if (replacing && !force && !dryRun) {
      throw usage(
          unit.file()
              + " exists and differs from the unit for "
              + stateDir
              + "; replace it with --force, or install another with --name <name>"
              + " (see it with `clawgate gateway install --dry-run`)");
    }
    noteUnpassedSettings();

    String reload = SystemdControl.commandLine("daemon-reload");
    String restart = SystemdControl.commandLine("try-restart", unit.name());
    String enableNow = SystemdControl.commandLine("enable", "--now", unit.name());
    result.put("unit", unit.name());
    result.put("unitFile", unit.file().toString());
    result.put("stateDir", stateDir.toString());
    result.put("execStart", String.join(" ", execStart));
    result.put("unitText", text);
    result.put("dryRun", dryRun);

    if (dryRun) {
      List<String> plan =
          replacing ? List.of(reload, restart, enableNow) : List.of(reload, enableNow);
      if (replacing) {
        notes.add(unit.file() + " exists and differs: installing needs --force");
      }
      if (!json) {
        say("Would write " + unit.file() + ":", "", text.strip(), "", "Would run:");
        plan.forEach(command -> say("  " + command));
      }
      return finish(false, unchanged, "not-tried", false, plan, Main.OK);
    }

    write(unit.file(), text, unchanged);
    say(
        (unchanged ? "Kept " : replacing ? "Replaced " : "Wrote ")
            + unit.file()
            + (unchanged ? " (already this unit)" : ""));
    SystemdControl.Step reloaded = step("daemon-reload");
    if (!reloaded.ok()) {
      return unavailable(unit, stateDir, reloaded, List.of(reload, enableNow));
    }
    // A gateway this unit does not run holds the state dir: the service would fail to start
    // (and be restarted over and over), so it is only enabled, to start once that one stops.
    boolean foreignGateway =
        GatewayInstance.probe(stateDir) instanceof GatewayInstance.Running running
            && !SystemdUserUnit.managing(running.pid(), env)
                .map(u -> u.name().equals(unit.name()))
                .orElse(false);
    if (replacing && !foreignGateway) {
      SystemdControl.Step restarted = step("try-restart", unit.name());
      if (!restarted.ok()) {
        complain(
            restarted.command() + " failed; see `systemctl --user status " + unit.name() + "`");
        return finish(true, false, "available", false, List.of(), Main.FAILED);
      }
    }
    SystemdControl.Step enabled =
        foreignGateway ? step("enable", unit.name()) : step("enable", "--now", unit.name());
    if (!enabled.ok()) {
      complain(enabled.command() + " failed; see `systemctl --user status " + unit.name() + "`");
      return finish(true, unchanged, "available", false, List.of(), Main.FAILED);
    }
    if (foreignGateway) {
      String start = SystemdControl.commandLine("start", unit.name());
      notes.add(
          "not started: a gateway not run by "
              + unit.name()
              + " already runs on "
              + stateDir
              + "; stop it and start the service: clawgate gateway stop --state-dir "
              + stateDir
              + " && "
              + start);
      say("Enabled " + unit.name() + " but did not start it (see below).");
      return finish(true, unchanged, "available", false, List.of(start), Main.OK);
    }
    say(
        "The gateway runs as the systemd user service "
            + unit.name()
            + " (state dir "
            + stateDir
            + ").",
        "  status:  clawgate gateway status --state-dir "
            + stateDir
            + "   (or systemctl --user status "
            + unit.name()
            + ")",
        "  logs:    journalctl --user -u " + unit.name(),
        "  remove:  clawgate gateway uninstall" + (name == null ? "" : " --name " + name),
        "To start it at boot without logging in: loginctl enable-linger $USER");
    return finish(true, unchanged, "available", true, List.of(), Main.OK);
  }

  private int unavailable(
      SystemdUserUnit unit, Path stateDir, SystemdControl.Step failed, List<String> commands) {
    complain(
        "systemd --user is not available here ("
            + (failed.exitCode() == SystemdControl.NOT_RUN
                ? "no systemctl on PATH"
                : "systemctl reaches no user session")
            + ", as is common in containers): "
            + unit.name()
            + " is written but not enabled or started");
    say("Once systemd --user is available, run:");
    commands.forEach(command -> say("  " + command));
    say(
        "and `loginctl enable-linger $USER` to start it at boot without logging in.",
        "Until then, run the gateway in the foreground: clawgate gateway run --state-dir "
            + stateDir);
    return finish(true, false, "unavailable", false, commands, Main.FAILED);
  }

  /** Runs {@code systemctl --user <args>} and prints the step. */
  private SystemdControl.Step step(String... args) {
    SystemdControl.Step step = SystemdControl.run(SYSTEMCTL_TIMEOUT, args);
    steps.add(step.toJson());
    say("Ran " + step.command() + ": " + step.outcome());
    return step;
  }

  private int finish(
      boolean written,
      boolean unchanged,
      String systemd,
      boolean started,
      List<String> toRun,
      int exitCode) {
    if (json) {
      result.put("written", written && !unchanged);
      result.put("unchanged", unchanged);
      result.put("systemd", systemd);
      result.put("started", started);
      result.set("steps", steps);
      ArrayNode commands = result.putArray("commandsToRun");
      toRun.forEach(commands::add);
      ArrayNode noteArray = result.putArray("notes");
      notes.forEach(noteArray::add);
      printJson(result);
    } else {
      notes.forEach(note -> complain("note: " + note));
    }
    return exitCode;
  }

  private void noteUnpassedSettings() {
    Set<String> unpassed = new TreeSet<>();
    for (String variable : env.keySet()) {
      if (variable.startsWith("CLAWGATE_") && !NOT_SETTINGS.contains(variable)) {
        unpassed.add(variable);
      }
    }
    if (!unpassed.isEmpty()) {
      notes.add(
          "the service does not get "
              + String.join(", ", unpassed)
              + " from this shell; put those settings in clawgate.json of the state dir");
    }
  }

  /**
   * The command that runs this installation's gateway: the {@code clawgate} launcher it was started
   * through ({@code $CLAWGATE_LAUNCHER}, which finds the JDK and keeps the jar built), else this
   * JVM with this jar (or class path).
   */
  private List<String> execStart(Optional<Path> launcher, Path stateDir) {
    List<String> command = new ArrayList<>();
    if (launcher.isPresent()) {
      command.add(launcher.get().normalize().toString());
    } else {
      command.add(
          ProcessHandle.current()
              .info()
              .command()
              .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.add("--enable-native-access=ALL-UNNAMED");
      Optional<Path> jar = jar();
      if (jar.isPresent()) {
        command.add("-jar");
        command.add(jar.get().toString());
      } else {
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(Main.class.getName());
      }
    }
    command.addAll(List.of("gateway", "run", "--state-dir", stateDir.toString()));
    if (port != null) {
      command.addAll(List.of("--port", Integer.toString(port)));
    }
    return command;
  }

  /** The launcher this command was started through, if it was ({@code $CLAWGATE_LAUNCHER}). */
  private Optional<Path> launcher() {
    return Optional.ofNullable(env.get("CLAWGATE_LAUNCHER"))
        .filter(v -> !v.isBlank())
        .map(Path::of)
        .filter(Path::isAbsolute)
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p));
  }

  private static Optional<Path> jar() {
    CodeSource source = Main.class.getProtectionDomain().getCodeSource();
    if (source == null) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(source.getLocation().toURI()).toAbsolutePath();
      return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String absoluteClassPath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The JDK the launcher found for this run, so that the service finds the same one. */
  private String javaHome() {
    String fromEnv = env.get("JAVA_HOME");
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv : System.getProperty("java.home");
  }

  private static void write(Path file, String text, boolean unchanged) throws IOException {
    if (unchanged) {
      return;
    }
    Path dir = java.util.Objects.requireNonNull(file.toAbsolutePath().getParent(), "no dir");
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(
            temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not POSIX: the default mode stands.
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
