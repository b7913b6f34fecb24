package dev.clawgate.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a response frame's id and outcome from its bytes, without decoding the whole message: the
 * gateway writes {@code type, id, ok} first (see {@code Frames.toNode}), so both sit at the start.
 * The request loads use numeric ids; a {@code sessions.list} answer is tens of kilobytes, and
 * decoding each would cost the load tool more CPU than the gateway spends on it.
 */
final class ResponseFrames {
  private static final byte[] RESPONSE = ascii("{\"type\":\"res\",\"id\":\"");
  private static final byte[] OK = ascii("\",\"ok\":true");
  private static final byte[] EVENT = ascii("{\"type\":\"event\",\"event\":\"");
  private static final int MAX_ID_DIGITS = 18;

  private ResponseFrames() {}

  /** The numeric id of a response, or -1 when {@code frame} is not a response with such an id. */
  static long id(byte[] frame) {
    if (!startsWith(frame, RESPONSE, 0)) {
      return -1;
    }
    long id = 0;
    int i = RESPONSE.length;
    for (; i < frame.length && frame[i] != '"'; i++) {
      if (frame[i] < '0' || frame[i] > '9' || i - RESPONSE.length >= MAX_ID_DIGITS) {
        return -1;
      }
      id = id * 10 + (frame[i] - '0');
    }
    return i == RESPONSE.length || i == frame.length ? -1 : id;
  }

  /** Whether a response with a numeric id (see {@link #id}) reports success. */
  static boolean ok(byte[] frame) {
    int quote = RESPONSE.length;
    while (quote < frame.length && frame[quote] != '"') {
      quote++;
    }
    return startsWith(frame, RESPONSE, 0) && startsWith(frame, OK, quote);
  }

  /** Whether {@code frame} is the event {@code name}. */
  static boolean isEvent(byte[] frame, String name) {
    byte[] quoted = ascii(name + "\"");
    return startsWith(frame, EVENT, 0) && startsWith(frame, quoted, EVENT.length);
  }

  /** Index of {@code needle} in {@code haystack} at or after {@code from}, or -1. */
  static int indexOf(byte[] haystack, byte[] needle, int from) {
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      if (haystack[i] == needle[0]
          && Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  static boolean startsWith(byte[] frame, byte[] prefix, int at) {
    return frame.length - at >= prefix.length
        && Arrays.equals(frame, at, at + prefix.length, prefix, 0, prefix.length);
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
