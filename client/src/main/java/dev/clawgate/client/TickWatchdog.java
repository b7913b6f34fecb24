package dev.clawgate.client;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Fires once when nothing has been heard for a time limit (two {@code policy.tickIntervalMs}; the
 * gateway sends a tick every interval). Runs on one virtual thread that sleeps until the earliest
 * possible expiry, so it costs nothing between checks.
 */
final class TickWatchdog {
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile boolean stopped;
  private volatile @Nullable Thread thread;

  /** Records that something arrived. */
  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  /** Starts watching; {@code onSilence} runs at most once, on the watchdog thread. */
  void start(Duration limit, Runnable onSilence) {
    if (stopped) {
      return;
    }
    Thread timer =
        Thread.ofVirtual().name("clawgate-tick-watchdog").unstarted(() -> watch(limit, onSilence));
    thread = timer;
    timer.start();
    if (stopped) {
      timer.interrupt(); // stopped between the start and the publication of the thread
    }
  }

  void stop() {
    stopped = true;
    Thread timer = thread;
    if (timer != null) {
      timer.interrupt();
    }
  }

  private void watch(Duration limit, Runnable onSilence) {
    long limitNanos = limit.toNanos();
    while (!stopped) {
      long silent = System.nanoTime() - lastHeardNanos;
      if (silent >= limitNanos) {
        onSilence.run();
        return;
      }
      try {
        Thread.sleep(Duration.ofNanos(limitNanos - silent));
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
