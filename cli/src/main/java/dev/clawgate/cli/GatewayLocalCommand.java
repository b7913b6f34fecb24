package dev.clawgate.cli;

import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the commands that manage the gateway of this machine share ({@code gateway status}, {@code
 * stop}, {@code token}, {@code install}, {@code uninstall}): they act on a state dir and on local
 * processes rather than over a connection, print to the command line's streams, and print one JSON
 * object with {@code --json}.
 */
abstract class GatewayLocalCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object (its shape is shown below).")
  boolean json;

  /** The environment the command runs in (a field so that the one read is explicit). */
  final Map<String, String> env = System.getenv();

  /** {@code --state-dir}, else {@code $CLAWGATE_STATE_DIR}, else {@code ~/.clawgate}; absolute. */
  final Path stateDir(@Nullable Path flag) {
    return ConfigLoader.stateDir(Optional.ofNullable(flag), env).toAbsolutePath().normalize();
  }

  final PrintWriter out() {
    return spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr();
  }

  /** Prints lines of text to stdout; nothing with {@code --json}, where stdout is one object. */
  final void say(String... lines) {
    if (json) {
      return;
    }
    PrintWriter out = out();
    for (String line : lines) {
      out.println(line);
    }
    out.flush();
  }

  /** Prints {@code clawgate: <message>} to stderr. */
  final void complain(String message) {
    PrintWriter err = err();
    err.println("clawgate: " + message);
    err.flush();
  }

  final void printJson(ObjectNode node) {
    PrintWriter out = out();
    out.println(Json.mapper().writeValueAsString(node));
    out.flush();
  }

  static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }

  static ClawgateException usage(String message) {
    return ClawgateException.of(ErrorCode.INVALID_REQUEST, DetailCode.INVALID_CONFIG, message)
        .build();
  }
}
