package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;

/** Who sent an MCP request, from its headers (typically {@code Authorization: Bearer ...}). */
@FunctionalInterface
public interface Authenticator {

  /**
   * The principal the request acts for; empty when it carries no valid credentials, which the
   * handler answers with 401. Called for every request, on a request thread; must not block long.
   */
  Optional<McpPrincipal> authenticate(HttpFields headers);
}
