package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests of one method on a few handshaken connections, pipelined: each connection keeps {@code
 * pipeline} requests in flight (a writer sends as soon as an answer frees a slot, several requests
 * per write when several slots are free; a reader takes the answers in whatever order the gateway
 * sends them). The rate counts answers received inside the measured window; latency runs from the
 * write of a request to the read of its answer.
 *
 * <p>The load tool reads only each answer's id and outcome (see {@link ResponseFrames}); the first
 * answer of every connection and every {@link #CHECK_EVERY}th are parsed and checked in full.
 */
final class CallLoad {
  /** Send times are kept in a ring indexed by id; it must exceed the pipeline depth. */
  private static final int RING = 2_048;

  private static final int CHECK_EVERY = 1_000;
  private static final Duration DRAIN = Duration.ofSeconds(30);

  private final RawHandshaker handshaker;
  private final CallSource source;
  private final Failures failures = new Failures();
  private final Latencies latencies = new Latencies(4_000_000);
  private final LongAdder measured = new LongAdder();
  private final LongAdder measuredBytes = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final LongAdder checked = new LongAdder();
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  CallLoad(RawHandshaker handshaker, CallSource source) {
    this.handshaker = handshaker;
    this.source = source;
  }

  Report run(LoadOptions options) throws Exception {
    int pipeline = options.conversation().pipeline();
    int count = (int) Math.min(10_000, options.connections());
    List<Pipe> pipes = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        pipes.add(new Pipe(i, handshaker.open(), pipeline));
      }
    } catch (IOException | RuntimeException e) {
      pipes.forEach(p -> p.ws.abort());
      throw e;
    }
    long start = System.nanoTime();
    long measureFrom = start + options.warmup().toNanos();
    long plannedEnd = measureFrom + options.duration().toNanos();
    windowStart = measureFrom;
    windowEnd = plannedEnd;
    List<Thread> threads = new ArrayList<>();
    for (Pipe pipe : pipes) {
      threads.add(
          Thread.ofVirtual().name("write-" + pipe.index).start(() -> pipe.write(plannedEnd)));
      threads.add(Thread.ofVirtual().name("read-" + pipe.index).start(pipe::read));
    }
    Workers.sleepUntil(measureFrom);
    CpuWindow cpu = CpuWindow.open(options.gatewayPid());
    Workers.sleepUntil(plannedEnd);
    ObjectNode json = Report.object();
    double window = (plannedEnd - measureFrom) / 1e9;
    long counted = measured.sum();
    cpu.close(json, window, counted, "Call");
    long drainUntil = System.nanoTime() + DRAIN.toNanos();
    boolean drained = true;
    for (Thread thread : threads) {
      long left = drainUntil - System.nanoTime();
      drained &= left > 0 && thread.join(Duration.ofNanos(left));
    }
    for (Pipe pipe : pipes) {
      if (drained) {
        pipe.ws.closeNormally();
      } else {
        pipe.ws.abort();
      }
    }

    double rate = counted / window;
    Latencies.Summary latency = latencies.summary();
    json.put("command", options.command());
    json.put("method", source.method());
    json.put("label", source.label());
    json.put("connections", count);
    json.put("pipeline", pipeline);
    json.put("warmupS", Report.seconds(options.warmup()));
    json.put("windowS", Report.round(window, 3));
    json.put("callsPerS", Report.round(rate, 1));
    json.put("measured", counted);
    json.put("answered", answered.sum());
    json.put("checked", checked.sum());
    json.put("bytesPerAnswer", counted == 0 ? 0 : measuredBytes.sum() / counted);
    json.put("answerMbPerS", Report.round(measuredBytes.sum() / window / 1048576.0, 1));
    Report.putFailures(json, failures);
    Report.putLatency(json, latency);
    json.put("drained", drained);
    String human =
        String.format(
            "%s: %.0f calls/s over %.1f s (%d connections x %d in flight, %d measured, %d bytes"
                + " per answer)%n"
                + "  latency ms: mean %.2f  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
                + "  %s%n"
                + "  %s (%d answers checked in full)%s",
            source.label(),
            rate,
            window,
            count,
            pipeline,
            counted,
            json.path("bytesPerAnswer").asLong(),
            latency.meanMs(),
            latency.p50Ms(),
            latency.p90Ms(),
            latency.p99Ms(),
            latency.maxMs(),
            CpuWindow.text(json, "Call", "call"),
            Report.failuresText(failures),
            checked.sum(),
            drained ? "" : "\n  WARNING: some answers were still outstanding after " + DRAIN);
    return new Report(json, human);
  }

  /** One connection: its writer and reader share the in-flight slots and the send times. */
  private final class Pipe {
    final int index;
    final RawWebSocket ws;
    final int pipeline;
    final Semaphore slots;
    final AtomicLongArray sentAt = new AtomicLongArray(RING);

    /** The id of the last request, once the writer has stopped; 0 while it runs. */
    volatile long lastId;

    volatile boolean broken;

    Pipe(int index, RawWebSocket ws, int pipeline) {
      this.index = index;
      this.ws = ws;
      this.pipeline = pipeline;
      this.slots = new Semaphore(pipeline);
    }

    void write(long plannedEnd) {
      long id = 0;
      List<String> batch = new ArrayList<>(pipeline);
      try {
        while (System.nanoTime() < plannedEnd && !broken) {
          if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
          int n = 1 + slots.drainPermits();
          batch.clear();
          long now = System.nanoTime();
          for (int k = 0; k < n; k++) {
            id++;
            sentAt.set((int) (id % RING), now);
            batch.add(source.request(index, id));
          }
          ws.sendTexts(batch);
        }
        if (broken) {
          return;
        }
        // One last request after the window: its answer tells the reader the writer is done, so
        // the reader never blocks on a read that no answer will end.
        id++;
        lastId = id;
        sentAt.set((int) (id % RING), System.nanoTime());
        ws.sendText(source.request(index, id));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        broken = true;
      } catch (IOException | RuntimeException e) {
        failures.record(e);
        broken = true;
        ws.abort();
      }
    }

    void read() {
      long received = 0;
      try {
        while (!broken) {
          byte[] frame = ws.readTextBytes();
          long now = System.nanoTime();
          long id = ResponseFrames.id(frame);
          if (id < 0) {
            continue; // an event (tick)
          }
          received++;
          slots.release();
          answered.increment();
          boolean ok = ResponseFrames.ok(frame);
          if (now >= windowStart && now < windowEnd) {
            measured.increment();
            measuredBytes.add(frame.length);
            latencies.record(now - sentAt.get((int) (id % RING)));
          }
          if (!ok) {
            failures.record(new HandshakeFailure(ConnectFrames.describeFailure(text(frame))));
          } else if (received == 1 || received % CHECK_EVERY == 0) {
            check(frame);
          }
          long last = lastId;
          if (last > 0 && received == last) {
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        if (!broken) {
          failures.record(e);
          broken = true;
        }
      }
    }
  }

  private void check(byte[] frame) {
    checked.increment();
    Optional<String> problem;
    try {
      JsonNode payload = Json.mapper().readTree(frame).path("payload");
      problem = source.check(payload);
    } catch (JacksonException e) {
      problem = Optional.of("answer is not JSON");
    }
    problem.ifPresent(p -> failures.record(new HandshakeFailure(p)));
  }

  private static String text(byte[] frame) {
    return new String(frame, StandardCharsets.UTF_8);
  }
}
