package dev.clawgate.mcp.tools;

import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the conversation tools need of a gateway: six calls and one event stream. Params and answers
 * are the gateway methods' own JSON (docs: the gateway protocol), passed through unchanged, so a
 * tool's {@code structuredContent} carries what the gateway said.
 *
 * <p>Every call blocks the calling (virtual) thread. A call the gateway refuses, or that cannot be
 * made (not connected, timed out), throws {@link PortException} with a message meant for the tool's
 * caller (the gateway's own error message where there is one). A call interrupted while it waits
 * throws {@link InterruptedException}.
 */
public interface ConversationPort {

  /**
   * Waits until the gateway connection is ready (handshake done and subscribed to events), at most
   * {@code timeout}.
   *
   * @throws PortException when it is not ready in time, with the reason (for example {@code Gateway
   *     client is not ready: pairing required; approve with `clawgate devices approve <id>`})
   */
  void awaitReady(Duration timeout) throws InterruptedException;

  /** {@code sessions.list}. */
  JsonNode listSessions(ObjectNode params) throws InterruptedException;

  /** {@code sessions.describe}: {@code {session: row | null}}. */
  JsonNode describeSession(ObjectNode params) throws InterruptedException;

  /** {@code sessions.get}: {@code {messages: [...]}}. */
  JsonNode readMessages(ObjectNode params) throws InterruptedException;

  /**
   * {@code chat.message.get}: {@code {ok, message?, unavailableReason?}}; empty when the gateway
   * does not offer the method (the caller then looks the message up in {@link #readMessages}).
   */
  Optional<JsonNode> getMessage(ObjectNode params) throws InterruptedException;

  /** {@code send}. */
  JsonNode send(ObjectNode params) throws InterruptedException;

  /** {@code exec.approval.resolve} or {@code plugin.approval.resolve}. */
  JsonNode resolveApproval(ApprovalKind kind, ObjectNode params) throws InterruptedException;

  /**
   * Delivers the gateway events the tools react to ({@code session.message}, {@code
   * exec.approval.requested|resolved}, {@code plugin.approval.requested|resolved}) to {@code
   * listener}, in the order the gateway sent them, from now until the returned handle is closed.
   * Events are live only: nothing is replayed, and events sent while the connection is down are not
   * seen.
   */
  AutoCloseable subscribe(GatewayEventListener listener);

  /** Receives gateway events; must not block for long (it holds up the events after it). */
  @FunctionalInterface
  interface GatewayEventListener {
    void onEvent(String event, JsonNode payload);
  }
}
