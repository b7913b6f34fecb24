package dev.clawgate.benchmarks.load;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.node.ObjectNode;

/**
 * Handshakes back to back: {@code concurrency} virtual threads each run whole connection life
 * cycles (upgrade, challenge, connect, hello-ok, close handshake) one after another. Nothing is
 * measured during the warm-up; then the handshakes that reach hello-ok within the window count.
 *
 * <p>A worker starts its next handshake only when its socket is fully closed, so the sustained rate
 * includes the gateway's close work and at most {@code concurrency} sockets are open at once.
 * Latency runs from starting the TCP connect to receiving hello-ok.
 */
final class HandshakeLoad {
  /** How long to wait for in-flight handshakes after the window. */
  private static final Duration DRAIN = Duration.ofSeconds(30);

  private final Handshaker handshaker;
  private final Failures failures = new Failures();
  private final Latencies latencies = new Latencies(4_000_000);
  private final AtomicLong started = new AtomicLong();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder measured = new LongAdder();
  private final LongAdder unansweredCloses = new LongAdder();
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  HandshakeLoad(Handshaker handshaker) {
    this.handshaker = handshaker;
  }

  Report run(LoadOptions options, String label) throws InterruptedException {
    int concurrency = options.concurrency();
    long max = options.connections();
    long start = System.nanoTime();
    long measureFrom = start + options.warmup().toNanos();
    long plannedEnd = measureFrom + options.duration().toNanos();
    windowStart = measureFrom;
    windowEnd = plannedEnd;
    Workers workers = Workers.start("load", concurrency, () -> work(plannedEnd, max));

    boolean open = !workers.joinUntil(measureFrom);
    long selfCpuAtOpen = ProcessStats.selfCpu().toNanos();
    long gatewayCpuAtOpen = gatewayCpu(options.gatewayPid());
    long machineAtOpen = ProcessStats.machineBusy().toNanos();
    workers.joinUntil(plannedEnd);
    long stop = Math.min(System.nanoTime(), plannedEnd);
    windowEnd = stop;
    long counted = measured.sum();
    long selfCpu = ProcessStats.selfCpu().toNanos() - selfCpuAtOpen;
    long gatewayCpu = gatewayCpu(options.gatewayPid()) - gatewayCpuAtOpen;
    long machine = ProcessStats.machineBusy().toNanos() - machineAtOpen;
    boolean drained = workers.joinUntil(System.nanoTime() + DRAIN.toNanos());

    double window = open ? (stop - measureFrom) / 1e9 : 0;
    double rate = window > 0 ? counted / window : 0;
    Latencies.Summary latency = latencies.summary();
    ObjectNode json = Report.object();
    json.put("command", "handshakes");
    json.put("label", label);
    json.put("concurrency", concurrency);
    json.put("warmupS", Report.seconds(options.warmup()));
    json.put("windowS", Report.round(window, 3));
    json.put("handshakesPerS", Report.round(rate, 1));
    json.put("measured", counted);
    json.put("started", Math.min(started.get(), max));
    json.put("succeeded", succeeded.sum());
    Report.putFailures(json, failures);
    json.put("unansweredCloses", unansweredCloses.sum());
    Report.putLatency(json, latency);
    json.put("drained", drained);
    json.put("loadCpuCores", cores(selfCpu, window));
    json.put("loadCpuPerHandshakeUs", perHandshakeUs(selfCpu, counted));
    if (options.gatewayPid().isPresent()) {
      json.put("gatewayCpuCores", cores(gatewayCpu, window));
      json.put("gatewayCpuPerHandshakeUs", perHandshakeUs(gatewayCpu, counted));
      ProcessStats.rssKib(options.gatewayPid().getAsLong())
          .ifPresent(kib -> json.put("gatewayRssMb", Report.round(kib / 1024.0, 1)));
      // Anything else running on the machine competes for the same cores: report it.
      json.put("otherCpuCores", cores(Math.max(0, machine - gatewayCpu - selfCpu), window));
    }
    json.put("machineCpuCores", cores(machine, window));

    String human =
        String.format(
            "%s: %.0f handshakes/s over %.1f s (concurrency %d, %d measured)%n"
                + "  latency ms: mean %.2f  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
                + "  cpu: load tool %.2f cores (%.0f us/handshake)%s; machine %.2f cores%n"
                + "  %s%s",
            label,
            rate,
            window,
            concurrency,
            counted,
            latency.meanMs(),
            latency.p50Ms(),
            latency.p90Ms(),
            latency.p99Ms(),
            latency.maxMs(),
            json.path("loadCpuCores").asDouble(),
            json.path("loadCpuPerHandshakeUs").asDouble(),
            options.gatewayPid().isPresent()
                ? String.format(
                    ", gateway %.2f cores (%.0f us/handshake)",
                    json.path("gatewayCpuCores").asDouble(),
                    json.path("gatewayCpuPerHandshakeUs").asDouble())
                : "",
            json.path("machineCpuCores").asDouble(),
            Report.failuresText(failures),
            drained ? "" : "\n  WARNING: some handshakes were still in flight after " + DRAIN);
    return new Report(json, human);
  }

  /** One worker: whole handshakes until the window ends or {@code max} have been started. */
  private void work(long plannedEnd, long max) {
    for (long n = 0; n < max; n++) {
      if (System.nanoTime() >= plannedEnd || started.getAndIncrement() >= max) {
        return;
      }
      long begun = System.nanoTime();
      Handshaker.Connection connection;
      try {
        connection = handshaker.connect();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.record(e);
        continue;
      }
      long done = System.nanoTime();
      succeeded.increment();
      if (done >= windowStart && done < windowEnd) {
        measured.increment();
        latencies.record(done - begun);
      }
      if (!connection.closeNormally()) {
        unansweredCloses.increment();
      }
    }
  }

  private static long gatewayCpu(OptionalLong pid) {
    return pid.isPresent() ? ProcessStats.cpu(pid.getAsLong()).toNanos() : 0;
  }

  private static double cores(long cpuNanos, double windowSeconds) {
    return windowSeconds > 0 ? Report.round(cpuNanos / 1e9 / windowSeconds, 2) : 0;
  }

  private static double perHandshakeUs(long cpuNanos, long handshakes) {
    return handshakes == 0 ? 0 : Report.round(cpuNanos / 1e3 / handshakes, 1);
  }
}
