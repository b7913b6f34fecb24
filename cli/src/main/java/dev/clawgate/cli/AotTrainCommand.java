package dev.clawgate.cli;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.pairing.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code clawgate internal aot-train}: the training run of the start-up cache
 * (docs/decisions/0007-cli-startup.md). The launcher runs it once per build of the jar under {@code
 * -XX:AOTCacheOutput}; the JVM then stores every class this run loaded and linked, and the short
 * commands start from that cache.
 *
 * <p>A good cache holds what real commands load, so this runs them: it starts a real gateway as a
 * process of its own ({@link TrainingGateway}; its classes stay out of the cache) on a temporary
 * state dir (loopback, any free port, a random token), runs the owner commands and {@code mcp
 * serve} against it in this JVM exactly as a user's command line would (the table and the JSON
 * output, the help, the unreachable and the refused paths), then stops the gateway and deletes the
 * state dir.
 *
 * <p>What must stay true: it never talks to any gateway but its own (every command gets {@code
 * --url}, a secret and {@code --state-dir}, so neither the environment nor {@code ~/.clawgate}
 * steers it elsewhere); it prints nothing while it works, and on failure one line on stderr saying
 * which command did not do what it should, for the launcher to show.
 */
@Command(
    name = "aot-train",
    hidden = true,
    description = "Training run for the launcher's start-up cache (prints nothing on success).")
final class AotTrainCommand implements Callable<Integer> {

  /** {@code clawgate internal}: commands the launcher runs, not for users (hidden from help). */
  @Command(
      name = "internal",
      hidden = true,
      description = "Commands the launcher uses.",
      subcommands = {AotTrainCommand.class})
  static final class Internal {}

  @Override
  public Integer call() throws IOException {
    PrintStream realErr = System.err;
    Path stateDir = Files.createTempDirectory("clawgate-aot-train");
    try {
      train(stateDir);
      return Main.OK;
    } catch (TrainingFailed e) {
      realErr.println("clawgate: start-up cache training failed: " + e.getMessage());
      realErr.flush();
      return Main.FAILED;
    } finally {
      deleteTree(stateDir);
    }
  }

  private static void train(Path stateDir) throws IOException {
    String token = Secrets.newToken();
    Path tokenFile = stateDir.resolve("token");
    Files.writeString(tokenFile, token + "\n", StandardCharsets.UTF_8);
    // The token comes from clawgate.json, as on a user's machine (the file parser is on the path).
    Files.writeString(
        stateDir.resolve(GatewayConfig.FILE_NAME),
        "{\"gateway\": {\"auth\": {\"mode\": \"token\", \"token\": \"" + token + "\"}}}\n",
        StandardCharsets.UTF_8);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream sink = new PrintStream(output, true, StandardCharsets.UTF_8);
    System.setOut(sink);
    System.setErr(sink);
    try (TrainingGateway gateway = TrainingGateway.start(stateDir)) {
      Target at = new Target(stateDir.toString(), gateway.url());
      Target nowhere = new Target(stateDir.toString(), "ws://127.0.0.1:" + closedPort());
      String file = tokenFile.toString();
      List<Step> steps =
          List.of(
              Step.of(Main.OK, "--version"),
              Step.of(Main.OK, "--help"),
              at.step(Main.OK, "health", "--token", token),
              at.step(Main.OK, "health", "--token-file", file),
              at.step(Main.OK, "health", "--token", token, "--json"),
              at.step(Main.OK, "devices list", "--token", token),
              at.step(Main.OK, "devices list", "--token-file", file),
              at.step(Main.OK, "devices list", "--token-file", file, "--json"),
              at.step(Main.OK, "sessions list", "--token-file", file),
              at.step(Main.OK, "sessions list", "--token-file", file, "--json"),
              at.step(Main.OK, "channels status", "--token-file", file),
              at.step(Main.OK, "approvals list", "--token-file", file),
              at.step(Main.OK, "devices history", "--token-file", file),
              Step.of(Main.OK, "devices", "list", "--help"),
              Step.of(Main.OK, "health", "--help"),
              Step.of(Main.OK, "gateway", "run", "--help"),
              nowhere.step(Main.UNREACHABLE, "health", "--token", token),
              // Last: a refused secret counts against the gateway's rate limit.
              at.step(Main.FAILED, "health", "--token", token + "x"));
      trainMcpServe(at, file);
      for (Step step : steps) {
        output.reset();
        int exit = Main.run(step.args().toArray(String[]::new));
        if (exit != step.expectedExit()) {
          throw new TrainingFailed(
              "`clawgate "
                  + String.join(" ", step.args()).replace(token, "<token>")
                  + "` exited with "
                  + exit
                  + " instead of "
                  + step.expectedExit()
                  + lastLine(output.toString(StandardCharsets.UTF_8).replace(token, "<token>")));
        }
      }
    } catch (TrainingFailed e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new TrainingFailed("the training gateway failed: " + e.getMessage(), e);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /**
   * Runs {@code clawgate mcp serve} in process on pipes, as an MCP client would drive it: parse the
   * command line, {@code initialize}, {@code tools/list}, a gateway-backed tool and the local ones,
   * then EOF. Waits for every answer before closing, so the whole path is in the cache.
   */
  private static void trainMcpServe(Target at, String tokenFile) throws IOException {
    CommandLine.ParseResult parsed =
        Main.commandLine()
            .parseArgs(
                "mcp",
                "serve",
                "--state-dir",
                at.stateDir(),
                "--url",
                at.url(),
                "--token-file",
                tokenFile);
    McpServeCommand serve =
        (McpServeCommand) parsed.subcommand().subcommand().commandSpec().userObject();
    String[] requests = {
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"training\",\"version\":\"1\"}}}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
          + "\"conversations_list\",\"arguments\":{}}}",
      "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":"
          + "\"events_poll\",\"arguments\":{\"after_cursor\":0}}}",
      "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
          + "\"permissions_list_open\",\"arguments\":{}}}",
      "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}",
    };
    int answers = requests.length - 1;
    PipedOutputStream feed = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(feed, 64 * 1024);
    LineCounter stdout = new LineCounter();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread server =
        Thread.ofVirtual()
            .start(() ->
                serve.serve(
                    stdin, stdout, new PrintStream(stderr, true, StandardCharsets.UTF_8), false));
    for (String request : requests) {
      feed.write((request + "\n").getBytes(StandardCharsets.UTF_8));
    }
    feed.flush();
    boolean answered = stdout.await(answers, Duration.ofSeconds(30));
    feed.close();
    try {
      server.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String out = stdout.text();
    if (!answered || out.contains("\"isError\":true") || out.contains("\"error\"")) {
      throw new TrainingFailed(
          "`clawgate mcp serve` did not answer as expected: "
              + lastLine(out + stderr.toString(StandardCharsets.UTF_8)));
    }
  }

  /** An output stream that counts the lines written to it. */
  private static final class LineCounter extends ByteArrayOutputStream {
    private int lines; // guarded by this

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      super.write(b, off, len);
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          lines++;
        }
      }
      notifyAll();
    }

    @Override
    public synchronized void write(int b) {
      super.write(b);
      if (b == '\n') {
        lines++;
      }
      notifyAll();
    }

    synchronized boolean await(int count, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (lines < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }

    synchronized String text() {
      return toString(StandardCharsets.UTF_8);
    }
  }

  /** A port nothing listens on (just released by the OS), for the unreachable path. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String lastLine(String text) {
    List<String> lines = text.strip().lines().toList();
    return lines.isEmpty() ? "" : ": " + lines.getLast();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      // A leftover temp dir is not worth failing the cache for.
    }
  }

  /** One command line of the training and the exit code it must end with. */
  private record Step(int expectedExit, List<String> args) {
    static Step of(int expectedExit, String... args) {
      return new Step(expectedExit, List.of(args));
    }
  }

  /** The training gateway (or a port where none listens) as the owner commands address it. */
  private record Target(String stateDir, String url) {
    /** {@code command} ("devices list") at this target, then {@code options}. */
    Step step(int expectedExit, String command, String... options) {
      List<String> args = new ArrayList<>(List.of(command.split(" ")));
      args.addAll(List.of("--state-dir", stateDir, "--url", url));
      args.addAll(List.of(options));
      return new Step(expectedExit, args);
    }
  }

  private static final class TrainingFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TrainingFailed(String message) {
      super(message);
    }

    TrainingFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
