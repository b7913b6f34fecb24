package dev.clawgate.gateway;

import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live WebSocket connections of one server (from upgrade until Jetty reports the socket closed)
 * and the event fan-out over them.
 *
 * <p>A broadcast serializes the event once and hands it to each connection, which filters by scope
 * and enqueues without blocking; one connection failing or being slow never affects the others.
 */
final class Connections implements EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

  private final Set<GatewayConnection> sockets = ConcurrentHashMap.newKeySet();
  private final Map<String, GatewayConnection> byConnId = new ConcurrentHashMap<>();
  private final List<Consumer<String>> disconnectListeners = new CopyOnWriteArrayList<>();
  private final Map<String, LocalReceiver> locals = new ConcurrentHashMap<>();
  private volatile boolean closing;

  void add(GatewayConnection connection) {
    sockets.add(connection);
  }

  /** Registers a connection that completed its handshake under {@code connId}. */
  void opened(String connId, GatewayConnection connection) {
    byConnId.put(connId, connection);
  }

  void remove(GatewayConnection connection, @Nullable String connId) {
    sockets.remove(connection);
    if (connId != null && byConnId.remove(connId, connection)) {
      disconnected(connId);
    }
  }

  private void disconnected(String connId) {
    for (Consumer<String> listener : disconnectListeners) {
      try {
        listener.accept(connId);
      } catch (RuntimeException e) {
        LOG.warn("disconnect listener failed for {}", connId, e);
      }
    }
  }

  /** An in-process receiver of events: what a connection holding {@code scopes} would get. */
  private record LocalReceiver(ScopeSet scopes, BiConsumer<String, JsonNode> receiver) {
    void deliver(String event, JsonNode payload, Optional<Scope> requiredScope) {
      if (requiredScope.isPresent() && !scopes.allows(requiredScope.get())) {
        return;
      }
      receiver.accept(event, payload);
    }
  }

  /**
   * Registers an in-process receiver under {@code connId} (see {@link GatewayServer#attachLocal});
   * the returned action unregisters it, once, as a disconnect.
   */
  Runnable attachLocal(String connId, ScopeSet scopes, BiConsumer<String, JsonNode> receiver) {
    Objects.requireNonNull(connId, "null connId");
    LocalReceiver local =
        new LocalReceiver(
            Objects.requireNonNull(scopes, "null scopes"),
            Objects.requireNonNull(receiver, "null receiver"));
    if (closing) {
      throw new IllegalStateException("the gateway is stopping");
    }
    if (byConnId.containsKey(connId) || locals.putIfAbsent(connId, local) != null) {
      throw new IllegalArgumentException("connId in use: " + connId);
    }
    return () -> {
      if (locals.remove(connId, local)) {
        disconnected(connId);
      }
    };
  }

  @Override
  public void sendTo(
      Collection<String> connIds, String event, JsonNode payload, Optional<Scope> requiredScope) {
    Objects.requireNonNull(connIds, "null connIds");
    checkBroadcastEvent(event, payload, requiredScope);
    if (connIds.isEmpty()) {
      return;
    }
    EventText text = EventText.of(event, payload);
    for (String connId : connIds) {
      GatewayConnection connection = byConnId.get(connId);
      if (connection == null) {
        LocalReceiver local = locals.get(connId);
        if (local != null) {
          deliverLocal(local, event, payload, requiredScope);
        }
        continue;
      }
      try {
        connection.deliver(text, requiredScope);
      } catch (RuntimeException e) {
        LOG.warn("event {} not delivered to {}", event, connection, e);
      }
    }
  }

  @Override
  public boolean isConnected(String connId) {
    GatewayConnection connection = byConnId.get(connId);
    return connection != null ? connection.isOpen() : locals.containsKey(connId);
  }

  @Override
  public void onDisconnect(Consumer<String> listener) {
    disconnectListeners.add(Objects.requireNonNull(listener, "null listener"));
  }

  /** Whether the server is shutting down (new sockets are refused). */
  boolean closing() {
    return closing;
  }

  /** Connections past hello-ok and not closing. */
  int openCount() {
    return (int) sockets.stream().filter(GatewayConnection::isOpen).count();
  }

  /** Every socket Jetty has not yet reported closed. */
  int socketCount() {
    return sockets.size();
  }

  @Override
  public void broadcast(String event, JsonNode payload, Optional<Scope> requiredScope) {
    checkBroadcastEvent(event, payload, requiredScope);
    EventText text = EventText.of(event, payload);
    for (GatewayConnection connection : sockets) {
      try {
        connection.deliver(text, requiredScope);
      } catch (RuntimeException e) {
        LOG.warn("event {} not delivered to {}", event, connection, e);
      }
    }
    for (LocalReceiver local : locals.values()) {
      deliverLocal(local, event, payload, requiredScope);
    }
  }

  private static void deliverLocal(
      LocalReceiver local, String event, JsonNode payload, Optional<Scope> requiredScope) {
    try {
      local.deliver(event, payload, requiredScope);
    } catch (RuntimeException e) {
      LOG.warn("event {} not delivered to an in-process receiver", event, e);
    }
  }

  private static void checkBroadcastEvent(
      String event, JsonNode payload, Optional<Scope> requiredScope) {
    Objects.requireNonNull(event, "null event");
    Objects.requireNonNull(payload, "null payload");
    Objects.requireNonNull(requiredScope, "null requiredScope");
    if (!GatewayEvents.ALL.contains(event) || event.equals(GatewayEvents.CONNECT_CHALLENGE)) {
      throw new IllegalArgumentException("not a broadcast event: " + event);
    }
  }

  /** Sends {@code tick} to everyone (droppable). */
  void tick(long nowMs) {
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("ts", nowMs);
    broadcast(GatewayEvents.TICK, payload);
  }

  /** Refuses new sockets, tells connected clients, and closes every socket with 1001. */
  void shutdown() {
    closing = true;
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("reason", "gateway stopping");
    broadcast(GatewayEvents.SHUTDOWN, payload);
    for (GatewayConnection connection : sockets) {
      connection.close(GatewayConnection.GOING_AWAY, "gateway shutting down");
    }
    // In-process receivers heard shutdown too; they are gone as the sockets are.
    for (String connId : List.copyOf(locals.keySet())) {
      if (locals.remove(connId) != null) {
        disconnected(connId);
      }
    }
  }

  /** Waits until every socket is closed or {@code grace} has passed; true when all closed. */
  boolean awaitAllClosed(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (!sockets.isEmpty()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
