package dev.clawgate.gateway;

import java.util.List;
import java.util.Set;

/**
 * The events this gateway emits: the one list announced in {@code hello-ok.features.events} and
 * accepted by {@link EventBus#broadcast}. Adding an event means adding it here.
 */
public final class GatewayEvents {
  public static final String CONNECT_CHALLENGE = "connect.challenge";
  public static final String TICK = "tick";
  public static final String HEALTH = "health";
  public static final String PRESENCE = "presence";
  public static final String SESSION_MESSAGE = "session.message";
  public static final String SESSIONS_CHANGED = "sessions.changed";
  public static final String DEVICE_PAIR_REQUESTED = "device.pair.requested";
  public static final String DEVICE_PAIR_RESOLVED = "device.pair.resolved";
  public static final String EXEC_APPROVAL_REQUESTED = "exec.approval.requested";
  public static final String EXEC_APPROVAL_RESOLVED = "exec.approval.resolved";
  public static final String PLUGIN_APPROVAL_REQUESTED = "plugin.approval.requested";
  public static final String PLUGIN_APPROVAL_RESOLVED = "plugin.approval.resolved";
  public static final String SHUTDOWN = "shutdown";

  /** Every event, in the order announced in {@code hello-ok}. */
  public static final List<String> ALL =
      List.of(
          CONNECT_CHALLENGE,
          TICK,
          HEALTH,
          PRESENCE,
          SESSION_MESSAGE,
          SESSIONS_CHANGED,
          DEVICE_PAIR_REQUESTED,
          DEVICE_PAIR_RESOLVED,
          EXEC_APPROVAL_REQUESTED,
          EXEC_APPROVAL_RESOLVED,
          PLUGIN_APPROVAL_REQUESTED,
          PLUGIN_APPROVAL_RESOLVED,
          SHUTDOWN);

  /**
   * Events that carry no state a client could miss: a slow connection may lose them instead of
   * being closed. Dropped events consume no {@code seq}, so a gap always means lost state.
   */
  public static final Set<String> DROPPABLE = Set.of(TICK, PRESENCE, HEALTH);

  private GatewayEvents() {}

  /** Whether {@code event} may be dropped for a slow connection. */
  public static boolean isDroppable(String event) {
    return DROPPABLE.contains(event);
  }
}
