package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the conversation commands ({@code sessions}, {@code message}, {@code channels}) share: the
 * owner command's options and output, but calls that go to a running gateway only. Sessions,
 * transcripts and channels live in the gateway (channels only run there), so unlike {@code devices}
 * these commands never fall back to the state dir: a gateway that does not answer is exit 3, with
 * the address, where it came from and how to start it.
 */
abstract class SessionsGatewayCommand extends OwnerCommand {
  /** Scopes of the commands that only read. */
  static final String[] READ = {"operator.read"};

  /** Scopes of the commands that send (they read the session's route first). */
  static final String[] READ_WRITE = {"operator.read", "operator.write"};

  /** A connection to the gateway holding {@code scopes}; the caller closes it. */
  final GatewayClient gateway(String... scopes) {
    return OwnerErrors.connectRunning(
        target(), connection.timeout(), "`" + commandName() + "` needs a running gateway", scopes);
  }

  /** Prints {@code result} with {@code "source": "gateway"} first, as the devices commands do. */
  final void printJson(JsonNode result) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("source", "gateway");
    if (result instanceof ObjectNode object) {
      node.setAll(object);
    } else {
      node.set("result", result);
    }
    printText(Json.mapper().writeValueAsString(node));
  }

  /** "clawgate sessions list", for messages. */
  final String commandName() {
    return spec == null ? "clawgate" : spec.qualifiedName(" ");
  }

  /** A text field, or {@code fallback} when it is absent, not text or blank. */
  static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.path(field);
    if (value.isString() || value.isNumber()) {
      String text = value.asString();
      return text.isBlank() ? fallback : text;
    }
    return fallback;
  }

  /** {@code text} on one line, cut to {@code max} characters with "…" (0: no limit). */
  static String cut(String text, int max) {
    String line = text.strip().replaceAll("\\s+", " ");
    return max > 0 && line.length() > max ? line.substring(0, max - 1) + "…" : line;
  }
}
