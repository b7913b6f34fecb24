package dev.clawgate.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opens {@code connections} sockets, each through a full handshake, with {@code concurrency}
 * handshakes in flight; holds them idle (the gateway sends its ticks, the client sends nothing);
 * then closes them all, counting those the gateway still answered (they were open all along).
 *
 * <p>Once all are connected it writes the ready file, so a script can read the gateway's resident
 * memory while the sockets are held.
 */
final class IdleLoad {
  /** Bound on each phase (opening, closing) so a stuck gateway cannot hang the tool. */
  private static final Duration PHASE_LIMIT = Duration.ofSeconds(120);

  private final Handshaker handshaker;
  private final Failures failures = new Failures();
  private final Latencies latencies = new Latencies(1_000_000);
  private final LongAdder established = new LongAdder();
  private final LongAdder answeredCloses = new LongAdder();

  IdleLoad(Handshaker handshaker) {
    this.handshaker = handshaker;
  }

  Report run(LoadOptions options, String label) throws InterruptedException, IOException {
    int total = (int) Math.min(10_000_000, options.connections());
    Handshaker.@Nullable Connection[] open = new Handshaker.Connection[total];
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    long openDeadline = start + PHASE_LIMIT.toNanos();
    boolean allAnswered =
        Workers.start("idle-open", options.concurrency(), () -> openSome(open, next, openDeadline))
            .joinUntil(openDeadline);
    double openS = (System.nanoTime() - start) / 1e9;
    long connected = established.sum();

    ObjectNode json = Report.object();
    json.put("command", "idle");
    json.put("label", label);
    json.put("requested", total);
    json.put("established", connected);
    json.put("openS", Report.round(openS, 2));
    json.put("allAnswered", allAnswered);
    Report.putFailures(json, failures);
    Report.putLatency(json, latencies.summary());
    if (options.gatewayPid().isPresent()) {
      ProcessStats.rssKib(options.gatewayPid().getAsLong())
          .ifPresent(kib -> json.put("gatewayRssMbWhenReady", Report.round(kib / 1024.0, 1)));
    }
    if (options.readyFile().isPresent()) {
      writeAtomically(options.readyFile().get(), json.toString());
    }
    System.out.printf(
        "%s: %d of %d connections established in %.1f s; holding %.0f s%n",
        label, connected, total, openS, Report.seconds(options.hold()));
    System.out.flush();

    Thread.sleep(options.hold().toMillis());
    if (options.gatewayPid().isPresent()) {
      ProcessStats.rssKib(options.gatewayPid().getAsLong())
          .ifPresent(kib -> json.put("gatewayRssMbAfterHold", Report.round(kib / 1024.0, 1)));
    }
    long closeStart = System.nanoTime();
    AtomicInteger toClose = new AtomicInteger();
    boolean allClosed =
        Workers.start("idle-close", options.concurrency(), () -> closeSome(open, toClose))
            .joinUntil(closeStart + PHASE_LIMIT.toNanos());
    json.put("holdS", Report.seconds(options.hold()));
    json.put("stillOpenAfterHold", answeredCloses.sum());
    json.put("closeS", Report.round((System.nanoTime() - closeStart) / 1e9, 2));
    json.put("allClosed", allClosed);

    String human =
        String.format(
            "%s: %d established of %d in %.1f s; %d still open after %.0f s%s%n  %s",
            label,
            connected,
            total,
            openS,
            answeredCloses.sum(),
            Report.seconds(options.hold()),
            json.has("gatewayRssMbAfterHold")
                ? String.format(
                    "; gateway VmRSS %.1f MB", json.path("gatewayRssMbAfterHold").asDouble())
                : "",
            Report.failuresText(failures));
    return new Report(json, human);
  }

  private void openSome(
      Handshaker.@Nullable Connection[] open, AtomicInteger next, long deadlineNanos) {
    for (int n = 0; n < open.length; n++) {
      int index = next.getAndIncrement();
      if (index >= open.length || System.nanoTime() >= deadlineNanos) {
        return;
      }
      long begun = System.nanoTime();
      try {
        open[index] = handshaker.connect();
        established.increment();
        latencies.record(System.nanoTime() - begun);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.record(e);
      }
    }
  }

  private void closeSome(Handshaker.@Nullable Connection[] open, AtomicInteger next) {
    for (int n = 0; n < open.length; n++) {
      int index = next.getAndIncrement();
      if (index >= open.length) {
        return;
      }
      Handshaker.Connection connection = open[index];
      if (connection != null && connection.closeNormally()) {
        answeredCloses.increment();
      }
    }
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(parent, ".ready", ".tmp");
    Files.writeString(temp, text + "\n", StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
