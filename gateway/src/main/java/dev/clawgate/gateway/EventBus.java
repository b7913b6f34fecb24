package dev.clawgate.gateway;

import dev.clawgate.protocol.Scope;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Fans events out to the gateway's connections. Only connections past {@code hello-ok} receive
 * events; each gets its own monotonically increasing {@code seq}.
 *
 * <p>Never blocks on a slow connection: each connection has a bounded outbound buffer. When it is
 * full, {@link GatewayEvents#isDroppable droppable} events are dropped for that connection and any
 * other frame closes it (1008, "slow consumer: outbound buffer full").
 */
public interface EventBus {
  /**
   * Sends {@code event} to every connection whose scopes allow {@code requiredScope}.
   *
   * @param event one of {@link GatewayEvents#ALL} (not {@code connect.challenge})
   * @param payload the event payload
   * @param requiredScope the scope a connection needs to receive it; empty means everyone
   * @throws IllegalArgumentException for an event the gateway does not announce
   */
  void broadcast(String event, JsonNode payload, Optional<Scope> requiredScope);

  /**
   * Sends {@code event} to the connections among {@code connIds} that are open and whose scopes
   * allow {@code requiredScope} (targeted events such as a session's subscribers). Unknown or
   * closed ids are skipped.
   *
   * @throws IllegalArgumentException for an event the gateway does not announce
   */
  void sendTo(
      Collection<String> connIds, String event, JsonNode payload, Optional<Scope> requiredScope);

  /** Whether the connection {@code connId} completed its handshake and is still open. */
  boolean isConnected(String connId);

  /**
   * Calls {@code listener} with the connection id of every connection that completed its handshake
   * and has now closed, once per connection, so per-connection state (subscriptions) can be
   * dropped. A registry that adds state for a connection should check {@link #isConnected} after
   * adding it, since the connection may close concurrently.
   */
  void onDisconnect(Consumer<String> listener);

  /** Sends {@code event} to every connection. */
  default void broadcast(String event, JsonNode payload) {
    broadcast(event, payload, Optional.empty());
  }
}
