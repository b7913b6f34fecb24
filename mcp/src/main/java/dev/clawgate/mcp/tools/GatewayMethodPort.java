package dev.clawgate.mcp.tools;

import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link ConversationPort} whose calls are the gateway's own methods, by name: what every port
 * does, whether it reaches the gateway over a connection ({@code mcp serve}) or in process ({@code
 * /mcp}). Subclasses say how one method is called, and whether the gateway offers {@code
 * chat.message.get}.
 */
public abstract class GatewayMethodPort implements ConversationPort {
  /** The gateway events the tools react to; a port drops every other event. */
  public static final Set<String> EVENTS =
      Set.of(
          "session.message",
          "exec.approval.requested",
          "exec.approval.resolved",
          "plugin.approval.requested",
          "plugin.approval.resolved");

  /**
   * Calls the gateway method {@code method} with {@code params} and returns its answer.
   *
   * @throws PortException when the gateway refuses it (with its message) or it cannot be made
   */
  protected abstract JsonNode call(String method, ObjectNode params) throws InterruptedException;

  /** Whether the gateway offers {@code chat.message.get}. */
  protected abstract boolean offersMessageLookup() throws InterruptedException;

  @Override
  public JsonNode listSessions(ObjectNode params) throws InterruptedException {
    return call("sessions.list", params);
  }

  @Override
  public JsonNode describeSession(ObjectNode params) throws InterruptedException {
    return call("sessions.describe", params);
  }

  @Override
  public JsonNode readMessages(ObjectNode params) throws InterruptedException {
    return call("sessions.get", params);
  }

  @Override
  public Optional<JsonNode> getMessage(ObjectNode params) throws InterruptedException {
    return offersMessageLookup() ? Optional.of(call("chat.message.get", params)) : Optional.empty();
  }

  @Override
  public JsonNode send(ObjectNode params) throws InterruptedException {
    return call("send", params);
  }

  @Override
  public JsonNode resolveApproval(ApprovalKind kind, ObjectNode params)
      throws InterruptedException {
    return call(kind.wire() + ".approval.resolve", params);
  }
}
