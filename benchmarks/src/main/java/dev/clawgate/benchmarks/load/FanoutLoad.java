package dev.clawgate.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.node.ObjectNode;

/**
 * Inbound message to subscribers: {@code connections} handshaken connections call {@code
 * sessions.subscribe}; then signed webhook messages are posted on a fixed schedule ({@code rate}
 * per second, shared by {@code concurrency} posting connections so one slow post does not delay the
 * next), each stamped with its send time (see {@link FanoutStamp}). Every subscriber records, per
 * {@code session.message} event, the time from the post's start to the event's arrival, on the same
 * clock. Messages sent during the warm-up count for loss but not for latency. After the last post
 * the run waits (at most {@link #DRAIN}) until every subscriber has every accepted message.
 *
 * <p>Messages go to the seeded sessions in turn ({@link SeedPlan}), so each lands in an existing
 * session with a long transcript.
 */
final class FanoutLoad {
  private static final Duration DRAIN = Duration.ofSeconds(10);
  private static final String SUBSCRIBE =
      "{\"type\":\"req\",\"id\":\"1\",\"method\":\"sessions.subscribe\",\"params\":{}}";

  private final RawHandshaker handshaker;
  private final Failures failures = new Failures();
  private final Latencies delivery = new Latencies(4_000_000);
  private final Latencies posts = new Latencies(1_000_000);
  private final Latencies lateness = new Latencies(1_000_000);
  private final LongAdder otherEvents = new LongAdder();
  private final AtomicLong tickets = new AtomicLong();
  private volatile boolean stopping;

  FanoutLoad(RawHandshaker handshaker) {
    this.handshaker = handshaker;
  }

  Report run(LoadOptions options) throws Exception {
    ConversationOptions o = options.conversation();
    int count = (int) Math.min(10_000, options.connections());
    List<RawWebSocket> subscribers = new ArrayList<>(count);
    Duration readTimeout = options.warmup().plus(options.duration()).plus(Duration.ofMinutes(2));
    try {
      for (int i = 0; i < count; i++) {
        RawWebSocket ws = handshaker.open();
        subscribers.add(ws);
        ws.readTimeout(readTimeout);
        subscribe(ws);
      }
    } catch (IOException | RuntimeException e) {
      subscribers.forEach(RawWebSocket::abort);
      throw e;
    }
    FanoutLedger ledger = new FanoutLedger(count);
    List<Thread> readers = new ArrayList<>(count);
    long start = System.nanoTime() + 100_000_000L; // readers are reading by then
    long measureFrom = start + options.warmup().toNanos();
    long plannedEnd = measureFrom + options.duration().toNanos();
    for (int i = 0; i < count; i++) {
      int index = i;
      RawWebSocket ws = subscribers.get(i);
      readers.add(
          Thread.ofVirtual()
              .name("subscriber-" + i)
              .start(() -> receive(index, ws, ledger, measureFrom)));
    }
    String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
    SeedPlan plan = new SeedPlan(o.hookAccount());
    double intervalNanos = 1e9 / o.rate();
    Workers posters =
        Workers.start(
            "poster",
            options.concurrency(),
            () -> post(options, plan, run, ledger, start, intervalNanos, plannedEnd));
    Workers.sleepUntil(measureFrom);
    CpuWindow cpu = CpuWindow.open(options.gatewayPid());
    Workers.sleepUntil(plannedEnd);
    ObjectNode json = Report.object();
    double window = (plannedEnd - measureFrom) / 1e9;
    boolean postersDone = posters.joinUntil(System.nanoTime() + DRAIN.toNanos());
    long drainFrom = System.nanoTime();
    while (!ledger.seemsComplete() && System.nanoTime() - drainFrom < DRAIN.toNanos()) {
      Thread.sleep(10);
    }
    long deliveries = delivery.summary().count();
    cpu.close(json, (System.nanoTime() - measureFrom) / 1e9, deliveries, "Delivery");
    stopping = true;
    subscribers.forEach(RawWebSocket::abort);
    for (Thread reader : readers) {
      reader.join(Duration.ofSeconds(5));
    }
    FanoutLedger.Summary outcome = ledger.summary();
    Latencies.Summary latency = delivery.summary();
    Latencies.Summary post = posts.summary();
    Latencies.Summary late = lateness.summary();

    json.put("command", "fanout");
    json.put("subscribers", count);
    json.put("posters", options.concurrency());
    json.put("ratePerS", o.rate());
    json.put("warmupS", Report.seconds(options.warmup()));
    json.put("windowS", Report.round(window, 3));
    json.put("posted", outcome.posted());
    json.put("deliveriesMeasured", latency.count());
    json.put("delivered", outcome.delivered());
    json.put("missing", outcome.missing());
    json.put("duplicates", outcome.duplicates());
    json.put("unexpected", outcome.unexpected());
    json.put("completeSubscribers", outcome.completeSubscribers());
    json.put("otherEvents", otherEvents.sum());
    json.put("postersDone", postersDone);
    Report.putFailures(json, failures);
    Report.putLatency(json, latency);
    // Flat copies, for scripts that read single keys.
    json.put("deliveryP50Ms", latency.p50Ms());
    json.put("deliveryP99Ms", latency.p99Ms());
    json.put("deliveryMaxMs", latency.maxMs());
    ObjectNode postLatency = json.putObject("postLatencyMs");
    postLatency.put("p50", post.p50Ms());
    postLatency.put("p99", post.p99Ms());
    postLatency.put("max", post.maxMs());
    json.put("postLateP99Ms", late.p99Ms());
    json.put("postLateMaxMs", late.maxMs());
    String human =
        String.format(
            "fanout: %d subscribers, %.0f posts/s for %.0f+%.0f s: %d posted, %d deliveries"
                + " measured%n"
                + "  delivery latency ms: mean %.2f  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
                + "  loss: %d missing, %d duplicates, %d unexpected; %d of %d subscribers got"
                + " every message%n"
                + "  webhook post ms: p50 %.2f  p99 %.2f  max %.2f; posts started late by up to"
                + " %.2f ms (p99 %.2f)%n"
                + "  %s%n"
                + "  %s",
            count,
            o.rate(),
            Report.seconds(options.warmup()),
            window,
            outcome.posted(),
            latency.count(),
            latency.meanMs(),
            latency.p50Ms(),
            latency.p90Ms(),
            latency.p99Ms(),
            latency.maxMs(),
            outcome.missing(),
            outcome.duplicates(),
            outcome.unexpected(),
            outcome.completeSubscribers(),
            count,
            post.p50Ms(),
            post.p99Ms(),
            post.maxMs(),
            late.maxMs(),
            late.p99Ms(),
            CpuWindow.text(json, "Delivery", "delivery"),
            Report.failuresText(failures));
    return new Report(json, human);
  }

  private static void subscribe(RawWebSocket ws) throws IOException {
    ws.sendText(SUBSCRIBE);
    for (int frames = 0; frames < 100; frames++) {
      byte[] frame = ws.readTextBytes();
      if (ResponseFrames.id(frame) == 1) {
        if (!ResponseFrames.ok(frame)) {
          throw new HandshakeFailure(
              "sessions.subscribe "
                  + ConnectFrames.describeFailure(new String(frame, StandardCharsets.UTF_8)));
        }
        return;
      }
    }
    throw new HandshakeFailure("no answer to sessions.subscribe");
  }

  /** One subscriber's reader: until the run aborts the socket. */
  private void receive(int index, RawWebSocket ws, FanoutLedger ledger, long measureFrom) {
    try {
      while (!stopping) {
        byte[] frame = ws.readTextBytes();
        long now = System.nanoTime();
        Optional<FanoutStamp> stamp =
            ResponseFrames.isEvent(frame, "session.message")
                ? FanoutStamp.find(frame)
                : Optional.empty();
        if (stamp.isEmpty()) {
          otherEvents.increment();
          continue;
        }
        ledger.received(index, (int) stamp.get().seq());
        if (stamp.get().sentNanos() >= measureFrom) {
          delivery.record(now - stamp.get().sentNanos());
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!stopping) {
        failures.record(e);
      }
    }
  }

  /** One poster: takes the next slot of the schedule, waits for its time, posts. */
  private void post(
      LoadOptions options,
      SeedPlan plan,
      String run,
      FanoutLedger ledger,
      long start,
      double intervalNanos,
      long plannedEnd) {
    ConversationOptions o = options.conversation();
    try (WebhookPoster poster = new WebhookPoster(options.url(), o.hookAccount(), o.hookSecret())) {
      while (true) {
        long n = tickets.getAndIncrement();
        long due = start + (long) (n * intervalNanos);
        if (due >= plannedEnd) {
          return;
        }
        Workers.sleepUntil(due);
        int session = (int) (n % o.sessions());
        long sent = System.nanoTime();
        lateness.record(Math.max(0, sent - due));
        byte[] body =
            WebhookPoster.body(
                "fan-" + run + "-" + n,
                SeedPlan.peer(session),
                "Peer " + session,
                new FanoutStamp(n, sent).text());
        try {
          RawHttp.Response response = poster.post(body);
          posts.record(System.nanoTime() - sent);
          if (response.status() == 200) {
            ledger.posted((int) n);
          } else {
            failures.record(new HandshakeFailure(WebhookPoster.describe(response)));
          }
        } catch (IOException | RuntimeException e) {
          failures.record(e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      failures.record(e);
    }
  }
}
