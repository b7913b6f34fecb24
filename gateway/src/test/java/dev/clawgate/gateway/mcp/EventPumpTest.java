package dev.clawgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-subscription hand-off: ordered, never blocking the emitter, oldest dropped when full. */
class EventPumpTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void eventsArriveInOrderOnAnotherThread() {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    EventPump pump =
        new EventPump(
            (event, payload) -> {
              seen.add(payload.asInt());
              threads.add(Thread.currentThread());
            },
            100,
            "test");
    pump.start();
    for (int i = 0; i < 50; i++) {
      pump.offer("e", Json.mapper().getNodeFactory().numberNode(i));
    }

    await().atMost(TIMEOUT).until(() -> seen.size() == 50);
    assertThat(seen).isEqualTo(IntStream.range(0, 50).boxed().toList());
    assertThat(threads).allMatch(t -> t != Thread.currentThread() && t.isVirtual());
    pump.close();
  }

  @Test
  void aSlowListenerLosesTheOldestEventsAndNeverBlocksTheEmitter() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    EventPump pump =
        new EventPump(
            (event, payload) -> {
              seen.add(payload.asInt());
              inListener.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            3,
            "slow");
    pump.start();
    pump.offer("e", Json.mapper().getNodeFactory().numberNode(1));
    assertThat(inListener.await(10, TimeUnit.SECONDS)).isTrue();

    for (int i = 2; i <= 7; i++) {
      pump.offer("e", Json.mapper().getNodeFactory().numberNode(i));
    }
    assertThat(pump.dropped()).isEqualTo(3);
    release.countDown();

    await().atMost(TIMEOUT).until(() -> seen.size() == 4);
    assertThat(seen).containsExactly(1, 5, 6, 7);
    pump.close();
  }

  @Test
  void nothingIsDeliveredAfterClose() throws Exception {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    EventPump pump = new EventPump((event, payload) -> seen.add(payload.asInt()), 10, "closed");
    pump.start();
    pump.offer("e", Json.mapper().getNodeFactory().numberNode(1));
    await().atMost(TIMEOUT).until(() -> seen.size() == 1);

    pump.close();
    pump.offer("e", Json.mapper().getNodeFactory().numberNode(2));

    Thread.sleep(100);
    assertThat(seen).containsExactly(1);
  }
}
