package dev.clawgate.gateway.conversations;

import dev.clawgate.gateway.EventBus;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Which connections want session events: all sessions ({@code sessions.subscribe}) or some ({@code
 * sessions.messages.subscribe}). State of live connections only: a closed connection's
 * subscriptions are dropped by the event bus's disconnect callback.
 */
public final class Subscriptions {
  /** Most sessions one connection may follow individually. */
  static final int MAX_KEYS_PER_CONNECTION = 1_000;

  private final Set<String> allSessions = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, Set<String>> byKey = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> keysByConn = new ConcurrentHashMap<>();
  private volatile @Nullable EventBus bus;

  private Subscriptions() {}

  /**
   * Subscriptions whose events go nowhere until {@link #attach} (the methods that use them are
   * declared before the server that carries the events exists).
   */
  public static Subscriptions detached() {
    return new Subscriptions();
  }

  /** Carries events on {@code bus} from now on and drops a connection's state when it closes. */
  public void attach(EventBus bus) {
    Objects.requireNonNull(bus, "null bus").onDisconnect(this::drop);
    this.bus = bus;
  }

  /** The bus, once attached. */
  Optional<EventBus> bus() {
    return Optional.ofNullable(bus);
  }

  private boolean connected(String connId) {
    EventBus current = bus;
    return current != null && current.isConnected(connId);
  }

  /** {@code connId} follows every session. */
  void subscribeAll(String connId) {
    allSessions.add(connId);
    if (!connected(connId)) {
      drop(connId);
    }
  }

  void unsubscribeAll(String connId) {
    allSessions.remove(connId);
  }

  /**
   * {@code connId} follows {@code key}.
   *
   * @return false when the connection already follows the most sessions allowed
   */
  boolean subscribe(String connId, String key) {
    Set<String> keys = keysByConn.computeIfAbsent(connId, c -> ConcurrentHashMap.newKeySet());
    if (!keys.contains(key) && keys.size() >= MAX_KEYS_PER_CONNECTION) {
      return false;
    }
    keys.add(key);
    byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(connId);
    if (!connected(connId)) {
      drop(connId);
    }
    return true;
  }

  void unsubscribe(String connId, String key) {
    Set<String> keys = keysByConn.get(connId);
    if (keys != null) {
      keys.remove(key);
    }
    byKey.computeIfPresent(
        key,
        (k, conns) -> {
          conns.remove(connId);
          return conns.isEmpty() ? null : conns;
        });
  }

  /** The connections following every session. */
  Set<String> allSessionSubscribers() {
    return allSessions;
  }

  /** The connections that should see a message of {@code key}. */
  Set<String> messageSubscribers(String key) {
    Set<String> some = byKey.get(key);
    if (some == null || some.isEmpty()) {
      return allSessions;
    }
    Set<String> union = new HashSet<>(allSessions);
    union.addAll(some);
    return union;
  }

  private void drop(String connId) {
    allSessions.remove(connId);
    Set<String> keys = keysByConn.remove(connId);
    if (keys != null) {
      for (String key : keys) {
        unsubscribe(connId, key);
      }
    }
  }
}
