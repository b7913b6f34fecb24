package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.JsonValues.text;

import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.Notifier;
import dev.clawgate.mcp.server.Tool;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One MCP session's view of the gateway: the nine conversation tools, the live event queue they
 * read, the approvals seen pending, and Claude Code's channel protocol.
 *
 * <p>Life cycle: construct, register {@link #tools()} and {@link #experimentalCapabilities()} with
 * the session and route {@code notifications/claude/channel/permission_request} to {@link
 * #onPermissionRequest}; {@link #start()} once the session can send notifications (events from then
 * on are queued); {@link #close()} when the session ends. Gateway events are handled on the port's
 * delivery thread; handling never throws and never blocks for long (a notification write at most).
 *
 * <p>The Claude channel rules (reference §5): a {@code session.message} from role {@code user} with
 * a complete route is forwarded as {@code notifications/claude/channel}. A message whose whole
 * first text is {@code yes <id>} or {@code no <id>}, from the owner ({@code senderIsOwner: true},
 * role {@code user}), naming a pending permission request, answers it with {@code
 * notifications/claude/channel/permission} instead, and is neither queued nor forwarded; the id
 * stays pending until that notification was written, so a repeated reply can retry it.
 */
public final class ChannelBridge implements AutoCloseable {
  /** The inbound notification {@link #onPermissionRequest} handles. */
  public static final String PERMISSION_REQUEST_METHOD = ClaudeChannel.PERMISSION_REQUEST;

  private final ConversationPort port;
  private final ClaudeChannelMode mode;
  private final Notifier notifier;
  private final Diagnostics diagnostics;
  private final EventQueue queue = new EventQueue();
  private final PendingApprovals approvals;
  private final List<Tool> tools;
  private volatile boolean closed;
  private boolean started; // guarded by this
  private @Nullable AutoCloseable subscription; // guarded by this

  /**
   * A bridge over {@code port}. Gateway-backed tools wait up to {@code readyTimeout} for the port
   * to be ready; {@code clock} times approval and permission expiry.
   */
  public ChannelBridge(
      ConversationPort port,
      ClaudeChannelMode mode,
      Notifier notifier,
      Diagnostics diagnostics,
      Clock clock,
      Duration readyTimeout) {
    this.port = Objects.requireNonNull(port, "null port");
    this.mode = Objects.requireNonNull(mode, "null mode");
    this.notifier = Objects.requireNonNull(notifier, "null notifier");
    this.diagnostics = Objects.requireNonNull(diagnostics, "null diagnostics");
    this.approvals = new PendingApprovals(Objects.requireNonNull(clock, "null clock"));
    ReadyPort gateway = new ReadyPort(port, readyTimeout);
    ConversationTools conversations = new ConversationTools(gateway);
    EventTools events = new EventTools(queue);
    ApprovalTools approvalTools = new ApprovalTools(gateway, approvals);
    this.tools =
        List.of(
            conversations.list(),
            conversations.get(),
            conversations.read(),
            conversations.attachments(),
            events.poll(),
            events.await(),
            conversations.send(),
            approvalTools.listOpen(),
            approvalTools.respond());
  }

  /** The nine tools, in the reference's order. */
  public List<Tool> tools() {
    return tools;
  }

  /**
   * {@code {"claude/channel": {}, "claude/channel/permission": {}}} for {@code initialize}'s {@code
   * capabilities.experimental}; empty when the mode is {@code off}.
   */
  public Map<String, ObjectNode> experimentalCapabilities() {
    Map<String, ObjectNode> capabilities = new LinkedHashMap<>();
    if (mode.enabled()) {
      capabilities.put("claude/channel", JsonValues.object());
      capabilities.put("claude/channel/permission", JsonValues.object());
    }
    return capabilities;
  }

  /** Starts queueing gateway events. Idempotent; does nothing once closed. */
  public synchronized void start() {
    if (started || closed) {
      return;
    }
    started = true;
    subscription = port.subscribe(this::onGatewayEvent);
  }

  /**
   * Stops listening, wakes every waiting {@code events_wait} with no event, forgets pending state.
   */
  @Override
  public void close() {
    AutoCloseable handle;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      handle = subscription;
      subscription = null;
    }
    queue.close();
    approvals.close();
    if (handle != null) {
      try {
        handle.close();
      } catch (Exception e) {
        diagnostics.verbose("clawgate mcp: unsubscribing from gateway events failed: " + e);
      }
    }
  }

  /**
   * Handles {@code notifications/claude/channel/permission_request} {@code {request_id, tool_name,
   * description, input_preview}}: remembers the id and queues a {@code claude_permission_request}
   * event. Invalid params are ignored with a diagnostic line; so is the request when the mode is
   * {@code off} (the capability was not advertised).
   */
  public void onPermissionRequest(JsonNode params) {
    if (closed) {
      return;
    }
    JsonNode requestId = params.path("request_id");
    JsonNode toolName = params.path("tool_name");
    JsonNode description = params.path("description");
    JsonNode inputPreview = params.path("input_preview");
    if (!requestId.isString()
        || !toolName.isString()
        || !description.isString()
        || !inputPreview.isString()) {
      diagnostics.line(
          "clawgate mcp: ignored "
              + PERMISSION_REQUEST_METHOD
              + ": request_id, tool_name, description and input_preview must be strings");
      return;
    }
    if (!mode.enabled()) {
      diagnostics.verbose(
          "clawgate mcp: ignored " + PERMISSION_REQUEST_METHOD + ": claude channel mode is off");
      return;
    }
    approvals.rememberClaudePermission(requestId.stringValue());
    ObjectNode body = JsonValues.object();
    body.put("type", "claude_permission_request");
    body.set("requestId", requestId);
    body.set("toolName", toolName);
    body.set("description", description);
    body.set("inputPreview", inputPreview);
    queue.push(Optional.empty(), body);
    diagnostics.verbose("clawgate mcp: pending Claude permission " + requestId.stringValue());
  }

  /** The port's listener: reacts to the five gateway events of reference §4.1, ignores the rest. */
  void onGatewayEvent(String event, JsonNode payload) {
    if (closed) {
      return;
    }
    try {
      switch (event) {
        case "session.message" -> onSessionMessage(payload);
        case "exec.approval.requested" -> onApproval("exec_approval_requested", payload, true);
        case "exec.approval.resolved" -> onApproval("exec_approval_resolved", payload, false);
        case "plugin.approval.requested" -> onApproval("plugin_approval_requested", payload, true);
        case "plugin.approval.resolved" -> onApproval("plugin_approval_resolved", payload, false);
        default -> {}
      }
    } catch (RuntimeException e) {
      diagnostics.line("clawgate mcp: gateway event " + event + " failed");
      diagnostics.verbose("clawgate mcp: gateway event " + event + " error: " + e);
    }
  }

  private void onApproval(String type, JsonNode payload, boolean requested) {
    JsonNode raw = payload.isObject() ? payload : JsonValues.object();
    ApprovalKind kind = type.startsWith("exec") ? ApprovalKind.EXEC : ApprovalKind.PLUGIN;
    if (requested) {
      approvals.track(kind, raw);
    } else {
      approvals.untrack(raw);
    }
    ObjectNode body = JsonValues.object();
    body.put("type", type);
    body.set("raw", raw);
    queue.push(Optional.empty(), body);
  }

  private void onSessionMessage(JsonNode payload) {
    String sessionKey = text(payload.path("sessionKey"));
    if (sessionKey == null) {
      return;
    }
    // The route of the reply, from the session fields the payload carries flat (reference §5.2).
    ObjectNode route = JsonValues.object();
    route.put("key", sessionKey);
    for (String field : new String[] {"lastChannel", "lastTo", "lastAccountId", "lastThreadId"}) {
      if (!payload.path(field).isMissingNode()) {
        route.set(field, payload.path(field));
      }
    }
    Optional<ObjectNode> conversation = Conversations.toConversation(route);
    JsonNode message = payload.path("message");
    String role = text(message.path("role"));
    String text = ClaudeChannel.firstText(message);
    JsonNode owner = payload.path("senderIsOwner");
    boolean fromOwner = "user".equals(role) && owner.isBoolean() && owner.booleanValue();
    Optional<ClaudeChannel.Reply> reply =
        fromOwner && text != null ? ClaudeChannel.parseReply(text) : Optional.empty();
    if (reply.isPresent() && approvals.isClaudePermissionPending(reply.get().requestId())) {
      if (notify(ClaudeChannel.PERMISSION, reply.get().toParams())) {
        approvals.forgetClaudePermission(reply.get().requestId());
      }
      return;
    }
    String messageId = text(payload.path("messageId"));
    ObjectNode body = JsonValues.object();
    body.put("type", "message");
    body.put("sessionKey", sessionKey);
    conversation.ifPresent(c -> body.set("conversation", c));
    if (messageId != null) {
      body.put("messageId", messageId);
    }
    if (payload.path("messageSeq").isNumber()) {
      body.set("messageSeq", payload.path("messageSeq"));
    }
    if (role != null) {
      body.put("role", role);
    }
    if (text != null) {
      body.put("text", text);
    }
    body.set("raw", payload);
    queue.push(Optional.of(sessionKey), body);
    if (mode.enabled() && "user".equals(role) && conversation.isPresent()) {
      notify(
          ClaudeChannel.CHANNEL,
          ClaudeChannel.channelParams(sessionKey, conversation.get(), text, messageId));
    }
  }

  /** The queue, for tests in this package. */
  EventQueue queue() {
    return queue;
  }

  /** Sends a notification; a failure is reported on the diagnostics, never thrown. */
  private boolean notify(String method, ObjectNode params) {
    if (closed) {
      return false;
    }
    try {
      notifier.notify(method, params);
      return true;
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        diagnostics.line("clawgate mcp: notification " + method + " failed");
        diagnostics.verbose("clawgate mcp: notification " + method + " error: " + e);
      }
      return false;
    }
  }
}
