package dev.clawgate.gateway.mcp.http;

import dev.clawgate.protocol.ScopeSet;

/**
 * The operator scopes a tool needs beyond what lets a principal reach the endpoint at all. A {@code
 * tools/call} of a tool whose scopes the caller's token does not hold is refused with 403 and an
 * RFC 6750 {@code insufficient_scope} challenge naming them, so the client can ask for a token that
 * holds them (step-up authorization) and retry.
 */
@FunctionalInterface
public interface ToolScopes {

  /** No tool needs a scope. */
  ToolScopes NONE = toolName -> ScopeSet.empty();

  /**
   * The scopes calling {@code toolName} needs; empty when none (also for an unknown tool, which the
   * session answers). Called on a request thread for every {@code tools/call}; must not block.
   */
  ScopeSet required(String toolName);

  /**
   * Told once per refused request (403 {@code insufficient_scope}), with the first tool refused:
   * for metrics. Does nothing by default; must not block.
   */
  default void refused(String toolName) {}
}
