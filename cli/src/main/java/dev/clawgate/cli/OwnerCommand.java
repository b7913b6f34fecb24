package dev.clawgate.cli;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every owner command shares: the connection options, the resolved target, an {@link
 * OwnerSession} to it, the notice when the state dir was used directly, and JSON output with the
 * source of the answer.
 */
abstract class OwnerCommand implements Callable<Integer> {
  /** Scopes of commands that change pairing state (admin covers every scope they may grant). */
  static final String[] OWNER_WRITE = {"operator.admin", "operator.pairing"};

  @Spec @Nullable CommandSpec spec;
  @Mixin ConnectionOptions connection = new ConnectionOptions();

  private @Nullable GatewayTarget target;

  final GatewayTarget target() {
    if (target == null) {
      target = GatewayTarget.resolve(connection, System.getenv());
    }
    return target;
  }

  final OwnerSession session(String... scopes) {
    return OwnerSession.open(target(), connection.timeout(), scopes);
  }

  final PrintWriter out() {
    return spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr();
  }

  /** Says on stderr that the state dir was used directly, when it was. */
  final void notice(OwnerSession session, boolean wrote) {
    if (session.direct()) {
      PrintWriter err = err();
      err.println(
          "clawgate: gateway not running; "
              + (wrote ? "applied to " : "read ")
              + target().config().stateDir()
              + " directly");
      err.flush();
    }
  }

  /** Prints {@code result} with {@code "source": "gateway"|"state-dir"} first. */
  final void printJson(OwnerSession session, JsonNode result) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("source", session.direct() ? "state-dir" : "gateway");
    if (result instanceof ObjectNode object) {
      node.setAll(object);
    } else {
      node.set("result", result);
    }
    PrintWriter out = out();
    out.println(Json.mapper().writeValueAsString(node));
    out.flush();
  }

  final void printText(String text) {
    PrintWriter out = out();
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }

  static ObjectNode params() {
    return Json.mapper().createObjectNode();
  }

  static ClawgateException usage(String message) {
    return ClawgateException.of(ErrorCode.INVALID_REQUEST, DetailCode.INVALID_CONFIG, message)
        .build();
  }

  /** A name for a device or request in a sentence: its label or display name, if any. */
  static String named(JsonNode node) {
    String name = node.path("label").asString(node.path("displayName").asString(""));
    return name.isEmpty() ? "" : " (" + name + ")";
  }
}
