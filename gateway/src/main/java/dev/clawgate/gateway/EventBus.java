package dev.clawgate.gateway;

import dev.clawgate.protocol.Scope;
import java.util.Optional;
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

  /** Sends {@code event} to every connection. */
  default void broadcast(String event, JsonNode payload) {
    broadcast(event, payload, Optional.empty());
  }
}
