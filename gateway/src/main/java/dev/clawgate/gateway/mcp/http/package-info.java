/**
 * MCP's Streamable HTTP transport (revisions 2025-03-26, 2025-06-18 and 2025-11-25, and the
 * stateless form of 2026-07-28 on the same endpoint) as a Jetty core handler: {@link
 * dev.clawgate.gateway.mcp.http.StreamableHttpHandler} feeds each POSTed JSON-RPC message to a
 * {@link dev.clawgate.mcp.server.McpSession} and streams back what the session writes, as JSON or
 * as server-sent events. Transport only: what the session serves comes from a {@link
 * dev.clawgate.gateway.mcp.http.SessionFactory}, who the caller is from an {@link
 * dev.clawgate.gateway.mcp.http.Authenticator}.
 */
@NullMarked
package dev.clawgate.gateway.mcp.http;

import org.jspecify.annotations.NullMarked;
