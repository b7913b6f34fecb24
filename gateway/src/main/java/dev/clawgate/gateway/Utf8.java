package dev.clawgate.gateway;

/**
 * UTF-8 sizes without encoding: limits on the wire are in bytes, Java strings are in chars. Public
 * for the benchmarks, which measure the gateway's own code.
 */
public final class Utf8 {
  /** Longest WebSocket close reason: a control frame holds 125 bytes, two are the code. */
  static final int MAX_CLOSE_REASON_BYTES = 123;

  private Utf8() {}

  /**
   * The number of bytes {@code text} occupies in UTF-8 (an unpaired surrogate counts 3, as "?").
   */
  public static long length(CharSequence text) {
    long bytes = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The longest prefix of {@code text} (whole code points) that fits in {@code maxBytes}. */
  static String truncate(String text, int maxBytes) {
    int bytes = 0;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > maxBytes) {
        return text.substring(0, i);
      }
      bytes += size;
      i += Character.charCount(cp);
    }
    return text;
  }

  /** {@code reason} cut to fit a close frame. */
  static String closeReason(String reason) {
    return truncate(reason, MAX_CLOSE_REASON_BYTES);
  }
}
