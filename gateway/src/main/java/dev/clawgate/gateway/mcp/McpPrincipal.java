package dev.clawgate.gateway.mcp;

import dev.clawgate.protocol.ScopeSet;
import java.util.Collection;
import java.util.Objects;

/**
 * Who an in-process port acts for: what a WebSocket connection's grant would say of it.
 *
 * @param name the display name ({@code resolvedBy}, {@code createdBy}): the OAuth client's or
 *     token's name
 * @param scopes the operator scopes granted; every method and event is checked against them
 * @param id a stable id for the audit log: calls run under it as their connection id, so the audit
 *     actor reads {@code conn:<id>}
 * @param remoteAddress where the calls come from, as the audit log records it
 */
public record McpPrincipal(String name, ScopeSet scopes, String id, String remoteAddress) {
  /** The remote address recorded when none is known. */
  public static final String IN_PROCESS = "in-process";

  public McpPrincipal {
    Objects.requireNonNull(name, "null name");
    Objects.requireNonNull(scopes, "null scopes");
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(remoteAddress, "null remoteAddress");
    if (id.isBlank()) {
      throw new IllegalArgumentException("blank principal id");
    }
  }

  /** A principal whose remote address is unknown ({@value #IN_PROCESS}). */
  public McpPrincipal(String name, ScopeSet scopes, String id) {
    this(name, scopes, id, IN_PROCESS);
  }

  /**
   * A principal holding the scopes named (wire names, e.g. {@code operator.read}).
   *
   * @throws IllegalArgumentException for a malformed scope name
   */
  public static McpPrincipal of(String name, Collection<String> scopeNames, String id) {
    return new McpPrincipal(name, ScopeSet.ofNames(scopeNames), id);
  }
}
