package dev.clawgate.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The systemd user unit that runs one gateway: {@code clawgate.service}, or {@code
 * clawgate-<name>.service} for a second gateway on another state dir, in {@code
 * ${XDG_CONFIG_HOME:-~/.config}/systemd/user}. What it says is {@link #render}'s, and must stay
 * free of secrets: the gateway reads its token from {@code clawgate.json} (mode 0600) in its state
 * dir, while a unit file is world-readable and its contents show in {@code systemctl show}.
 *
 * @param name the unit's name ({@code clawgate.service})
 * @param file where it is (or would be) installed
 */
record SystemdUserUnit(String name, Path file) {
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  /** The unit for {@code --name} ({@code null}: the default one). */
  static SystemdUserUnit named(@Nullable String instance, Map<String, String> env) {
    if (instance != null && !INSTANCE.matcher(instance).matches()) {
      throw GatewayLocalCommand.usage(
          "--name must be letters, digits, '-' or '_' (at most 64), got \"" + instance + "\"");
    }
    String name = instance == null ? "clawgate.service" : "clawgate-" + instance + ".service";
    return new SystemdUserUnit(name, directory(env).resolve(name));
  }

  /** {@code $XDG_CONFIG_HOME/systemd/user}, else {@code $HOME/.config/systemd/user}. */
  static Path directory(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base;
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      base = Path.of(xdg);
    } else {
      String home = env.get("HOME");
      base =
          Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"))
              .resolve(".config");
    }
    return base.resolve("systemd").resolve("user");
  }

  /** The clawgate units installed for this user (none when the directory does not exist). */
  static List<SystemdUserUnit> installed(Map<String, String> env) {
    Path dir = directory(env);
    List<SystemdUserUnit> units = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return units;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "clawgate*.service")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.equals("clawgate.service") || name.startsWith("clawgate-")) {
          units.add(new SystemdUserUnit(name, file));
        }
      }
    } catch (IOException e) {
      // Unreadable: as if none were installed; the caller then acts without systemd.
    }
    return units;
  }

  /**
   * The installed unit whose main process is {@code pid}, if systemd runs the gateway: then it must
   * be stopped through systemd, or systemd would see it fail and start it again.
   */
  static Optional<SystemdUserUnit> managing(long pid, Map<String, String> env) {
    for (SystemdUserUnit unit : installed(env)) {
      SystemdControl.Step step =
          SystemdControl.run(
              Duration.ofSeconds(5), "show", "--property=MainPID", "--value", unit.name());
      if (step.ok() && step.output().strip().equals(Long.toString(pid))) {
        return Optional.of(unit);
      }
    }
    return Optional.empty();
  }

  /**
   * The unit file's text; the same arguments give the same text (re-installing changes nothing).
   */
  static String render(List<String> execStart, Path stateDir, Map<String, String> environment) {
    StringBuilder unit = new StringBuilder();
    unit.append(
            "# Written by `clawgate gateway install`; remove with `clawgate gateway uninstall`.\n")
        .append("# The gateway reads its token from clawgate.json (mode 0600) in its state dir;\n")
        .append("# nothing secret belongs in this file.\n")
        .append("[Unit]\n")
        .append("Description=clawgate gateway (state dir ")
        .append(specifierSafe(stateDir.toString()))
        .append(")\n")
        .append("\n[Service]\n")
        .append("Type=simple\n");
    environment.forEach((name, value) ->
        unit.append("Environment=").append(quote(name + "=" + value, false)).append('\n'));
    unit.append("ExecStart=");
    for (int i = 0; i < execStart.size(); i++) {
      unit.append(i == 0 ? "" : " ").append(quote(execStart.get(i), true));
    }
    unit.append('\n')
        .append("Restart=on-failure\n")
        .append("RestartSec=5\n")
        .append("# SIGTERM closes the gateway gracefully; the JVM then exits with 143.\n")
        .append("SuccessExitStatus=143\n")
        .append("TimeoutStopSec=30\n")
        .append("\n[Install]\n")
        .append("WantedBy=default.target\n");
    return unit.toString();
  }

  /**
   * One word of a unit file line: {@code %} doubled (systemd specifiers), {@code $} doubled in
   * command lines (variable expansion), and double quotes around anything but plain characters.
   */
  static String quote(String word, boolean commandLine) {
    if (word.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw GatewayLocalCommand.usage("cannot write a control character into a unit file: " + word);
    }
    String escaped = specifierSafe(word);
    if (commandLine) {
      escaped = escaped.replace("$", "$$");
    }
    if (PLAIN.matcher(escaped).matches()) {
      return escaped;
    }
    return "\"" + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String specifierSafe(String text) {
    return text.replace("%", "%%");
  }
}
