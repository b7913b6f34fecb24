package dev.clawgate.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a gateway shares. Where the target and the secret come
 * from when these are not given is decided by {@link GatewayTarget#resolve}.
 */
final class ConnectionOptions {
  @Option(
      names = "--url",
      paramLabel = "<url>",
      description =
          "Gateway URL (default: $CLAWGATE_GATEWAY_URL, else gateway.remote.url, else the local"
              + " gateway on gateway.port).")
  @Nullable String url;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description = "Shared token (prefer --token-file: arguments are visible to other users).")
  @Nullable String token;

  @Option(
      names = "--token-file",
      paramLabel = "<file>",
      description = "File whose first line is the shared token.")
  @Nullable Path tokenFile;

  @Option(names = "--password", paramLabel = "<password>", description = "Shared password.")
  @Nullable String password;

  @Option(
      names = "--password-file",
      paramLabel = "<file>",
      description = "File whose first line is the shared password.")
  @Nullable Path passwordFile;

  @Option(
      names = "--timeout",
      paramLabel = "<seconds>",
      defaultValue = "10",
      description = "How long to wait for the gateway (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds = 10;

  @Option(
      names = "--state-dir",
      paramLabel = "<dir>",
      description = "State directory (default: $CLAWGATE_STATE_DIR or ~/.clawgate).")
  @Nullable Path stateDir;

  @Option(names = "--json", description = "Print JSON (stable shape, never any secret).")
  boolean json;

  @Option(names = "--verbose", description = "Print details of failures, with stack traces.")
  boolean verbose;

  Duration timeout() {
    return Duration.ofSeconds(Math.max(1, timeoutSeconds));
  }
}
