package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.FakePort.parse;
import static dev.clawgate.mcp.tools.FakePort.reparse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.mcp.server.ToolResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class EventQueueTest {
  private final Harness h = new Harness(ClaudeChannelMode.OFF);

  @AfterEach
  void close() {
    h.close();
  }

  private void message(String sessionKey, String text) {
    ObjectNode payload = GatewayJson.object();
    payload.put("sessionKey", sessionKey);
    payload.putObject("message").put("role", "user").put("content", text);
    h.emit("session.message", payload);
  }

  private CompletableFuture<ToolResult> waitInBackground(String arguments) {
    CompletableFuture<ToolResult> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(() -> {
          try {
            result.complete(h.call("events_wait", arguments));
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  private void awaitWaiters(int n) {
    EventQueue queue = queueOf();
    await().atMost(5, TimeUnit.SECONDS).until(() -> queue.waiterCount() == n);
  }

  private EventQueue queueOf() {
    return h.bridge.queue();
  }

  @Test
  void cursorsCountFromOneAndPollsNeverConsume() throws Exception {
    message("agent:main:a", "one");
    message("agent:main:b", "two");
    message("agent:main:a", "three");

    ObjectNode all = h.structured("events_poll", "{}");
    ObjectNode again = h.structured("events_poll", "{\"after_cursor\":0}");
    ObjectNode filtered =
        h.structured("events_poll", "{\"session_key\":\"agent:main:a\",\"after_cursor\":1}");
    ObjectNode limited = h.structured("events_poll", "{\"limit\":2}");
    ObjectNode blankFilter = h.structured("events_poll", "{\"session_key\":\"  \"}");

    assertThat(all.get("events").valueStream().map(e -> e.get("cursor").asLong()))
        .containsExactly(1L, 2L, 3L);
    assertThat(all.get("next_cursor").asLong()).isEqualTo(3);
    assertThat(all.has("gap")).isFalse();
    assertThat(again).isEqualTo(all);
    assertThat(filtered.get("events").valueStream().map(e -> e.get("text").asString()))
        .containsExactly("three");
    assertThat(filtered.get("next_cursor").asLong()).isEqualTo(3);
    assertThat(limited.get("next_cursor").asLong()).isEqualTo(2);
    assertThat(blankFilter.get("events")).hasSize(3);
    assertThat(reparse(h.structured("events_poll", "{\"after_cursor\":9}")))
        .isEqualTo(parse("{\"events\":[],\"next_cursor\":9}"));
  }

  @Test
  void pollClampsItsLimit() throws Exception {
    for (int i = 0; i < 250; i++) {
      message("agent:main:a", "m" + i);
    }
    assertThat(h.structured("events_poll", "{\"limit\":10000}").get("events")).hasSize(200);
    assertThat(h.structured("events_poll", "{}").get("events")).hasSize(20);
    assertThat(h.structured("events_poll", "{\"limit\":0}").get("events")).hasSize(1);
  }

  @Test
  void keepsTheNewestThousandAndReportsGapsExactlyAsTheReference() throws Exception {
    CompletableFuture<ToolResult> filteredWait =
        waitInBackground(
            "{\"after_cursor\":0,\"session_key\":\"agent:main:filtered\",\"timeout_ms\":300000}");
    awaitWaiters(1);
    for (int i = 1; i <= 1000; i++) {
      message("agent:main:main", "event " + i);
    }
    assertThat(filteredWait).isNotDone();
    assertThat(h.structured("events_poll", "{\"after_cursor\":0,\"limit\":1}").has("gap"))
        .isFalse();

    message("agent:main:main", "event 1001");

    assertThat(queueOf().size()).isEqualTo(EventQueue.CAPACITY);
    ToolResult woken = filteredWait.get(5, TimeUnit.SECONDS);
    assertThat(reparse(woken.structuredContent().orElseThrow()))
        .isEqualTo(
            parse(
                "{\"event\":null,\"gap\":{\"requested_after_cursor\":0,\"oldest_available_cursor\":2}}"));
    assertThat(Harness.text(woken)).isEqualTo("timeout");

    ObjectNode polled = h.structured("events_poll", "{\"after_cursor\":0,\"limit\":1}");
    assertThat(reparse(polled.get("gap")))
        .isEqualTo(parse("{\"requested_after_cursor\":0,\"oldest_available_cursor\":2}"));
    assertThat(polled.get("next_cursor").asLong()).isEqualTo(2);
    assertThat(polled.at("/events/0/cursor").asLong()).isEqualTo(2);
    assertThat(polled.at("/events/0/text").asString()).isEqualTo("event 2");

    assertThat(
            reparse(
                h.structured(
                    "events_poll", "{\"after_cursor\":0,\"session_key\":\"agent:main:filtered\"}")))
        .isEqualTo(
            parse(
                "{\"events\":[],\"next_cursor\":1,"
                    + "\"gap\":{\"requested_after_cursor\":0,\"oldest_available_cursor\":2}}"));

    ObjectNode waited = h.structured("events_wait", "{\"after_cursor\":0,\"timeout_ms\":250}");
    assertThat(waited.at("/event/cursor").asLong()).isEqualTo(2);
    assertThat(reparse(waited.get("gap")))
        .isEqualTo(parse("{\"requested_after_cursor\":0,\"oldest_available_cursor\":2}"));

    assertThat(h.structured("events_poll", "{\"after_cursor\":1,\"limit\":1}").has("gap"))
        .isFalse();
  }

  @Test
  void aWaitReturnsTheFirstQueuedMatchAtOnce() throws Exception {
    message("agent:main:other", "no");
    message("agent:main:main", "yes");

    ToolResult result =
        h.call(
            "events_wait",
            "{\"session_key\":\"agent:main:main\",\"after_cursor\":0,\"timeout_ms\":250}");

    assertThat(Harness.text(result)).isEqualTo("event 2");
    ObjectNode event = (ObjectNode) result.structuredContent().orElseThrow().get("event");
    assertThat(event.get("type").asString()).isEqualTo("message");
    assertThat(event.get("sessionKey").asString()).isEqualTo("agent:main:main");
    assertThat(event.get("role").asString()).isEqualTo("user");
    assertThat(event.get("text").asString()).isEqualTo("yes");
    assertThat(result.structuredContent().orElseThrow().has("gap")).isFalse();
  }

  @Test
  void everyMatchingWaiterWakesAndOthersKeepWaiting() throws Exception {
    CompletableFuture<ToolResult> any = waitInBackground("{\"timeout_ms\":300000}");
    CompletableFuture<ToolResult> main =
        waitInBackground("{\"session_key\":\"agent:main:main\",\"timeout_ms\":300000}");
    CompletableFuture<ToolResult> other =
        waitInBackground("{\"session_key\":\"agent:main:other\",\"timeout_ms\":300000}");
    awaitWaiters(3);

    message("agent:main:main", "hello");

    assertThat(Harness.text(any.get(5, TimeUnit.SECONDS))).isEqualTo("event 1");
    assertThat(Harness.text(main.get(5, TimeUnit.SECONDS))).isEqualTo("event 1");
    awaitWaiters(1);
    assertThat(other).isNotDone();

    message("agent:main:other", "now you");
    assertThat(Harness.text(other.get(5, TimeUnit.SECONDS))).isEqualTo("event 2");
    assertThat(queueOf().waiterCount()).isZero();
  }

  @Test
  void aWaitTimesOutWithANullEvent() throws Exception {
    long start = System.nanoTime();
    ToolResult result = h.call("events_wait", "{\"timeout_ms\":50}");

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(Harness.text(result)).isEqualTo("timeout");
    assertThat(result.structuredContent()).contains((ObjectNode) parse("{\"event\":null}"));
    assertThat(queueOf().waiterCount()).isZero();
  }

  @Test
  void interruptingAWaitPropagatesAndForgetsTheWaiter() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter =
        Thread.ofVirtual()
            .start(() -> {
              try {
                h.call("events_wait", "{\"timeout_ms\":300000}");
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    awaitWaiters(1);

    waiter.interrupt();
    waiter.join(5000);

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(queueOf().waiterCount()).isZero();
  }

  @Test
  void closingWakesWaitersAndDropsLaterEvents() throws Exception {
    CompletableFuture<ToolResult> waiting = waitInBackground("{\"timeout_ms\":300000}");
    awaitWaiters(1);

    h.bridge.close();

    assertThat(waiting.get(5, TimeUnit.SECONDS).structuredContent())
        .contains((ObjectNode) parse("{\"event\":null}"));
    assertThat(h.port.unsubscribed).isTrue();
    EventQueue queue = queueOf();
    assertThat(queue.push(Optional.of("k"), GatewayJson.object())).isZero();
    assertThat(Harness.text(h.call("events_wait", "{\"timeout_ms\":300000}"))).isEqualTo("timeout");
    assertThat(Harness.text(h.call("events_poll", "{}"))).isEqualTo("events: 0");
  }

  @Test
  void awaitIsInterruptibleOnTheQueueItself() {
    EventQueue queue = new EventQueue();
    Thread.currentThread().interrupt();
    assertThatThrownBy(
            () -> queue.await(new EventQueue.Filter(0, Optional.empty()), Duration.ofMinutes(1)))
        .isInstanceOf(InterruptedException.class);
    assertThat(queue.waiterCount()).isZero();
  }
}
