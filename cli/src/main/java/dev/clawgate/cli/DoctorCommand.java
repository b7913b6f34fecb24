package dev.clawgate.cli;

import dev.clawgate.client.SharedCredential;
import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.protocol.ClawgateException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code clawgate doctor}: checks the config, the state dir, the store, the gateway and the secret,
 * and says in one line per finding what is wrong and how to fix it.
 *
 * <p>Every check runs even when an earlier one fails, unless it needs what failed (no gateway check
 * without a config that loads); the failing line then says what was not checked. Nothing is written
 * anywhere: the store is opened read-only and the config is only read.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check the config, the state dir and its permissions, the state database, that the gateway"
          + " answers and that it accepts the configured secret.",
      "Prints one line per finding: ok, warn or fail, the check, what was found and the fix."
          + " Changes nothing.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate doctor",
      "  clawgate doctor --state-dir /srv/clawgate",
      "  clawgate doctor --json | jq -r '.checks[] | select(.status != \"ok\") | .fix'",
      "",
      "Checks: config, config-mode, state-dir, state-files, store, gateway, token, and"
          + " remote-gateway, remote-token when gateway.remote.url is set.",
      "JSON: {\"ok\": bool, \"checks\": [{\"check\": \"...\", \"status\": \"ok\"|\"warn\"|\"fail\","
          + " \"message\": \"...\", \"fix\": \"...\"}]}; fix is absent when ok; never any secret.",
      "",
      "Exit codes: 0 nothing failed (warnings allowed), 1 something failed, 2 usage.",
    })
final class DoctorCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;
  @Mixin ConnectionOptions connection = new ConnectionOptions();

  @Override
  public Integer call() {
    Map<String, String> env = System.getenv();
    PrintWriter out =
        spec == null
            ? new PrintWriter(System.out, true, System.out.charset())
            : spec.commandLine().getOut();
    PrintWriter err =
        spec == null
            ? new PrintWriter(System.err, true, System.err.charset())
            : spec.commandLine().getErr();
    Path stateDir = ConfigLoader.stateDir(Optional.ofNullable(connection.stateDir), env);
    List<DoctorFinding> findings = new ArrayList<>();
    Set<String> secrets = new LinkedHashSet<>();
    secretsFrom(env, secrets);

    Optional<GatewayConfig> config = Optional.empty();
    try {
      DoctorConfigCheck.Outcome outcome = DoctorConfigCheck.run(stateDir, env);
      findings.addAll(outcome.findings());
      config = outcome.config();
      secrets.addAll(outcome.secrets());
    } catch (RuntimeException e) {
      findings.add(broken("config", e, err));
    }
    config.ifPresent(c -> secretsFrom(c, secrets));
    // The database's name is GatewayConfig's; without a config that loads it is the default one.
    Path database = config.map(GatewayConfig::databaseFile).orElse(stateDir.resolve("state.db"));

    findings.addAll(guarded("state-dir", err, () -> List.of(DoctorFileModes.stateDir(stateDir))));
    findings.addAll(
        guarded("state-files", err, () -> DoctorFileModes.stateFiles(database).stream().toList()));
    findings.addAll(guarded("store", err, () -> List.of(DoctorStoreCheck.run(database))));
    if (config.isPresent()) {
      findings.addAll(guarded("gateway", err, () -> gateways(stateDir, env, secrets)));
    }

    DoctorReport report = new DoctorReport(findings, secrets);
    out.print(connection.json ? report.json() + "\n" : report.text());
    out.flush();
    return report.exitCode();
  }

  /** The gateway and token lines of every target; a target that cannot be resolved is a fail. */
  private List<DoctorFinding> gateways(
      Path stateDir, Map<String, String> env, Set<String> secrets) {
    List<DoctorTarget> targets;
    try {
      targets = DoctorTarget.resolve(connection, env);
    } catch (ClawgateException e) {
      return List.of(
          DoctorFinding.fail(
              "gateway",
              e.getMessage() + "; token not checked",
              "correct the option or environment variable named above"));
    }
    targets.forEach(
        t -> t.target().credential().map(SharedCredential::secret).ifPresent(secrets::add));
    String startCommand =
        "clawgate gateway run" + (connection.stateDir == null ? "" : " --state-dir " + stateDir);
    List<DoctorFinding> findings = new ArrayList<>();
    for (DoctorTarget target : targets) {
      findings.addAll(DoctorGatewayCheck.run(target, connection.timeout(), startCommand));
    }
    return findings;
  }

  /** Runs one check; a check that throws is a fail of its own, and the others still run. */
  private List<DoctorFinding> guarded(
      String check, PrintWriter err, Supplier<List<DoctorFinding>> run) {
    try {
      return run.get();
    } catch (RuntimeException e) {
      return List.of(broken(check, e, err));
    }
  }

  private DoctorFinding broken(String check, RuntimeException e, PrintWriter err) {
    if (connection.verbose) {
      e.printStackTrace(err);
      err.flush();
    }
    return DoctorFinding.fail(
        check,
        "the check itself failed: " + e,
        "run clawgate doctor --verbose and report the stack trace");
  }

  private void secretsFrom(Map<String, String> env, Set<String> secrets) {
    for (String name : List.of("CLAWGATE_GATEWAY_TOKEN", "CLAWGATE_GATEWAY_PASSWORD")) {
      Optional.ofNullable(env.get(name)).ifPresent(secrets::add);
    }
    Optional.ofNullable(connection.token).ifPresent(secrets::add);
    Optional.ofNullable(connection.password).ifPresent(secrets::add);
  }

  private static void secretsFrom(GatewayConfig config, Set<String> secrets) {
    config.auth().token().ifPresent(secrets::add);
    config.auth().password().ifPresent(secrets::add);
    config.remote().token().ifPresent(secrets::add);
    config.remote().password().ifPresent(secrets::add);
  }
}
