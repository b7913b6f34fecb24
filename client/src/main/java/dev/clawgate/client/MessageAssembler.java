package dev.clawgate.client;

import java.util.Optional;

/**
 * Joins the parts of one WebSocket text message (the JDK delivers a message in as many parts as it
 * likes) and enforces the size bound: before {@code hello-ok} the protocol maximum, after it the
 * gateway's {@code policy.maxPayload}. Sizes are counted in UTF-8 bytes, as the gateway counts.
 *
 * <p>Only the socket's listener appends (the JDK invokes it sequentially); the limit may be read
 * from any thread.
 */
final class MessageAssembler {
  private final StringBuilder buffer = new StringBuilder();
  private long bytes;
  private volatile long limit; // also read by senders, to bound outgoing requests

  MessageAssembler(long limit) {
    this.limit = limit;
  }

  void limit(long maxBytes) {
    this.limit = maxBytes;
  }

  long limit() {
    return limit;
  }

  /**
   * Adds a part; returns the whole message after its last part.
   *
   * @throws TooLarge when the message exceeds the bound (the buffer is dropped)
   */
  Optional<String> append(CharSequence part, boolean last) throws TooLarge {
    bytes += utf8Length(part);
    if (bytes > limit) {
      long seen = bytes;
      buffer.setLength(0);
      bytes = 0;
      throw new TooLarge(seen);
    }
    if (last && buffer.isEmpty()) {
      bytes = 0;
      return Optional.of(part.toString());
    }
    buffer.append(part);
    if (!last) {
      return Optional.empty();
    }
    String message = buffer.toString();
    buffer.setLength(0);
    bytes = 0;
    return Optional.of(message);
  }

  /** The UTF-8 length of {@code text} (a surrogate pair counts 4, each half 2). */
  static long utf8Length(CharSequence text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800 || Character.isSurrogate(c)) {
        length += 2;
      } else {
        length += 3;
      }
    }
    return length;
  }

  /** A message larger than the bound. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;
    final long bytesSoFar;

    TooLarge(long bytesSoFar) {
      super("message exceeds the size limit", null, false, false);
      this.bytesSoFar = bytesSoFar;
    }
  }
}
