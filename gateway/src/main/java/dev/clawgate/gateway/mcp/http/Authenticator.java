package dev.clawgate.gateway.mcp.http;

import org.eclipse.jetty.server.Request;

/**
 * Who sent an HTTP request to a protected endpoint ({@code /mcp}, the legacy SSE transport, {@code
 * /metrics}), from its {@code Authorization: Bearer} header.
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * What the request may do. Called for every request, on a request thread; must not block long.
   * Credentials are taken from the {@code Authorization} header only, never from the query string.
   */
  Authentication authenticate(Request request);
}
