package dev.clawgate.mcp.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random pushes, polls and waits against a model (the list of every event ever pushed): within the
 * retained window nothing is lost or reordered, and a gap is reported exactly when {@code after +
 * 1} is older than the oldest retained cursor.
 */
class EventQueuePropertyTest {
  private static final List<String> KEYS = List.of("agent:main:a", "agent:main:b", "agent:main:c");

  private record Pushed(long cursor, String key) {}

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
  void pollsAndWaitsAgreeWithTheModel(long seed) throws InterruptedException {
    Random random = new Random(seed);
    EventQueue queue = new EventQueue();
    List<Pushed> model = new ArrayList<>();
    int operations = 2500 + random.nextInt(1500);
    int gapsSeen = 0;
    for (int op = 0; op < operations; op++) {
      if (random.nextInt(10) < 6) {
        String key = KEYS.get(random.nextInt(KEYS.size()));
        long cursor = queue.push(Optional.of(key), GatewayJson.object().put("key", key));
        assertThat(cursor).isEqualTo(model.size() + 1L);
        model.add(new Pushed(cursor, key));
        continue;
      }
      long last = model.size();
      long after =
          random.nextInt(4) == 0
              ? random.nextLong(last + 3)
              : Math.max(0, last - random.nextInt(1200));
      Optional<String> key =
          random.nextBoolean()
              ? Optional.empty()
              : Optional.of(KEYS.get(random.nextInt(KEYS.size())));
      EventQueue.Filter filter = new EventQueue.Filter(after, key);
      long oldest = Math.max(1, last - EventQueue.CAPACITY + 1);
      List<Pushed> expected =
          model.stream()
              .filter(p -> p.cursor() >= oldest && p.cursor() > after)
              .filter(p -> key.isEmpty() || key.get().equals(p.key()))
              .toList();
      boolean gap = last > 0 && after + 1 < oldest;
      gapsSeen += gap ? 1 : 0;

      if (random.nextBoolean()) {
        int limit = 1 + random.nextInt(200);
        EventQueue.Poll poll = queue.poll(filter, limit);
        List<Pushed> want = expected.subList(0, Math.min(limit, expected.size()));
        assertThat(
                poll.events().stream()
                    .map(e -> new Pushed(e.cursor(), e.sessionKey().orElseThrow())))
            .containsExactlyElementsOf(want);
        assertThat(poll.events())
            .allSatisfy(e -> assertThat(e.json().get("cursor").asLong()).isEqualTo(e.cursor()));
        assertThat(poll.gap().isPresent()).isEqualTo(gap);
        poll.gap()
            .ifPresent(g -> {
              assertThat(g.requestedAfterCursor()).isEqualTo(after);
              assertThat(g.oldestAvailableCursor()).isEqualTo(oldest);
            });
        long next = want.isEmpty() ? after : want.getLast().cursor();
        assertThat(poll.nextCursor()).isEqualTo(gap ? Math.max(next, oldest - 1) : next);
      } else if (!expected.isEmpty() || gap) {
        EventQueue.Wait wait = queue.await(filter, Duration.ofMillis(1));
        assertThat(wait.event().map(EventQueue.Event::cursor))
            .isEqualTo(expected.stream().findFirst().map(Pushed::cursor));
        assertThat(wait.gap().isPresent()).isEqualTo(gap);
      }
    }
    assertThat(queue.size()).isEqualTo(Math.min(model.size(), EventQueue.CAPACITY));
    assertThat(gapsSeen).as("the run should exercise eviction").isPositive();
  }
}
