/**
 * The gateway's own side of the MCP conversation tools: {@link
 * dev.clawgate.gateway.mcp.InProcessConversationPort} gives {@code dev.clawgate.mcp.tools}' {@code
 * ChannelBridge} the gateway's methods and events for one authenticated principal, in process, with
 * the checks and shapes a WebSocket connection of that principal would get.
 */
@NullMarked
package dev.clawgate.gateway.mcp;

import org.jspecify.annotations.NullMarked;
