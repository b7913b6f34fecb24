package dev.clawgate.benchmarks.jmh;

import dev.clawgate.benchmarks.load.SeedPlan;
import dev.clawgate.core.conversations.Appended;
import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.NewMessage;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Transcript appends in process: the real {@link ConversationService} on a real SQLite file (WAL,
 * {@code synchronous=NORMAL}, as the gateway opens it) holding the seeded sessions. Every operation
 * is one write transaction on the store's single writer thread and returns when it has committed:
 * {@code append} is what {@code chat.inject} and {@code chat.send} do, {@code receiveBatchOfOne}
 * what one webhook post does (duplicate check, transcript row, session row, seen-id row). With 8
 * threads the callers queue for the one writer, as concurrent requests do in the gateway.
 *
 * <p>The database lives in a fresh directory under {@code java.io.tmpdir} (pass {@code
 * -jvmArgsAppend -Djava.io.tmpdir=...} to choose the disk) and is deleted after each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TranscriptAppendBenchmark {
  private static final int BATCH = 1_000;

  /** Messages per seeded session before measuring (1,000 sessions). */
  @Param({"100"})
  public int seededMessages;

  private final SeedPlan plan = new SeedPlan("main");
  private final AtomicLong sequence = new AtomicLong();
  private @Nullable Database database;

  /** The open database of one trial. */
  private record Database(Path dir, StateStore store, ConversationService conversations) {}

  @Setup(Level.Trial)
  public void open() throws IOException {
    Path dir = Files.createTempDirectory("clawgate-jmh-");
    StateStore store = StateStore.open(dir.resolve("state.db"));
    ConversationService conversations = ConversationService.open(store, Clock.systemUTC());
    database = new Database(dir, store, conversations);
    long now = System.currentTimeMillis();
    List<InboundMessage> batch = new ArrayList<>(BATCH);
    for (int index = 0; index < seededMessages; index++) {
      for (int session = 0; session < SeedPlan.SESSIONS; session++) {
        batch.add(plan.message(session, index, now));
        if (batch.size() == BATCH) {
          conversations.receive(batch, Optional.empty());
          batch.clear();
        }
      }
    }
    if (!batch.isEmpty()) {
      conversations.receive(batch, Optional.empty());
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    Database open = Objects.requireNonNull(database, "not open");
    database = null;
    open.store().close();
    try (Stream<Path> files = Files.walk(open.dir())) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Benchmark
  @Threads(1)
  public Appended append() {
    return appendNext();
  }

  @Benchmark
  @Threads(8)
  public Appended appendFrom8Threads() {
    return appendNext();
  }

  @Benchmark
  @Threads(1)
  public int receiveBatchOfOne() {
    return receiveNext();
  }

  @Benchmark
  @Threads(8)
  public int receiveBatchOfOneFrom8Threads() {
    return receiveNext();
  }

  private ConversationService conversations() {
    return Objects.requireNonNull(database, "not open").conversations();
  }

  private Appended appendNext() {
    long n = sequence.incrementAndGet();
    int session = (int) (n % SeedPlan.SESSIONS);
    return conversations()
        .append(
            new NewMessage(
                plan.sessionKey(session),
                "assistant",
                Json.mapper().getNodeFactory().stringNode(SeedPlan.text(session, (int) n)),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                "chat.inject"));
  }

  private int receiveNext() {
    long n = sequence.incrementAndGet();
    int session = (int) (n % SeedPlan.SESSIONS);
    InboundMessage message =
        plan.inbound(
            session, "jmh-" + n, SeedPlan.text(session, (int) n), System.currentTimeMillis());
    return conversations().receive(List.of(message), Optional.empty());
  }
}
