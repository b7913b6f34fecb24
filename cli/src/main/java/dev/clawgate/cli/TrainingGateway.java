package dev.clawgate.cli;

import dev.clawgate.core.runtime.GatewayRuntime;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gateway the start-up cache training talks to, as a process of its own: {@code java -jar <this
 * jar> gateway run} on the training state dir and any free port. Running it outside the training
 * JVM keeps the gateway's classes (Jetty, SQLite, the store) out of the cache, which every short
 * command and each {@code mcp serve} maps at start (decision 0007).
 */
final class TrainingGateway implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(60);

  private final Process process;
  private final String url;

  private TrainingGateway(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /**
   * Starts the gateway on {@code stateDir} (whose {@code clawgate.json} configures it) and waits
   * until it announces its address.
   *
   * @throws IOException when it cannot be started or does not come up in time, with its last output
   */
  static TrainingGateway start(Path stateDir) throws IOException {
    Path log = stateDir.resolve("training-gateway.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "--enable-native-access=ALL-UNNAMED",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Xlog:disable",
                    "-Xlog:all=warning:stderr",
                    "-jar",
                    jar().toString(),
                    "gateway",
                    "run",
                    "--state-dir",
                    stateDir.toString(),
                    "--port",
                    "0"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // Nothing of the user's environment may steer the training gateway (a CLAWGATE_* setting).
    builder.environment().keySet().removeIf(name -> name.startsWith("CLAWGATE_"));
    Process process = builder.start();
    long deadline = System.nanoTime() + START.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        Optional<GatewayRuntime> runtime =
            GatewayRuntime.read(stateDir).filter(r -> r.pid() == process.pid());
        if (runtime.isPresent()) {
          return new TrainingGateway(process, runtime.get().url());
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    String output = Files.exists(log) ? Files.readString(log).strip() : "";
    throw new IOException(
        "the training gateway did not start"
            + (output.isEmpty() ? "" : ": " + output.lines().reduce((a, b) -> b).orElse("")));
  }

  /** Where it listens ({@code ws://127.0.0.1:<port>}). */
  String url() {
    return url;
  }

  /** The jar this JVM runs from. */
  private static Path jar() throws IOException {
    try {
      return Path.of(
          TrainingGateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IOException("cannot tell which jar this is: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
