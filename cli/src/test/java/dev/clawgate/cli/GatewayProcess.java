package dev.clawgate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway in its own OS process: {@code java -cp <this test's class path>
 * dev.clawgate.cli.Main gateway run --state-dir <dir> --port 0}, on the JDK running the test. Its
 * stdout and stderr are drained on their own threads (so it never blocks on a full pipe) and kept
 * for failure messages; the listening URL is taken from the line {@code clawgate gateway run}
 * prints once the port is bound.
 */
final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("clawgate gateway listening on (ws://\\S+)");
  private static final int KEPT_OUTPUT = 20_000;

  private final Process process;
  private final StringBuilder output = new StringBuilder(); // guarded by itself
  private final List<Thread> drainers = new ArrayList<>();
  private final CompletableFuture<String> url = new CompletableFuture<>();

  private GatewayProcess(Process process) {
    this.process = process;
  }

  /**
   * Starts the gateway on {@code stateDir} and any free port; waits until it listens (or fails).
   */
  static GatewayProcess start(Path stateDir, Duration timeout) throws IOException {
    return start(stateDir, timeout, 0);
  }

  /** Starts the gateway on {@code stateDir} and {@code port}; waits until it listens (or fails). */
  static GatewayProcess start(Path stateDir, Duration timeout, int port) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "gateway",
            "run",
            "--state-dir",
            stateDir.toString(),
            "--port",
            Integer.toString(port));
    GatewayProcess gateway = new GatewayProcess(new ProcessBuilder(command).start());
    gateway.drain(gateway.process.getInputStream(), "out");
    gateway.drain(gateway.process.getErrorStream(), "err");
    gateway.awaitListening(timeout);
    return gateway;
  }

  private void drain(InputStream stream, String name) {
    Thread drainer =
        Thread.ofPlatform()
            .daemon()
            .name("gateway-" + name + "-" + process.pid())
            .start(() -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  append("[" + name + "] " + line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    url.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                append("[" + name + "] <read failed: " + e + ">");
              }
            });
    drainers.add(drainer);
  }

  private void append(String line) {
    synchronized (output) {
      output.append(line).append('\n');
    }
  }

  private void awaitListening(Duration timeout) throws IOException {
    try {
      CompletableFuture.anyOf(url, process.onExit()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!url.isDone()) {
        for (Thread drainer : drainers) {
          drainer.join(Duration.ofSeconds(5)); // the last lines say why it exited
        }
        throw new IOException(
            "the gateway exited with " + process.exitValue() + " before listening\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IOException("interrupted while the gateway started", e);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IOException("the gateway did not start listening: " + e + "\n" + output(), e);
    }
  }

  /** The URL it listens on. */
  String url() {
    return url.join();
  }

  /** The gateway's process id. */
  long pid() {
    return process.pid();
  }

  /** Sends SIGKILL (on Linux {@link Process#destroyForcibly()} is {@code kill -9}); returns. */
  void killNine() {
    process.destroyForcibly();
  }

  /** Sends SIGTERM (a graceful stop) and waits for the process to exit. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  /** Waits for the process to be gone and returns its exit status (137 after SIGKILL). */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the gateway did not exit\n" + output());
    }
    return process.exitValue();
  }

  /** What the process printed so far (the last part when it printed a lot). */
  String output() {
    String all;
    synchronized (output) {
      all = output.toString();
    }
    String kept =
        all.length() > KEPT_OUTPUT ? "...\n" + all.substring(all.length() - KEPT_OUTPUT) : all;
    return "--- gateway pid " + process.pid() + " output ---\n" + kept + "--- end ---";
  }

  /** Kills the process if it still runs and waits for it to be gone. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
