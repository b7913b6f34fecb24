package dev.clawgate.mcp.tools;

import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.Outbound;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
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
