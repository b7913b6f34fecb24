package dev.clawgate.gateway.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.gateway.EventBus;
import dev.clawgate.protocol.Scope;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Who hears which session, and that a closed connection's state goes with it. */
class SubscriptionsTest {
  /** The bus's connection registry, reduced to what subscriptions use. */
  private static final class Connections implements EventBus {
    final Set<String> open = ConcurrentHashMap.newKeySet();
    final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    void close(String connId) {
      open.remove(connId);
      listeners.forEach(l -> l.accept(connId));
    }

    @Override
    public void broadcast(String event, JsonNode payload, Optional<Scope> requiredScope) {}

    @Override
    public void sendTo(
        Collection<String> connIds,
        String event,
        JsonNode payload,
        Optional<Scope> requiredScope) {}

    @Override
    public boolean isConnected(String connId) {
      return open.contains(connId);
    }

    @Override
    public void onDisconnect(Consumer<String> listener) {
      listeners.add(listener);
    }
  }

  private final Connections bus = new Connections();
  private final Subscriptions subscriptions = Subscriptions.detached();

  {
    subscriptions.attach(bus);
  }

  @Test
  void messageSubscribersAreTheAllSessionFollowersPlusThatSessionsFollowers() {
    bus.open.addAll(List.of("a", "b", "c"));
    subscriptions.subscribeAll("a");
    subscriptions.subscribe("b", "k1");

    assertThat(subscriptions.messageSubscribers("k1")).containsExactlyInAnyOrder("a", "b");
    assertThat(subscriptions.messageSubscribers("k2")).containsExactly("a");
  }

  @Test
  void aClosedConnectionIsForgotten() {
    bus.open.addAll(List.of("a", "b"));
    subscriptions.subscribeAll("a");
    subscriptions.subscribe("a", "k1");
    subscriptions.subscribe("b", "k1");

    bus.close("a");

    assertThat(subscriptions.allSessionSubscribers()).isEmpty();
    assertThat(subscriptions.messageSubscribers("k1")).containsExactly("b");
    bus.close("b");
    assertThat(subscriptions.messageSubscribers("k1")).isEmpty();
  }

  @Test
  void aSubscriptionRacingItsConnectionsCloseIsNotKept() {
    // The connection closed (and its callback ran) before the subscribe call was handled.
    subscriptions.subscribeAll("gone");
    subscriptions.subscribe("gone", "k1");

    assertThat(subscriptions.allSessionSubscribers()).isEmpty();
    assertThat(subscriptions.messageSubscribers("k1")).isEmpty();
  }

  @Test
  void oneConnectionFollowsAtMostTheLimitOfSessions() {
    bus.open.add("a");
    for (int i = 0; i < Subscriptions.MAX_KEYS_PER_CONNECTION; i++) {
      assertThat(subscriptions.subscribe("a", "k" + i)).isTrue();
    }

    assertThat(subscriptions.subscribe("a", "one-too-many")).isFalse();
    assertThat(subscriptions.subscribe("a", "k0")).isTrue();
  }
}
