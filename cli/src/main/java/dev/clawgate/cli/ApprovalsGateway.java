package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running gateway, as the {@code clawgate approvals} commands reach it. Unlike the pairing
 * commands they never fall back to the state dir: a pending approval means something only while its
 * requester waits on the gateway, so with no gateway there is nothing to answer (exit 3).
 *
 * <p>The CLI announces itself as {@value GatewayTarget#CLIENT_NAME}, which is what {@code
 * resolvedBy} shows.
 */
final class ApprovalsGateway implements AutoCloseable {
  static final String SCOPE = "operator.approvals";
  static final String PLUGIN_PREFIX = "plugin:";

  private final GatewayClient client;

  private ApprovalsGateway(GatewayClient client) {
    this.client = client;
  }

  static ApprovalsGateway connect(GatewayTarget target, Duration timeout) {
    return new ApprovalsGateway(
        OwnerErrors.connectRunning(
            target,
            timeout,
            "approvals need the running gateway (pending approvals and their requesters live"
                + " there)",
            SCOPE));
  }

  JsonNode call(String method, ObjectNode params) {
    return client.call(method, params);
  }

  /** {@code exec} or {@code plugin}: plugin ids always start with {@code plugin:}. */
  static String kindOf(String id) {
    return id.startsWith(PLUGIN_PREFIX) ? "plugin" : "exec";
  }

  /**
   * Resolves approval {@code id} with {@code decision}; returns {@code {kind, ok, id, decision}}.
   * An exec id may be a unique prefix (the gateway matches it); a plugin id may be too, matched
   * here against the pending plugin approvals.
   */
  ObjectNode resolve(String id, String decision) {
    String kind = kindOf(id);
    String fullId = kind.equals("plugin") ? pluginId(id) : id;
    ObjectNode params =
        Json.mapper().createObjectNode().put("id", fullId).put("decision", decision);
    JsonNode answer = call(kind + ".approval.resolve", params);
    ObjectNode result = Json.mapper().createObjectNode().put("kind", kind);
    if (answer instanceof ObjectNode object) {
      result.setAll(object);
    }
    return result;
  }

  private String pluginId(String prefix) {
    List<String> matches = new ArrayList<>();
    for (JsonNode a : call("plugin.approval.list", Json.mapper().createObjectNode())) {
      String id = a.path("id").asString();
      if (id.equals(prefix)) {
        return id;
      }
      if (id.startsWith(prefix)) {
        matches.add(id);
      }
    }
    if (matches.size() > 1) {
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.APPROVAL_ID_AMBIGUOUS,
              "ambiguous plugin approval id prefix "
                  + prefix
                  + "; matches: "
                  + String.join(", ", matches)
                  + ". Use the full id.")
          .detail("matches", matches)
          .build();
    }
    // One match is the one meant; none: the gateway says what became of it.
    return matches.isEmpty() ? prefix : matches.getFirst();
  }

  /** Prints {@code result} as one JSON line, with {@code "source": "gateway"} first. */
  static void printJson(PrintWriter out, ObjectNode result) {
    ObjectNode node = Json.mapper().createObjectNode().put("source", "gateway");
    node.setAll(result);
    out.println(Json.mapper().writeValueAsString(node));
    out.flush();
  }

  @Override
  public void close() {
    client.close();
  }
}
