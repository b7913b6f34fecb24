package dev.clawgate.benchmarks.jmh;

import dev.clawgate.benchmarks.load.SeedPlan;
import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.SessionKeys;
import dev.clawgate.core.conversations.SessionQuery;
import dev.clawgate.core.conversations.SessionRow;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.gateway.Utf8;
import dev.clawgate.gateway.conversations.SessionJson;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ResponseFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The CPU of one {@code sessions.list} answer (limit 50) on the gateway, step by step, and a
 * prototype of a cheaper way to produce it. The rows are real: seeded through {@link
 * ConversationService} (titles and previews cut with an ellipsis, as real ones are, which makes the
 * answer a UTF-16 string).
 *
 * <ul>
 *   <li>{@code currentAnswer}: what the gateway does per call today: a Jackson tree of the page
 *       ({@code SessionMethods.list} with {@link SessionJson#row}), written to a String ({@link
 *       Frames#write}), its UTF-8 length counted char by char (the gateway's {@link Utf8#length},
 *       for the outbound buffer's limit), and encoded to UTF-8 (Jetty's text frame);
 *   <li>{@code buildTree}, {@code writeTree}, {@code countUtf8Bytes}, {@code encodeUtf8}: those
 *       steps alone;
 *   <li>{@code splicedCachedRows}: the prototype: each row's JSON kept as UTF-8 bytes (they change
 *       only when the row does), the answer spliced from them into bytes whose length is known.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionsListJsonBenchmark {
  private static final int LIMIT = 50;

  /** Whether titles and last-message previews are asked for. */
  @Param({"false", "true"})
  public boolean include;

  private List<SessionRow> page = List.of();
  private int total;
  private ObjectNode tree = Json.mapper().createObjectNode();
  private String written = "";
  private List<byte[]> cachedRows = List.of();
  private List<RawValue> rowTexts = List.of();

  @Setup(Level.Trial)
  public void seed() throws IOException {
    Path dir = Files.createTempDirectory("clawgate-jmh-");
    try (StateStore store = StateStore.open(dir.resolve("state.db"))) {
      ConversationService conversations = ConversationService.open(store, Clock.systemUTC());
      SeedPlan plan = new SeedPlan("main");
      long now = System.currentTimeMillis();
      for (int index = 0; index < 3; index++) {
        List<InboundMessage> batch = new ArrayList<>();
        for (int session = 0; session < SeedPlan.SESSIONS; session++) {
          batch.add(plan.message(session, index, now));
        }
        conversations.receive(batch, Optional.empty());
      }
      page = conversations.list(SessionQuery.first(LIMIT)).sessions();
      total = conversations.sessionCount();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
    tree = tree();
    written = write();
    List<byte[]> rows = new ArrayList<>();
    for (SessionRow row : page) {
      rows.add(Json.mapper().writeValueAsBytes(SessionJson.row(row, include())));
    }
    cachedRows = rows;
    List<RawValue> texts = new ArrayList<>();
    for (SessionRow row : page) {
      texts.add(new RawValue(SessionJson.row(row, include()).toString()));
    }
    rowTexts = texts;
  }

  private SessionJson.Include include() {
    return new SessionJson.Include(include, include);
  }

  /** The payload as {@code SessionMethods.list} builds it. */
  private ObjectNode tree() {
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ts", System.currentTimeMillis());
    result.put("path", "/home/user/.clawgate/state.db");
    result.put("count", page.size());
    result.put("total", total);
    ObjectNode defaults = result.putObject("defaults");
    defaults.put("agentId", SessionKeys.DEFAULT_AGENT);
    defaults.put("mainKey", "main");
    ArrayNode rows = result.putArray("sessions");
    SessionJson.Include include = include();
    for (SessionRow row : page) {
      rows.add(SessionJson.row(row, include));
    }
    return result;
  }

  private String write() {
    return Frames.write(ResponseFrame.success("12345", tree));
  }

  @Benchmark
  public int currentAnswer() {
    String text = Frames.write(ResponseFrame.success("12345", tree()));
    long bytes = Utf8.length(text);
    return (int) bytes + text.getBytes(StandardCharsets.UTF_8).length;
  }

  @Benchmark
  public ObjectNode buildTree() {
    return tree();
  }

  @Benchmark
  public String writeTree() {
    return write();
  }

  @Benchmark
  public long countUtf8Bytes() {
    return Utf8.length(written);
  }

  @Benchmark
  public byte[] encodeUtf8() {
    return written.getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public byte[] rawRowTexts() {
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ts", System.currentTimeMillis());
    result.put("path", "/home/user/.clawgate/state.db");
    result.put("count", page.size());
    result.put("total", total);
    ObjectNode defaults = result.putObject("defaults");
    defaults.put("agentId", SessionKeys.DEFAULT_AGENT);
    defaults.put("mainKey", "main");
    ArrayNode rows = result.putArray("sessions");
    for (RawValue text : rowTexts) {
      rows.addRawValue(text);
    }
    return Frames.write(ResponseFrame.success("12345", result)).getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public byte[] splicedCachedRows() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    out.writeBytes(
        ("{\"type\":\"res\",\"id\":\"12345\",\"ok\":true,\"payload\":{\"ts\":"
                + System.currentTimeMillis()
                + ",\"path\":\"/home/user/.clawgate/state.db\",\"count\":"
                + page.size()
                + ",\"total\":"
                + total
                + ",\"defaults\":{\"agentId\":\"main\",\"mainKey\":\"main\"},\"sessions\":[")
            .getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < cachedRows.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(cachedRows.get(i));
    }
    out.writeBytes("]}}".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
