package dev.clawgate.mcp.tools;

import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.util.Map;

/**
 * Which operator scope each of the nine tools needs: the scope of the gateway methods it calls. A
 * principal without it does not see the tool in {@code tools/list}, and a call is refused with the
 * missing scope named (over HTTP: 403 {@code insufficient_scope}, so the client can step up).
 */
public final class ToolAccess {
  private static final Map<String, ScopeSet> REQUIRED =
      Map.of(
          "conversations_list", ScopeSet.of(Scope.READ),
          "conversation_get", ScopeSet.of(Scope.READ),
          "messages_read", ScopeSet.of(Scope.READ),
          "attachments_fetch", ScopeSet.of(Scope.READ),
          "events_poll", ScopeSet.of(Scope.READ),
          "events_wait", ScopeSet.of(Scope.READ),
          "messages_send", ScopeSet.of(Scope.WRITE),
          "permissions_list_open", ScopeSet.of(Scope.APPROVALS),
          "permissions_respond", ScopeSet.of(Scope.APPROVALS));

  private ToolAccess() {}

  /** The scopes {@code tool} needs; empty for a tool that is not one of the nine. */
  public static ScopeSet required(String tool) {
    return REQUIRED.getOrDefault(tool, ScopeSet.empty());
  }

  /** Whether a principal holding {@code held} may see and call {@code tool}. */
  public static boolean allows(ScopeSet held, String tool) {
    return held.covers(required(tool));
  }
}
