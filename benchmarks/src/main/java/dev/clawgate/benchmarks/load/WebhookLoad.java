package dev.clawgate.benchmarks.load;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.node.ObjectNode;

/**
 * Inbound webhook throughput over the wire: {@code connections} kept-alive HTTP connections each
 * post signed messages back to back (the next as soon as the previous is answered), spread over the
 * seeded sessions. Each accepted post is one inbound message stored in its own write transaction
 * (receive batch of one) and announced to subscribers, if any. Counts the posts answered 200 inside
 * the measured window.
 */
final class WebhookLoad {
  private static final int STEP = 7_919;

  private final Failures failures = new Failures();
  private final Latencies latencies = new Latencies(4_000_000);
  private final LongAdder measured = new LongAdder();
  private final LongAdder accepted = new LongAdder();

  Report run(LoadOptions options) throws Exception {
    ConversationOptions o = options.conversation();
    int count = (int) Math.min(10_000, options.connections());
    String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
    long start = System.nanoTime();
    long measureFrom = start + options.warmup().toNanos();
    long plannedEnd = measureFrom + options.duration().toNanos();
    AtomicInteger next = new AtomicInteger();
    Workers workers =
        Workers.start(
            "webhook",
            count,
            () -> post(options, next.getAndIncrement(), run, measureFrom, plannedEnd));
    Workers.sleepUntil(measureFrom);
    CpuWindow cpu = CpuWindow.open(options.gatewayPid());
    Workers.sleepUntil(plannedEnd);
    double window = (plannedEnd - measureFrom) / 1e9;
    long counted = measured.sum();
    ObjectNode json = Report.object();
    cpu.close(json, window, counted, "Post");
    boolean drained = workers.joinUntil(System.nanoTime() + Handshaker.STEP_TIMEOUT.toNanos());

    double rate = counted / window;
    Latencies.Summary latency = latencies.summary();
    json.put("command", "webhook");
    json.put("connections", count);
    json.put("sessions", o.sessions());
    json.put("warmupS", Report.seconds(options.warmup()));
    json.put("windowS", Report.round(window, 3));
    json.put("postsPerS", Report.round(rate, 1));
    json.put("measured", counted);
    json.put("accepted", accepted.sum());
    Report.putFailures(json, failures);
    Report.putLatency(json, latency);
    json.put("drained", drained);
    String human =
        String.format(
            "webhook inbound: %.0f posts/s over %.1f s (%d connections, %d measured)%n"
                + "  latency ms: mean %.2f  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
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
            CpuWindow.text(json, "Post", "post"),
            Report.failuresText(failures));
    return new Report(json, human);
  }

  private void post(
      LoadOptions options, int connection, String run, long measureFrom, long plannedEnd) {
    ConversationOptions o = options.conversation();
    try (WebhookPoster poster = new WebhookPoster(options.url(), o.hookAccount(), o.hookSecret())) {
      for (long n = 0; System.nanoTime() < plannedEnd; n++) {
        int session = (int) Math.floorMod(connection * 131L + n * STEP, (long) o.sessions());
        byte[] body =
            WebhookPoster.body(
                "wh-" + run + "-" + connection + "-" + n,
                SeedPlan.peer(session),
                "Peer " + session,
                "webhook load " + connection + "-" + n + ": the nightly report is ready");
        long begun = System.nanoTime();
        try {
          RawHttp.Response response = poster.post(body);
          long done = System.nanoTime();
          if (response.status() != 200) {
            failures.record(new HandshakeFailure(WebhookPoster.describe(response)));
            continue;
          }
          accepted.increment();
          if (done >= measureFrom && done < plannedEnd) {
            measured.increment();
            latencies.record(done - begun);
          }
        } catch (IOException | RuntimeException e) {
          failures.record(e);
        }
      }
    } catch (IOException e) {
      failures.record(e);
    }
  }
}
