package dev.clawgate.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with columns padded to their widest cell. The last column is cut with "…" so a
 * row fits {@code maxWidth} (80 for a terminal); ids are shortened by the caller unless {@code
 * --wide}.
 */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headers) {
    this.columns = headers.length;
    rows.add(headers);
  }

  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(columns + " cells expected, got " + cells.length);
    }
    rows.add(cells);
    return this;
  }

  /** The table, two spaces between columns, each line ending in a newline. */
  String render(int maxWidth) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < columns; i++) {
        String cell = row[i];
        if (i == columns - 1) {
          int room = maxWidth - line.length();
          if (maxWidth > 0 && cell.length() > room && room > 1) {
            cell = cell.substring(0, room - 1) + "…";
          }
          line.append(cell);
        } else {
          line.append(cell).append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      String text = line.toString().stripTrailing();
      out.append(row == rows.get(0) ? Colour.bold(text) : text).append('\n');
    }
    return out.toString();
  }

  /** "42s ago", "5m ago", "3h ago", "2d ago"; "in 4m" for a time ahead. */
  static String ago(long thenMs, long nowMs) {
    long seconds = (nowMs - thenMs) / 1000;
    boolean ahead = seconds < 0;
    long s = Math.abs(seconds);
    String span =
        s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s < 86_400 ? s / 3600 + "h" : s / 86_400 + "d";
    return ahead ? "in " + span : span + " ago";
  }

  /** Scopes without the {@code operator.} prefix, comma-separated ("read,write,pairing"). */
  static String scopes(List<String> names) {
    if (names.isEmpty()) {
      return "-";
    }
    return String.join(",", names.stream().map(n -> n.replaceFirst("^operator\\.", "")).toList());
  }

  /** The first 8 characters of an id, or all of it with {@code wide}. */
  static String id(String id, boolean wide) {
    return wide || id.length() <= 8 ? id : id.substring(0, 8);
  }
}
