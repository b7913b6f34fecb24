package dev.clawgate.benchmarks.load;

import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.store.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the conversation state of a state dir in process, through the real {@link
 * ConversationService} on the real {@code state.db}, before a gateway opens it (the gateway holds
 * the state dir's lock while it runs). Messages go in as inbound batches in round-robin order over
 * the sessions, so every session ends with the same number of messages and its own title and
 * preview.
 */
final class Seeder {
  private Seeder() {}

  static Report run(LoadOptions options) throws IOException {
    ConversationOptions o = options.conversation();
    Path stateDir = o.stateDir().orElseThrow();
    Files.createDirectories(stateDir);
    Path database = stateDir.resolve("state.db");
    SeedPlan plan = new SeedPlan(o.hookAccount());
    long total = (long) o.sessions() * o.messages();
    long start = System.nanoTime();
    long cpuStart = ProcessStats.selfCpu().toNanos();
    int transactions = 0;
    try (StateStore store = StateStore.open(database)) {
      ConversationService conversations = ConversationService.open(store, Clock.systemUTC());
      if (conversations.sessionCount() != 0) {
        throw new IllegalStateException(
            database + " already has " + conversations.sessionCount() + " sessions");
      }
      // Message times one minute apart, ending now, as a transcript's would be.
      long firstMs = System.currentTimeMillis() - o.messages() * 60_000L;
      List<InboundMessage> batch = new ArrayList<>(o.batch());
      for (int index = 0; index < o.messages(); index++) {
        for (int session = 0; session < o.sessions(); session++) {
          batch.add(plan.message(session, index, firstMs + index * 60_000L));
          if (batch.size() == o.batch()) {
            conversations.receive(batch, Optional.empty());
            transactions++;
            batch.clear();
          }
        }
      }
      if (!batch.isEmpty()) {
        conversations.receive(batch, Optional.empty());
        transactions++;
      }
      if (conversations.sessionCount() != o.sessions()) {
        throw new IllegalStateException(
            "seeded " + conversations.sessionCount() + " sessions, expected " + o.sessions());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (ProcessStats.selfCpu().toNanos() - cpuStart) / 1e9;
    long bytes = databaseBytes(stateDir);

    ObjectNode json = Report.object();
    json.put("command", "seed");
    json.put("stateDir", stateDir.toString());
    json.put("sessions", o.sessions());
    json.put("messagesPerSession", o.messages());
    json.put("messages", total);
    json.put("batch", o.batch());
    json.put("transactions", transactions);
    json.put("seconds", Report.round(seconds, 2));
    json.put("messagesPerS", Report.round(total / seconds, 0));
    json.put("cpuSeconds", Report.round(cpu, 2));
    json.put("databaseMb", Report.round(bytes / 1048576.0, 1));
    String human =
        String.format(
            "seeded %d sessions x %d messages (%d) in %.1f s: %.0f messages/s in batches of %d"
                + " (%d transactions); state.db %.1f MB",
            o.sessions(),
            o.messages(),
            total,
            seconds,
            total / seconds,
            o.batch(),
            transactions,
            bytes / 1048576.0);
    return new Report(json, human);
  }

  /** Size of {@code state.db} and its WAL and shared-memory files. */
  private static long databaseBytes(Path stateDir) throws IOException {
    try (Stream<Path> files = Files.list(stateDir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("state.db"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }
}
