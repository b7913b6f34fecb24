/**
 * The MCP server side, independent of transport and of what the tools do: JSON-RPC 2.0 message
 * handling, the {@code initialize} handshake and protocol-version negotiation, {@code ping}, {@code
 * tools/list}, {@code tools/call} (each call on its own virtual thread, cancelled by {@code
 * notifications/cancelled}), custom notifications in both directions, and the stdio transport.
 *
 * <p>{@link dev.clawgate.mcp.server.McpSession} is one client's session; transports feed it
 * messages and give it a place to write. The stdio transport is {@link
 * dev.clawgate.mcp.server.StdioTransport}; the gateway's HTTP transport reuses the session.
 */
@NullMarked
package dev.clawgate.mcp.server;

import org.jspecify.annotations.NullMarked;
