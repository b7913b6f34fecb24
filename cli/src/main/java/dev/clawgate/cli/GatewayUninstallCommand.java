package dev.clawgate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate gateway uninstall}: stops and disables the service {@code gateway install} wrote,
 * removes its unit file and reloads systemd, printing each step. The state dir is left as it is.
 */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description = {
      "Remove the systemd user service of the gateway.",
      "Runs `systemctl --user disable --now`, deletes the unit file `clawgate gateway install`"
          + " wrote, runs `systemctl --user daemon-reload`. The state dir is kept.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate gateway uninstall",
      "  clawgate gateway uninstall --name lab --json",
      "",
      "Exit codes: 0 removed, or not installed; 1 systemd could not disable or stop it (the"
          + " unit file is removed all the same); 2 usage.",
      "",
      "JSON: {\"unit\", \"unitFile\", \"installed\": bool, \"removed\": bool, \"systemd\":"
          + " \"available\"|\"unavailable\"|\"not-tried\", \"steps\": [{\"command\","
          + " \"exitCode\", \"output\"}]}.",
    })
final class GatewayUninstallCommand extends GatewayLocalCommand {
  private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofSeconds(60);

  @Option(
      names = "--name",
      paramLabel = "<name>",
      description = "Remove clawgate-<name>.service instead of clawgate.service.")
  @Nullable String name;

  private final ArrayNode steps = object().arrayNode();

  @Override
  public Integer call() throws IOException {
    SystemdUserUnit unit = SystemdUserUnit.named(name, env);
    if (!Files.exists(unit.file())) {
      say(unit.name() + " is not installed (no " + unit.file() + "); nothing to do");
      return finish(unit, false, false, "not-tried", Main.OK);
    }
    SystemdControl.Step disabled = step("disable", "--now", unit.name());
    Files.deleteIfExists(unit.file());
    // Without systemd, `disable` could not remove the link `enable` made; it would dangle.
    Path wanted = unit.file().resolveSibling("default.target.wants").resolve(unit.name());
    if (Files.isSymbolicLink(wanted)) {
      Files.delete(wanted);
    }
    say("Removed " + unit.file());
    SystemdControl.Step reloaded = step("daemon-reload");
    if (!reloaded.ok()) {
      complain(
          "systemd --user is not available here, so nothing was stopped or disabled through it;"
              + " the unit file is removed");
      return finish(unit, true, true, "unavailable", Main.OK);
    }
    if (!disabled.ok()) {
      complain(
          "systemd could not disable or stop "
              + unit.name()
              + "; the unit file is removed. See `systemctl --user status "
              + unit.name()
              + "`, and stop a gateway still running with `clawgate gateway stop`");
      return finish(unit, true, true, "available", Main.FAILED);
    }
    say("Uninstalled " + unit.name() + "; the state dir is kept.");
    return finish(unit, true, true, "available", Main.OK);
  }

  private SystemdControl.Step step(String... args) {
    SystemdControl.Step step = SystemdControl.run(SYSTEMCTL_TIMEOUT, args);
    steps.add(step.toJson());
    say("Ran " + step.command() + ": " + step.outcome());
    return step;
  }

  private int finish(
      SystemdUserUnit unit, boolean installed, boolean removed, String systemd, int exitCode) {
    if (json) {
      ObjectNode node = object();
      node.put("unit", unit.name());
      node.put("unitFile", unit.file().toString());
      node.put("installed", installed);
      node.put("removed", removed);
      node.put("systemd", systemd);
      node.set("steps", steps);
      printJson(node);
    }
    return exitCode;
  }
}
