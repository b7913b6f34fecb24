package dev.clawgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.gateway.GatewayApp;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clawgate gateway run}: the gateway in the foreground until SIGINT/SIGTERM. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the gateway in the foreground (Ctrl-C stops it gracefully).",
      "",
      "Configuration: <state dir>/clawgate.json, overridden by CLAWGATE_* environment variables,"
          + " overridden by these options. On first run with token auth and no token, a token is"
          + " generated, saved to clawgate.json and printed.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate gateway run",
      "  clawgate gateway run --port 18790 --state-dir /tmp/clawgate-dev",
      "  CLAWGATE_GATEWAY_TOKEN=$(cat token) clawgate gateway run --bind lan",
    })
final class GatewayRunCommand implements java.util.concurrent.Callable<Integer> {
  @Spec @Nullable CommandSpec spec;

  @Option(
      names = "--state-dir",
      description = "State directory (default: $CLAWGATE_STATE_DIR or ~/.clawgate).")
  @Nullable Path stateDir;

  @Option(
      names = "--port",
      description = "Port for WebSocket and HTTP (default 18789; 0 = any free port).")
  @Nullable Integer port;

  @Option(names = "--bind", description = "loopback (default), lan or custom.")
  @Nullable String bind;

  @Option(names = "--host", description = "Host to bind with --bind custom.")
  @Nullable String host;

  @Option(
      names = "--auth",
      description = "Shared-secret mode: token (default), password or none (loopback only).")
  @Nullable String authMode;

  @Option(
      names = "--token",
      description = "Shared token (prefer --token-file: arguments are visible to other users).")
  @Nullable String token;

  @Option(names = "--token-file", description = "File whose first line is the shared token.")
  @Nullable Path tokenFile;

  @Option(names = "--password", description = "Shared password (prefer --password-file).")
  @Nullable String password;

  @Option(names = "--password-file", description = "File whose first line is the shared password.")
  @Nullable Path passwordFile;

  @Option(names = "--verbose", description = "Log debug details to stderr.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (verbose) {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
    }
    ConfigLoader.Loaded loaded =
        ConfigLoader.loadForGateway(
            new ConfigLoader.Overrides(
                Optional.ofNullable(stateDir),
                Optional.ofNullable(port),
                Optional.ofNullable(bind).map(ConfigLoader::parseBind),
                Optional.ofNullable(host),
                Optional.ofNullable(authMode).map(ConfigLoader::parseMode),
                secret(token, tokenFile, "--token-file"),
                secret(password, passwordFile, "--password-file")),
            System.getenv());
    GatewayConfig config = loaded.config();
    PrintWriter out =
        spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();

    GatewayApp app = GatewayApp.start(config, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                },
                "clawgate-shutdown"));

    String url = "ws://" + displayHost(config) + ":" + app.port();
    out.println("clawgate gateway listening on " + url + " (state dir " + config.stateDir() + ")");
    switch (config.auth().mode()) {
      case TOKEN -> {
        if (loaded.generatedToken().isPresent()) {
          out.println(
              "Generated a gateway token (saved to "
                  + config.stateDir().resolve(GatewayConfig.FILE_NAME)
                  + "):");
          out.println("  " + loaded.generatedToken().get());
        } else {
          out.println("auth: token (from " + config.auth().tokenSource() + ")");
        }
      }
      case PASSWORD -> out.println("auth: password");
      case NONE -> out.println("auth: none (loopback only)");
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return Main.OK;
  }

  private static String displayHost(GatewayConfig config) {
    String host = config.bindHost();
    return host.equals("0.0.0.0") ? "0.0.0.0" : host;
  }

  static Optional<String> secret(@Nullable String value, @Nullable Path file, String fileOption) {
    if (value != null) {
      return Optional.of(value);
    }
    if (file == null) {
      return Optional.empty();
    }
    try {
      String first =
          Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
      if (first.isEmpty()) {
        throw usage(fileOption + " " + file + " is empty");
      }
      return Optional.of(first);
    } catch (IOException e) {
      throw usage(fileOption + " " + file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  private static ClawgateException usage(String message) {
    return ClawgateException.of(ErrorCode.INVALID_REQUEST, DetailCode.INVALID_CONFIG, message)
        .build();
  }
}
