package dev.clawgate.benchmarks.load;

import java.util.Optional;

/**
 * The stamp a fanout message carries in its text: its number and the load tool's {@link
 * System#nanoTime()} just before the post was written, so each subscriber computes its own delivery
 * latency on the same clock (one process). A {@code session.message} event carries the text as its
 * {@code message.content}; the stamp is read from the event's bytes without parsing them.
 *
 * @param seq the message's number in the run (from 0)
 * @param sentNanos when the post started
 */
record FanoutStamp(long seq, long sentNanos) {
  private static final String MARK = "cgbench ";
  private static final byte[] IN_EVENT = ResponseFrames.ascii("\"content\":\"" + MARK);

  /** The message text: the stamp, then ordinary words so the message is of a usual size. */
  String text() {
    return MARK + seq + " " + sentNanos + " status update: deploy finished, all checks green";
  }

  /** The stamp in a {@code session.message} event frame, if it has one. */
  static Optional<FanoutStamp> find(byte[] frame) {
    int at = ResponseFrames.indexOf(frame, IN_EVENT, 0);
    if (at < 0) {
      return Optional.empty();
    }
    int[] cursor = {at + IN_EVENT.length};
    Optional<Long> seq = number(frame, cursor);
    if (seq.isEmpty() || cursor[0] >= frame.length || frame[cursor[0]] != ' ') {
      return Optional.empty();
    }
    cursor[0]++;
    Optional<Long> sent = number(frame, cursor);
    return seq.isPresent() && sent.isPresent()
        ? Optional.of(new FanoutStamp(seq.get(), sent.get()))
        : Optional.empty();
  }

  /** A decimal number (optionally negative) at {@code cursor[0]}; advances the cursor past it. */
  private static Optional<Long> number(byte[] frame, int[] cursor) {
    int i = cursor[0];
    boolean negative = i < frame.length && frame[i] == '-';
    if (negative) {
      i++;
    }
    int digitsFrom = i;
    long value = 0;
    while (i < frame.length && frame[i] >= '0' && frame[i] <= '9' && i - digitsFrom < 18) {
      value = value * 10 + (frame[i] - '0');
      i++;
    }
    if (i == digitsFrom) {
      return Optional.empty();
    }
    cursor[0] = i;
    return Optional.of(negative ? -value : value);
  }
}
