package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Load on the gateway's own MCP endpoint ({@code /mcp}, MCP Streamable HTTP), see {@link
 * McpHttpOptions}.
 *
 * <p>{@code calls}: each session is one kept-alive HTTP/1.1 connection that initializes, then posts
 * {@code tools/call conversations_list} back to back (the next once the previous is answered, JSON
 * answers). The first answer of each session is parsed and checked in full; later ones by status
 * and a byte search (so parsing does not eat the cores the gateway shares). Calls answered inside
 * the window count, with their latency. The sessions are deleted at the end.
 *
 * <p>{@code streams}: opens N sessions (initialize and {@code notifications/initialized} over a few
 * kept-alive connections), each with its GET SSE stream on its own socket, read by its own virtual
 * thread that counts keep-alive comments. Once all are open it writes the ready file, holds them,
 * then deletes every session and closes the sockets. The gateway's VmRSS is read before opening,
 * once all are open and at the end of the hold.
 */
final class McpHttpLoad {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PHASE_LIMIT = Duration.ofMinutes(3);
  private static final byte[] RESULT = "\"result\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] IS_ERROR_TRUE =
      "\"isError\":true".getBytes(StandardCharsets.US_ASCII);

  private final McpHttpOptions options;
  private final InetSocketAddress address;
  private final Failures failures = new Failures();
  private final Latencies latencies = new Latencies(4_000_000);
  private final LongAdder measured = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final LongAdder initialized = new LongAdder();
  private final LongAdder firstChecked = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final AtomicLong conversationsMin = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong conversationsMax = new AtomicLong(-1);

  McpHttpLoad(McpHttpOptions options) {
    this.options = options;
    this.address = new InetSocketAddress(options.url().getHost(), options.url().getPort());
  }

  Report run() throws Exception {
    return options.mode().equals("streams") ? streams() : calls();
  }

  // ---- the MCP session ------------------------------------------------------------------------

  private McpWire connect(Duration readTimeout) throws IOException {
    return McpWire.open(address, options.path(), CONNECT_TIMEOUT, readTimeout, options.bearer());
  }

  private static final Map<String, String> POST_HEADERS =
      Map.of("Content-Type", "application/json", "Accept", "application/json");

  private static Map<String, String> sessionHeaders(String sessionId) {
    return Map.of(
        "Content-Type",
        "application/json",
        "Accept",
        "application/json",
        "Mcp-Session-Id",
        sessionId,
        "MCP-Protocol-Version",
        McpWire.PROTOCOL_VERSION);
  }

  /** Initializes a session on {@code wire}; returns its id. */
  private String initialize(McpWire wire) throws IOException {
    McpWire.Response init =
        wire.exchange(
            "POST",
            POST_HEADERS,
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                    + "\"protocolVersion\":\""
                    + McpWire.PROTOCOL_VERSION
                    + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"clawgate-load\","
                    + "\"version\":\"1\"}}}")
                .getBytes(StandardCharsets.UTF_8));
    String sessionId = init.head().header(McpWire.SESSION_HEADER).orElse("");
    if (init.status() != 200 || sessionId.isEmpty()) {
      throw new HandshakeFailure("initialize: HTTP " + init.status() + " " + snippet(init));
    }
    McpWire.Response notified =
        wire.exchange(
            "POST",
            sessionHeaders(sessionId),
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
                .getBytes(StandardCharsets.UTF_8));
    if (notified.status() != 202) {
      throw new HandshakeFailure(
          "notifications/initialized: HTTP " + notified.status() + " " + snippet(notified));
    }
    initialized.increment();
    return sessionId;
  }

  private boolean delete(McpWire wire, String sessionId) throws IOException {
    McpWire.Response response = wire.exchange("DELETE", sessionHeaders(sessionId), new byte[0]);
    if (response.status() / 100 == 2) {
      deleted.increment();
      return true;
    }
    failures.record(new HandshakeFailure("DELETE: HTTP " + response.status()));
    return false;
  }

  private static String snippet(McpWire.Response response) {
    String text = response.bodyText();
    return text.length() > 60 ? text.substring(0, 60) : text;
  }

  // ---- calls ------------------------------------------------------------------------------------

  private Report calls() throws Exception {
    int count = options.sessions();
    long start = System.nanoTime();
    long measureFrom = start + options.warmup().toNanos();
    long plannedEnd = measureFrom + options.duration().toNanos();
    Workers workers = Workers.start("mcp-call", count, () -> callLoop(measureFrom, plannedEnd));
    Workers.sleepUntil(measureFrom);
    CpuWindow cpu = CpuWindow.open(options.gatewayPid());
    Workers.sleepUntil(plannedEnd);
    double window = (plannedEnd - measureFrom) / 1e9;
    long counted = measured.sum();
    ObjectNode json = Report.object();
    cpu.close(json, window, counted, "Call");
    boolean drained = workers.joinUntil(System.nanoTime() + PHASE_LIMIT.toNanos());

    double rate = counted / window;
    Latencies.Summary latency = latencies.summary();
    json.put("command", McpHttpOptions.COMMAND);
    json.put("mode", "calls");
    json.put("sessions", count);
    json.put("initialized", initialized.sum());
    json.put("warmupS", Report.seconds(options.warmup()));
    json.put("windowS", Report.round(window, 3));
    json.put("callsPerS", Report.round(rate, 1));
    json.put("measured", counted);
    json.put("answered", answered.sum());
    json.put("firstAnswersChecked", firstChecked.sum());
    json.put("conversationsMin", conversationsMax.get() < 0 ? -1 : conversationsMin.get());
    json.put("conversationsMax", conversationsMax.get());
    json.put("deleted", deleted.sum());
    Report.putFailures(json, failures);
    Report.putLatency(json, latency);
    json.put("latencyP50Ms", latency.p50Ms());
    json.put("latencyP90Ms", latency.p90Ms());
    json.put("latencyP99Ms", latency.p99Ms());
    json.put("drained", drained);
    String human =
        String.format(
            "mcp-http calls (tools/call conversations_list): %.0f calls/s over %.1f s"
                + " (%d sessions, one in flight each, %d measured)%n"
                + "  latency ms: mean %.2f  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
                + "  first answers checked in full: %d of %d sessions, %d..%d conversations%n"
                + "  %s%n"
                + "  %s",
            rate,
            window,
            count,
            counted,
            latency.meanMs(),
            latency.p50Ms(),
            latency.p90Ms(),
            latency.p99Ms(),
            latency.maxMs(),
            firstChecked.sum(),
            count,
            conversationsMax.get() < 0 ? -1 : conversationsMin.get(),
            conversationsMax.get(),
            CpuWindow.text(json, "Call", "call"),
            Report.failuresText(failures));
    return new Report(json, human);
  }

  private void callLoop(long measureFrom, long plannedEnd) {
    McpWire wire = null;
    String sessionId = null;
    boolean first = true;
    long id = 2;
    try {
      while (System.nanoTime() < plannedEnd) {
        try {
          if (wire == null || wire.closed()) {
            if (wire != null) {
              wire.close();
            }
            wire = connect(READ_TIMEOUT);
          }
          if (sessionId == null) {
            sessionId = initialize(wire);
          }
          byte[] body =
              ("{\"jsonrpc\":\"2.0\",\"id\":"
                      + id
                      + ",\"method\":\"tools/call\",\"params\":{\"name\":\"conversations_list\","
                      + "\"arguments\":{}}}")
                  .getBytes(StandardCharsets.UTF_8);
          long begun = System.nanoTime();
          McpWire.Response response = wire.exchange("POST", sessionHeaders(sessionId), body);
          long done = System.nanoTime();
          if (response.status() != 200) {
            failures.record(
                new HandshakeFailure(
                    "tools/call: HTTP " + response.status() + " " + snippet(response)));
            continue;
          }
          if (first) {
            first = false;
            checkFirst(response, id);
          } else if (!McpWire.contains(response.body(), RESULT)
              || McpWire.contains(response.body(), IS_ERROR_TRUE)) {
            failures.record(new HandshakeFailure("tools/call: not a result: " + snippet(response)));
            continue;
          }
          answered.increment();
          if (done >= measureFrom && done < plannedEnd) {
            measured.increment();
            latencies.record(done - begun);
          }
        } catch (IOException | RuntimeException e) {
          failures.record(e);
          if (wire != null) {
            wire.close();
          }
          pause();
        } finally {
          id++;
        }
      }
      if (sessionId != null) {
        if (wire == null || wire.closed()) {
          if (wire != null) {
            wire.close();
          }
          wire = connect(READ_TIMEOUT);
        }
        delete(wire, sessionId);
      }
    } catch (IOException | RuntimeException e) {
      failures.record(e);
    } finally {
      if (wire != null) {
        wire.close();
      }
    }
  }

  private void checkFirst(McpWire.Response response, long id) {
    if (!response.head().mediaType().equals("application/json")) {
      throw new HandshakeFailure("tools/call: Content-Type " + response.head().mediaType());
    }
    JsonNode answer = Json.mapper().readTree(response.body());
    McpWire.checkListAnswer(answer, id)
        .ifPresent(problem -> {
          throw new HandshakeFailure(problem);
        });
    int size = answer.path("result").path("structuredContent").path("conversations").size();
    conversationsMin.accumulateAndGet(size, Math::min);
    conversationsMax.accumulateAndGet(size, Math::max);
    firstChecked.increment();
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- streams ----------------------------------------------------------------------------------

  /** One held stream: its socket, session and the reader counting its keep-alives. */
  private static final class Stream {
    final McpWire wire;
    final String sessionId;
    final McpWire.KeepAliveCounter keepAlives = new McpWire.KeepAliveCounter();
    volatile boolean ended;

    Stream(McpWire wire, String sessionId) {
      this.wire = wire;
      this.sessionId = sessionId;
    }
  }

  private volatile boolean closing;
  private final LongAdder endedEarly = new LongAdder();

  private Report streams() throws Exception {
    int total = options.sessions();
    long pid = options.gatewayPid().orElse(-1);
    double rssBefore = rssMb(pid);
    @Nullable Stream[] streams = new Stream[total];
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    long openDeadline = start + PHASE_LIMIT.toNanos();
    boolean allTried =
        Workers.start(
                "mcp-open",
                Math.min(total, options.concurrency()),
                () -> openSome(streams, next, openDeadline))
            .joinUntil(openDeadline);
    double openS = (System.nanoTime() - start) / 1e9;
    int open = 0;
    for (Stream stream : streams) {
      if (stream != null) {
        open++;
      }
    }
    double rssOpen = rssMb(pid);

    ObjectNode json = Report.object();
    json.put("command", McpHttpOptions.COMMAND);
    json.put("mode", "streams");
    json.put("requested", total);
    json.put("initialized", initialized.sum());
    json.put("streamsOpen", open);
    json.put("openS", Report.round(openS, 2));
    json.put("allTried", allTried);
    json.put("gatewayRssMbBefore", rssBefore);
    json.put("gatewayRssMbWhenOpen", rssOpen);
    if (options.readyFile().isPresent()) {
      writeAtomically(options.readyFile().get(), json.toString());
    }

    long holdStart = System.nanoTime();
    CpuWindow cpu = CpuWindow.open(options.gatewayPid());
    Workers.sleepUntil(holdStart + options.hold().toNanos());
    double holdS = (System.nanoTime() - holdStart) / 1e9;
    cpu.close(json, holdS, Math.max(1, open), "Stream");
    double rssHeld = rssMb(pid);
    int stillOpen = 0;
    int withKeepAlive = 0;
    long keepAlives = 0;
    for (Stream stream : streams) {
      if (stream != null) {
        stillOpen += stream.ended ? 0 : 1;
        long k = stream.keepAlives.count();
        keepAlives += k;
        withKeepAlive += k > 0 ? 1 : 0;
      }
    }
    json.put("holdS", Report.round(holdS, 2));
    json.put("gatewayRssMbAfterHold", rssHeld);
    json.put("streamsStillOpen", stillOpen);
    json.put("streamsWithKeepAlive", withKeepAlive);
    json.put("keepAlives", keepAlives);
    json.put(
        "extraRssMbHeld", rssBefore < 0 || rssHeld < 0 ? -1 : Report.round(rssHeld - rssBefore, 1));
    json.put(
        "extraRssMbOpen", rssBefore < 0 || rssOpen < 0 ? -1 : Report.round(rssOpen - rssBefore, 1));

    // Delete every session (the gateway ends its stream), then close the sockets.
    closing = true;
    long closeStart = System.nanoTime();
    AtomicInteger nextDelete = new AtomicInteger();
    long closeDeadline = closeStart + PHASE_LIMIT.toNanos();
    boolean allDeleted =
        Workers.start(
                "mcp-delete",
                Math.min(total, options.concurrency()),
                () -> deleteSome(streams, nextDelete))
            .joinUntil(closeDeadline);
    for (Stream stream : streams) {
      if (stream != null) {
        stream.wire.close();
      }
    }
    json.put("deleted", deleted.sum());
    json.put("closeS", Report.round((System.nanoTime() - closeStart) / 1e9, 2));
    json.put("allDeleted", allDeleted);
    json.put("streamsEndedEarly", endedEarly.sum());
    Report.putFailures(json, failures);

    String human =
        String.format(
            "mcp-http streams: %d of %d sessions with an open GET SSE stream (HTTP 200,"
                + " text/event-stream) in %.1f s; %d still open after %.0f s held,"
                + " %d got keep-alives (%d in all)%n"
                + "  gateway VmRSS MB: before %.1f, all open %.1f (+%.1f), after the hold %.1f"
                + " (+%.1f)%n"
                + "  %s%n"
                + "  deleted %d sessions; %s",
            open,
            total,
            openS,
            stillOpen,
            holdS,
            withKeepAlive,
            keepAlives,
            rssBefore,
            rssOpen,
            rssOpen - rssBefore,
            rssHeld,
            rssHeld - rssBefore,
            CpuWindow.text(json, "Stream", "stream"),
            deleted.sum(),
            Report.failuresText(failures));
    return new Report(json, human);
  }

  private void openSome(@Nullable Stream[] streams, AtomicInteger next, long deadline) {
    McpWire post = null;
    try {
      for (int i = next.getAndIncrement();
          i < streams.length && System.nanoTime() < deadline;
          i = next.getAndIncrement()) {
        McpWire stream = null;
        try {
          if (post == null || post.closed()) {
            if (post != null) {
              post.close();
            }
            post = connect(READ_TIMEOUT);
          }
          String sessionId = initialize(post);
          // Zero: the stream's reads never time out (keep-alives come every 15 s anyway).
          stream =
              McpWire.open(
                  address, options.path(), CONNECT_TIMEOUT, Duration.ZERO, options.bearer());
          RawHttp.Head head = stream.openStream(sessionId);
          if (head.status() != 200 || !head.mediaType().equals("text/event-stream")) {
            throw new HandshakeFailure(
                "GET stream: HTTP " + head.status() + " " + head.mediaType());
          }
          Stream held = new Stream(stream, sessionId);
          streams[i] = held;
          stream = null;
          Thread.ofVirtual().name("mcp-stream-" + i).start(() -> read(held));
        } catch (IOException | RuntimeException e) {
          failures.record(e);
          if (stream != null) {
            stream.close();
          }
          if (post != null) {
            post.close();
            post = null;
          }
        }
      }
    } finally {
      if (post != null) {
        post.close();
      }
    }
  }

  private void read(Stream stream) {
    byte[] buffer = new byte[512];
    InputStream in = stream.wire.body();
    try {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        stream.keepAlives.feed(buffer, 0, n);
      }
    } catch (IOException e) {
      // Ended: counted below.
    }
    stream.ended = true;
    if (!closing) {
      endedEarly.increment();
    }
  }

  private void deleteSome(@Nullable Stream[] streams, AtomicInteger next) {
    McpWire wire = null;
    try {
      for (int i = next.getAndIncrement(); i < streams.length; i = next.getAndIncrement()) {
        Stream stream = streams[i];
        if (stream == null) {
          continue;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
          try {
            if (wire == null || wire.closed()) {
              if (wire != null) {
                wire.close();
              }
              wire = connect(READ_TIMEOUT);
            }
            delete(wire, stream.sessionId);
            break;
          } catch (IOException e) {
            // A kept-alive connection the server closed while idle: one retry on a new one.
            if (wire != null) {
              wire.close();
              wire = null;
            }
            if (attempt == 1) {
              failures.record(e);
            }
          }
        }
      }
    } finally {
      if (wire != null) {
        wire.close();
      }
    }
  }

  private static double rssMb(long pid) {
    if (pid < 1) {
      return -1;
    }
    return ProcessStats.rssKib(pid).stream()
        .mapToDouble(kib -> Report.round(kib / 1024.0, 1))
        .findFirst()
        .orElse(-1);
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(parent, ".ready", ".tmp");
    Files.writeString(temp, text, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
