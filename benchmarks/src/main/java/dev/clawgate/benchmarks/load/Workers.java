package dev.clawgate.benchmarks.load;

import java.util.concurrent.TimeUnit;

/** A fixed set of virtual threads running one task each, joined against deadlines. */
final class Workers {
  private final Thread[] threads;

  private Workers(Thread[] threads) {
    this.threads = threads;
  }

  /** Starts {@code count} virtual threads named {@code name-<i>}, each running {@code task}. */
  static Workers start(String name, int count, Runnable task) {
    Thread[] threads = new Thread[count];
    for (int i = 0; i < count; i++) {
      threads[i] = Thread.ofVirtual().name(name + "-" + i).start(task);
    }
    return new Workers(threads);
  }

  /** Waits until every thread has ended or {@code deadlineNanos} (a nanoTime) has passed. */
  boolean joinUntil(long deadlineNanos) throws InterruptedException {
    for (Thread thread : threads) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || !thread.join(java.time.Duration.ofNanos(left))) {
        return allEnded();
      }
    }
    return true;
  }

  private boolean allEnded() {
    for (Thread thread : threads) {
      if (thread.isAlive()) {
        return false;
      }
    }
    return true;
  }

  /** Sleeps until {@code deadlineNanos} (a nanoTime). */
  static void sleepUntil(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
