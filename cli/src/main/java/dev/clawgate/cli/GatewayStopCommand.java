package dev.clawgate.cli;

import dev.clawgate.core.runtime.GatewayRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate gateway stop}: asks the gateway of this state dir to stop (SIGTERM, on which it
 * closes gracefully) and waits for its process to end. Only a process that holds the state dir's
 * lock and announced itself in the runtime file is signalled, never one that merely has the pid a
 * dead gateway had. A gateway run by systemd is stopped through systemd, which would otherwise
 * start it again.
 */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the gateway of this state dir gracefully.",
      "Sends it SIGTERM (clients get a shutdown event, the store is closed) and waits for it to"
          + " exit; uses `systemctl --user stop` when the service `clawgate gateway install` wrote"
          + " runs it. Never kills it.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate gateway stop",
      "  clawgate gateway stop --state-dir /srv/clawgate --timeout 60",
      "",
      "Exit codes: 0 stopped, or no gateway was running; 1 it did not stop in time (it is not"
          + " killed: the message gives the command to force it) or it is still starting;"
          + " 2 usage.",
      "",
      "JSON: {\"stopped\": bool, \"wasRunning\": bool, \"pid\"?, \"via\"?: \"signal\"|\"systemd\","
          + " \"unit\"?, \"stateDir\"}.",
    })
final class GatewayStopCommand extends GatewayLocalCommand {
  @Mixin StateDirOption stateDirOption = new StateDirOption();

  @Option(
      names = "--timeout",
      paramLabel = "<seconds>",
      defaultValue = "30",
      description = "How long to wait for it to exit (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds = 30;

  @Override
  public Integer call() {
    Path stateDir = stateDir(stateDirOption.dir);
    return switch (GatewayInstance.probe(stateDir)) {
      case GatewayInstance.Stopped stopped -> {
        report(stateDir, false, false, null, null, null);
        if (!json) {
          say("no gateway is running on " + stateDir);
          stopped.leftover().ifPresent(r -> say(GatewayStatusCommand.staleNote(stateDir, r)));
        }
        yield Main.OK;
      }
      case GatewayInstance.Busy busy -> {
        report(stateDir, false, false, null, null, null);
        if (!json) {
          say("no gateway is running on " + stateDir + " (" + busy.holder() + " holds it briefly)");
        }
        yield Main.OK;
      }
      case GatewayInstance.Running running when running.runtime().isEmpty() -> {
        report(stateDir, true, false, running.pid(), null, null);
        complain(
            "a gateway (pid "
                + running.pid()
                + ") is starting on "
                + stateDir
                + " and has not announced itself yet; run this again in a moment");
        yield Main.FAILED;
      }
      case GatewayInstance.Running running -> stop(stateDir, running.runtime().orElseThrow());
    };
  }

  private int stop(Path stateDir, GatewayRuntime runtime) {
    long pid = runtime.pid();
    Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isEmpty()) {
      report(stateDir, true, true, pid, "signal", null);
      if (!json) {
        say("gateway pid " + pid + " had already exited");
      }
      return Main.OK;
    }
    Optional<SystemdUserUnit> unit = SystemdUserUnit.managing(pid, env);
    String via = "signal";
    if (unit.isPresent()) {
      SystemdControl.Step step =
          SystemdControl.run(timeout.plusSeconds(5), "stop", unit.get().name());
      if (!json) {
        say("Ran " + step.command() + ": " + step.outcome());
      }
      via = "systemd";
      if (!step.ok()) {
        via = "signal";
        complain("systemd did not stop it; sending SIGTERM to pid " + pid + " instead");
      }
    }
    if (via.equals("signal") && !handle.get().destroy()) {
      report(stateDir, true, false, pid, via, null);
      complain("could not signal gateway pid " + pid + " (not this user's process?)");
      return Main.FAILED;
    }
    if (!awaitExit(handle.get(), timeout)) {
      report(stateDir, true, false, pid, via, unit.map(SystemdUserUnit::name).orElse(null));
      complain(
          "gateway pid "
              + pid
              + " did not stop within "
              + timeout.toSeconds()
              + " s (it may still be closing connections). Wait longer with --timeout, or force"
              + " it with `kill -9 "
              + pid
              + "` (clients then get no shutdown event; no approved change is lost)");
      return Main.FAILED;
    }
    report(stateDir, true, true, pid, via, unit.map(SystemdUserUnit::name).orElse(null));
    if (!json) {
      say(
          "stopped gateway pid "
              + pid
              + " ("
              + runtime.url()
              + ", up "
              + GatewayInstance.uptime(runtime.startedAtMs(), System.currentTimeMillis())
              + ")");
    }
    return Main.OK;
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private void report(
      Path stateDir,
      boolean wasRunning,
      boolean stopped,
      @Nullable Long pid,
      @Nullable String via,
      @Nullable String unit) {
    if (!json) {
      return;
    }
    ObjectNode node = object();
    node.put("stopped", stopped);
    node.put("wasRunning", wasRunning);
    if (pid != null) {
      node.put("pid", pid.longValue());
    }
    if (via != null) {
      node.put("via", via);
    }
    if (unit != null) {
      node.put("unit", unit);
    }
    node.put("stateDir", stateDir.toString());
    printJson(node);
  }
}
