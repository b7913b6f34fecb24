package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class EventBusTest extends GatewayTestBase {

  private static ObjectNode payload(String key, Object value) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put(key, String.valueOf(value));
    return node;
  }

  @Test
  void broadcastsAreFilteredByScopeAndNumberedPerConnection() {
    start();
    TestSocket reader = connected(Fixtures.operator("operator.read"));
    TestSocket pairer = connected(Fixtures.operator("operator.pairing"));
    TestSocket admin = connected(Fixtures.operator("operator.admin"));
    EventBus bus = server().events();

    bus.broadcast("sessions.changed", payload("n", 1), Optional.of(Scope.READ));
    bus.broadcast("device.pair.requested", payload("n", 2), Optional.of(Scope.PAIRING));
    bus.broadcast("presence", payload("n", 3));

    assertEvents(reader, "sessions.changed:1", "presence:3");
    assertEvents(pairer, "device.pair.requested:2", "presence:3");
    assertEvents(admin, "sessions.changed:1", "device.pair.requested:2", "presence:3");
  }

  /** Reads the expected events (name:n) and checks that seq counts 1, 2, 3... on this socket. */
  private static void assertEvents(TestSocket socket, String... expected) {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < expected.length; i++) {
      JsonNode frame = socket.next(f -> f.path("type").asString("").equals("event"));
      assertThat(frame.path("seq").asLong()).isEqualTo(i + 1);
      seen.add(frame.path("event").asString() + ":" + frame.path("payload").path("n").asString());
    }
    assertThat(seen).containsExactly(expected);
    assertThat(socket.pending()).isZero();
  }

  @Test
  void eventFramesParseStrictly() {
    start();
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    ObjectNode body = payload("text", "quote \" and unicode é");
    server().events().broadcast("session.message", body, Optional.of(Scope.READ));
    String text = socket.next(f -> f.path("type").asString("").equals("event")).toString();
    EventFrame frame = (EventFrame) Frames.parse(text);
    assertThat(frame.event()).isEqualTo("session.message");
    assertThat(frame.payload()).contains(body);
    assertThat(frame.seq()).contains(1L);
  }

  @Test
  void unannouncedEventsAreRejected() {
    start();
    ObjectNode body = Json.mapper().createObjectNode();
    assertThatThrownBy(() -> server().events().broadcast("made.up", body))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server().events().broadcast("connect.challenge", body))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void preConnectSocketsGetNoEvents() {
    start();
    TestSocket waiting = open();
    waiting.challenge();
    server().events().broadcast("presence", payload("n", 1));
    TestSocket connected = connected(Fixtures.operator());
    server().events().broadcast("presence", payload("n", 2));
    assertThat(connected.nextEvent("presence").path("payload").path("n").asString()).isEqualTo("2");
    JsonNode hello = waiting.sendConnect(Fixtures.operator().toNode());
    assertThat(hello.path("ok").asBoolean()).isTrue();
    assertThat(waiting.pending()).isZero();
  }

  @Test
  void ticksArriveAtTheConfiguredInterval() {
    start(b -> b.tickInterval(Duration.ofMillis(100)));
    TestSocket socket = connected(Fixtures.operator());
    long previousSeq = 0;
    for (int i = 0; i < 3; i++) {
      JsonNode tick = socket.nextEvent("tick");
      assertThat(tick.path("payload").path("ts").asLong()).isPositive();
      assertThat(tick.path("seq").asLong()).isGreaterThan(previousSeq);
      previousSeq = tick.path("seq").asLong();
    }
  }

  @Test
  void aConnectionThatNeverReadsDoesNotStallTheOthers() throws Exception {
    start(b -> b.maxBufferedBytes(64 * 1024));
    TestSocket fast1 = connected(Fixtures.operator("operator.read"));
    TestSocket fast2 = connected(Fixtures.operator("operator.read"));
    RawWebSocket slow = track(RawWebSocket.connect(server().port(), 4096));
    slow.sendText(
        "{\"type\":\"req\",\"id\":\"1\",\"method\":\"connect\",\"params\":"
            + Fixtures.operator("operator.read").toNode()
            + "}");
    await().atMost(Duration.ofSeconds(10)).until(() -> server().connectionCount() == 3);

    ObjectNode big = payload("text", "z".repeat(32 * 1024));
    int sent = 0;
    // Each round waits for the fast clients, so only the slow one can fall behind.
    while (server().connectionCount() == 3 && sent < 2000) {
      server().events().broadcast("session.message", big, Optional.of(Scope.READ));
      sent++;
      for (TestSocket fast : List.of(fast1, fast2)) {
        assertThat(fast.nextEvent("session.message").path("seq").asLong()).isEqualTo(sent);
      }
    }
    assertThat(server().connectionCount())
        .as("slow consumer closed after %d events", sent)
        .isEqualTo(2);

    for (int i = 0; i < 5; i++) {
      server().events().broadcast("session.message", big, Optional.of(Scope.READ));
      sent++;
      for (TestSocket fast : List.of(fast1, fast2)) {
        assertThat(fast.nextEvent("session.message").path("seq").asLong()).isEqualTo(sent);
      }
    }
    assertThat(slow.drainUntilEof(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void droppableEventsAreDroppedNotFatalForASlowConnection() throws Exception {
    start(b -> b.maxBufferedBytes(16 * 1024));
    RawWebSocket slow = track(RawWebSocket.connect(server().port(), 4096));
    slow.sendText(
        "{\"type\":\"req\",\"id\":\"1\",\"method\":\"connect\",\"params\":"
            + Fixtures.operator().toNode()
            + "}");
    await().atMost(Duration.ofSeconds(10)).until(() -> server().connectionCount() == 1);
    ObjectNode big = payload("text", "p".repeat(8 * 1024));
    for (int i = 0; i < 2000; i++) {
      server().events().broadcast("presence", big);
    }
    assertThat(server().connectionCount()).isEqualTo(1);
  }
}
