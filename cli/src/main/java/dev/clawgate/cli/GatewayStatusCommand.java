package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.core.runtime.GatewayRuntime;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate gateway status}: whether a gateway runs on this state dir (it holds the lock),
 * what it announced, and whether it answers a {@code health} call with the owner's secret.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show whether the gateway of this state dir runs and answers.",
      "Prints its pid, URL, uptime and version (from gateway.runtime.json) and whether it"
          + " answers a health call made with its own shared secret.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate gateway status",
      "  clawgate gateway status --state-dir /srv/clawgate --json | jq .healthy",
      "",
      "Exit codes: 0 running and healthy, 1 running but not answering (or refusing the secret),"
          + " 2 usage or configuration, 3 not running.",
      "",
      "JSON: {\"running\": bool, \"pid\"?, \"url\"?, \"startedAtMs\"?, \"uptimeMs\"?,"
          + " \"version\"?, \"healthy\"?, \"healthError\"?, \"staleRuntime\"?: {\"pid\","
          + " \"startedAtMs\"} (left by a gateway that did not stop cleanly), \"lockedBy\"?,"
          + " \"stateDir\"}. Never a secret.",
    })
final class GatewayStatusCommand extends GatewayLocalCommand {
  @Mixin StateDirOption stateDirOption = new StateDirOption();

  @Option(
      names = "--timeout",
      paramLabel = "<seconds>",
      defaultValue = "5",
      description = "How long to wait for the health answer (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds = 5;

  @Override
  public Integer call() {
    Path stateDir = stateDir(stateDirOption.dir);
    return switch (GatewayInstance.probe(stateDir)) {
      case GatewayInstance.Stopped stopped -> notRunning(stopped);
      case GatewayInstance.Busy busy -> busy(busy);
      case GatewayInstance.Running running -> running(running);
    };
  }

  private int notRunning(GatewayInstance.Stopped stopped) {
    if (json) {
      ObjectNode node = object();
      node.put("running", false);
      stopped
          .leftover()
          .ifPresent(r -> {
            ObjectNode stale = node.putObject("staleRuntime");
            stale.put("pid", r.pid());
            stale.put("startedAtMs", r.startedAtMs());
          });
      node.put("stateDir", stopped.stateDir().toString());
      printJson(node);
    } else {
      say(
          "gateway not running on "
              + stopped.stateDir()
              + "; start it with `clawgate gateway run`");
      stopped.leftover().ifPresent(r -> say(staleNote(stopped.stateDir(), r)));
    }
    return Main.UNREACHABLE;
  }

  /** The words for a runtime file left by a gateway that crashed or was killed. */
  static String staleNote(Path stateDir, GatewayRuntime leftover) {
    return "  (the last gateway, pid "
        + leftover.pid()
        + " started "
        + Instant.ofEpochMilli(leftover.startedAtMs())
        + ", did not stop cleanly: it was killed or crashed and left "
        + stateDir.resolve(GatewayRuntime.FILE_NAME)
        + ", which is ignored and replaced by the next start)";
  }

  private int busy(GatewayInstance.Busy busy) {
    if (json) {
      ObjectNode node = object();
      node.put("running", false);
      node.put("lockedBy", busy.holder());
      node.put("stateDir", busy.stateDir().toString());
      printJson(node);
    } else {
      say(
          "gateway not running on "
              + busy.stateDir()
              + " ("
              + busy.holder()
              + " is applying a change to it directly); start it with `clawgate gateway run`");
    }
    return Main.UNREACHABLE;
  }

  private int running(GatewayInstance.Running running) {
    long now = System.currentTimeMillis();
    Optional<GatewayRuntime> runtime = running.runtime();
    GatewayTarget target = GatewayInstance.ownerTarget(running.stateDir(), runtime, env);
    Health health = health(target);
    String version =
        runtime.map(GatewayRuntime::version).filter(v -> !v.isEmpty()).orElse(health.version());
    if (json) {
      ObjectNode node = object();
      node.put("running", true);
      node.put("pid", running.pid());
      node.put("url", target.url().toString());
      runtime.ifPresent(r -> {
        node.put("startedAtMs", r.startedAtMs());
        node.put("uptimeMs", Math.max(0, now - r.startedAtMs()));
      });
      if (!version.isEmpty()) {
        node.put("version", version);
      }
      node.put("healthy", health.ok());
      if (health.error() != null) {
        node.put("healthError", health.error());
      }
      node.put("stateDir", running.stateDir().toString());
      printJson(node);
    } else {
      say("gateway running on " + running.stateDir());
      say("  pid      " + running.pid());
      say(
          "  url      "
              + target.url()
              + (runtime.isEmpty() ? " (configured port: it has not announced itself yet)" : ""));
      runtime.ifPresent(r ->
          say(
              "  uptime   "
                  + GatewayInstance.uptime(r.startedAtMs(), now)
                  + " (since "
                  + Instant.ofEpochMilli(r.startedAtMs())
                  + ")"));
      if (!version.isEmpty()) {
        say("  version  clawgate " + version);
      }
      say(
          health.ok()
              ? "  health   ok (answered in " + health.millis() + " ms)"
              : (health.answered() ? "  health   failed: " : "  health   no answer: ")
                  + health.error());
    }
    if (!health.ok() && !json) {
      complain(
          "the gateway (pid "
              + running.pid()
              + (health.answered()
                  ? ") is running but its health check failed (see above)"
                  : ") is running but does not answer"
                      + (runtime.isEmpty() ? " (it may still be starting)" : "")
                      + "; see its output or journal, or restart it: `clawgate gateway stop`,"
                      + " then `clawgate gateway run`"));
    }
    return health.ok() ? Main.OK : Main.FAILED;
  }

  /**
   * The health call's outcome.
   *
   * @param answered whether the gateway answered at all (refusing the secret is an answer)
   */
  private record Health(
      boolean ok, boolean answered, long millis, String version, @Nullable String error) {}

  private Health health(GatewayTarget target) {
    Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
    long started = System.nanoTime();
    try (GatewayClient client =
        GatewayClient.connect(target.ownerOptions(timeout, "operator.read"))) {
      JsonNode answer = client.call("health", Json.mapper().createObjectNode());
      long millis = (System.nanoTime() - started) / 1_000_000;
      boolean ok = answer.path("ok").asBoolean(false);
      return new Health(
          ok, true, millis, client.hello().serverVersion(), ok ? null : "health answered not ok");
    } catch (ClawgateException e) {
      boolean unreachable = OwnerErrors.unreachable(e);
      String why = unreachable ? e.getMessage() : OwnerErrors.explain(e, target).getMessage();
      return new Health(false, !unreachable, 0, "", why);
    }
  }
}
