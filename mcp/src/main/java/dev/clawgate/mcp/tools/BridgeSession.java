package dev.clawgate.mcp.tools;

import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.Outbound;
import dev.clawgate.mcp.server.ToolCallObserver;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * An MCP session serving a {@link ChannelBridge}'s tools, wired the same way for every transport
 * ({@code clawgate mcp serve} over stdio, the gateway's {@code /mcp} over HTTP): the nine tools,
 * the Claude channel capabilities, the permission-request handler, and the bridge's notifications
 * written through the session. The bridge listens to the port from {@link #open} on.
 *
 * @param session the MCP session; transports feed it messages
 * @param bridge its tools' state (event queue, pending approvals)
 */
public record BridgeSession(McpSession session, ChannelBridge bridge) implements AutoCloseable {

  /** The server name in {@code initialize}'s {@code serverInfo}. */
  public static final String SERVER_NAME = "clawgate";

  /**
   * Opens a session over {@code port}; unsolicited messages (channel notifications) go to {@code
   * outbound}. Gateway-backed tools wait up to {@code readyTimeout} for the port.
   */
  public static BridgeSession open(
      ConversationPort port,
      ClaudeChannelMode mode,
      Diagnostics diagnostics,
      Clock clock,
      Duration readyTimeout,
      String version,
      Outbound outbound) {
    return open(
        port,
        mode,
        diagnostics,
        clock,
        readyTimeout,
        version,
        outbound,
        tool -> true,
        ToolCallObserver.none());
  }

  /**
   * {@link #open(ConversationPort, ClaudeChannelMode, Diagnostics, Clock, Duration, String,
   * Outbound) open}, showing only the tools {@code visibleTools} accepts (asked on every list and
   * call, see {@link McpSession.Builder#visibleTools}) and reporting each call to {@code observer}.
   */
  public static BridgeSession open(
      ConversationPort port,
      ClaudeChannelMode mode,
      Diagnostics diagnostics,
      Clock clock,
      Duration readyTimeout,
      String version,
      Outbound outbound,
      Predicate<String> visibleTools,
      ToolCallObserver observer) {
    // The bridge needs the session to notify through, the session the bridge's tools: the
    // notifier looks the session up when it is used, by then it exists.
    AtomicReference<@Nullable McpSession> sessionRef = new AtomicReference<>();
    ChannelBridge bridge =
        new ChannelBridge(
            port,
            mode,
            (method, params) -> {
              McpSession session = sessionRef.get();
              if (session == null) {
                throw new IOException("the MCP session has not started");
              }
              session.notify(method, params);
            },
            diagnostics,
            clock,
            readyTimeout);
    McpSession session =
        McpSession.builder()
            .serverInfo(SERVER_NAME, version)
            .tools(bridge.tools())
            .experimental(bridge.experimentalCapabilities())
            .onNotification(ChannelBridge.PERMISSION_REQUEST_METHOD, bridge::onPermissionRequest)
            .diagnostics(diagnostics)
            .visibleTools(visibleTools)
            .toolCallObserver(observer)
            .outbound(outbound)
            .build();
    sessionRef.set(session);
    bridge.start();
    return new BridgeSession(session, bridge);
  }

  /** Closes the session (running calls end unanswered), then the bridge (waiters released). */
  @Override
  public void close() {
    session.close();
    bridge.close();
  }
}
