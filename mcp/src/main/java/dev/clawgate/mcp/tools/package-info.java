/**
 * The conversation tools MCP clients call ({@code conversations_list}, {@code events_wait}, {@code
 * permissions_respond}, ...), the live event queue behind them, approval tracking and the Claude
 * channel notifications. Everything here reaches the gateway through {@link
 * dev.clawgate.mcp.tools.ConversationPort}, so the same tools serve {@code clawgate mcp serve}
 * (over the gateway client) and the gateway's own {@code /mcp} (in process).
 */
@NullMarked
package dev.clawgate.mcp.tools;

import org.jspecify.annotations.NullMarked;
