package dev.clawgate.benchmarks.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failed handshakes counted by cause. At most {@link #MAX_CAUSES} distinct causes are kept (the
 * rest are counted under {@code other}), so a flood of varied errors costs bounded memory.
 */
final class Failures {
  static final int MAX_CAUSES = 16;
  private static final int MAX_CAUSE_LENGTH = 100;

  private final Map<String, LongAdder> byCause = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  void record(Throwable error) {
    total.increment();
    String cause = cause(error);
    LongAdder counter = byCause.get(cause);
    if (counter == null) {
      counter =
          byCause.size() < MAX_CAUSES
              ? byCause.computeIfAbsent(cause, c -> new LongAdder())
              : byCause.computeIfAbsent("other", c -> new LongAdder());
    }
    counter.increment();
  }

  long total() {
    return total.sum();
  }

  /** Counts by cause, sorted by cause. */
  Map<String, Long> byCause() {
    Map<String, Long> copy = new TreeMap<>();
    byCause.forEach((cause, count) -> copy.put(cause, count.sum()));
    return copy;
  }

  /** A short, groupable name for {@code error}: its message for ours, class and message else. */
  static String cause(Throwable error) {
    Throwable root = error;
    for (int i = 0; i < 8; i++) {
      Throwable next = root.getCause();
      if (next == null
          || !(root instanceof CompletionException || root instanceof ExecutionException)) {
        break;
      }
      root = next;
    }
    String text =
        root instanceof HandshakeFailure
            ? String.valueOf(root.getMessage())
            : root.getClass().getSimpleName() + ": " + root.getMessage();
    return text.length() > MAX_CAUSE_LENGTH ? text.substring(0, MAX_CAUSE_LENGTH) : text;
  }
}
