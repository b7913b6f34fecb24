package dev.clawgate.gateway.channels.telegram;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into parts of at most {@code limit} UTF-16 units (Telegram's length unit), in
 * order. A part ends, by preference, at a paragraph break, then a line break, then a space, as long
 * as that keeps it at least half the limit long; otherwise it is cut at the limit. A cut never
 * falls inside a surrogate pair, and the separator a part ends at is dropped. Blank parts are not
 * sent (Telegram refuses them); joining the others with their separators gives the text back.
 */
final class TextChunks {
  private static final String[] SEPARATORS = {"\n\n", "\n", " "};

  private TextChunks() {}

  /** The parts of {@code text}; none for a blank text. */
  static List<String> split(String text, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    List<String> parts = new ArrayList<>();
    String rest = text;
    while (rest.length() > limit) {
      int end = -1;
      int skip = 0;
      for (String separator : SEPARATORS) {
        // A separator starting at or before the limit keeps the part within it.
        int at = rest.lastIndexOf(separator, limit);
        if (at >= Math.max(1, limit / 2)) {
          end = at;
          skip = separator.length();
          break;
        }
      }
      if (end < 0) {
        end = limit;
        if (Character.isHighSurrogate(rest.charAt(end - 1))
            && Character.isLowSurrogate(rest.charAt(end))) {
          // Never split a pair; a limit of 1 with a pair first sends the pair whole.
          end = end == 1 ? 2 : end - 1;
        }
      }
      add(parts, rest.substring(0, end));
      rest = rest.substring(end + skip);
    }
    add(parts, rest);
    return List.copyOf(parts);
  }

  private static void add(List<String> parts, String part) {
    if (!part.isBlank()) {
      parts.add(part);
    }
  }
}
