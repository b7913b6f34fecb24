package dev.clawgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs {@code systemctl --user ...}, the {@code systemctl} found on {@code PATH}, and reports each
 * run as a {@link Step} the commands print: what was run, how it ended, what it said. Nothing here
 * decides what a failure means; the commands do.
 */
final class SystemdControl {
  /** Exit code of a step whose {@code systemctl} could not be started at all. */
  static final int NOT_RUN = -1;

  private static final int KEPT_OUTPUT = 2_000;

  private SystemdControl() {}

  /**
   * One run of {@code systemctl}.
   *
   * @param command the command line as a user would type it
   * @param exitCode its exit code, or {@link #NOT_RUN}
   * @param output what it printed (stdout and stderr), stripped; or why it could not run
   */
  record Step(String command, int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    /** "ok", "failed (exit 1): Failed to connect to bus", "not run: systemctl not found". */
    String outcome() {
      if (exitCode == NOT_RUN) {
        return "not run: " + output;
      }
      String said = output.isEmpty() ? "" : ": " + output.lines().findFirst().orElse("");
      return exitCode == 0 ? "ok" + said : "failed (exit " + exitCode + ")" + said;
    }

    ObjectNode toJson() {
      ObjectNode node = GatewayLocalCommand.object();
      node.put("command", command);
      node.put("exitCode", exitCode);
      node.put("output", output);
      return node;
    }
  }

  /** The command line {@code systemctl --user <args>}, as printed and as run. */
  static String commandLine(String... args) {
    return "systemctl --user " + String.join(" ", args);
  }

  /** Runs {@code systemctl --user <args>}; waits up to {@code timeout}. */
  static Step run(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("systemctl", "--user"));
    command.addAll(List.of(args));
    String line = commandLine(args);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Step(line, NOT_RUN, "systemctl not found on PATH (" + e.getMessage() + ")");
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> output = read(process.getInputStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Step(line, NOT_RUN, "no answer within " + timeout.toSeconds() + " s");
      }
      String said = output.join().strip();
      if (said.length() > KEPT_OUTPUT) {
        said = said.substring(0, KEPT_OUTPUT) + " ...";
      }
      return new Step(line, process.exitValue(), said);
    } catch (IOException e) {
      process.destroyForcibly();
      return new Step(line, NOT_RUN, e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return new Step(line, NOT_RUN, "interrupted");
    }
  }

  private static CompletableFuture<String> read(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(() -> {
          try (stream) {
            text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            text.complete("");
          }
        });
    return text;
  }
}
