package dev.clawgate.gateway.metrics;

import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Prometheus text exposition format, version 0.0.4: one {@code # HELP} and one {@code # TYPE}
 * line per family, then its samples {@code name{label="value",...} value}, each line ending in
 * {@code \n}. Label values escape backslash, double quote and newline; help texts escape backslash
 * and newline.
 */
final class TextFormat {
  /** The {@code Content-Type} of a scrape answer. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private TextFormat() {}

  static String checkMetricName(String name) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    return name;
  }

  static String checkLabelName(String name) {
    if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
      throw new IllegalArgumentException("not a label name: " + name);
    }
    return name;
  }

  /** Series keys (label values in label order) in lexicographic order, for a stable output. */
  static int compareKeys(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** The {@code # HELP} and {@code # TYPE} lines of a family. */
  static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ');
    escapeHelp(out, help);
    out.append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /**
   * One sample line; {@code names} and {@code values} pair up, and {@code extraName} (when not
   * null, e.g. {@code le}) comes last with {@code extraValue}.
   */
  static void sample(
      StringBuilder out,
      String name,
      List<String> names,
      List<String> values,
      @Nullable String extraName,
      String extraValue,
      String value) {
    out.append(name);
    if (!names.isEmpty() || extraName != null) {
      out.append('{');
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        label(out, names.get(i), values.get(i));
      }
      if (extraName != null) {
        if (!names.isEmpty()) {
          out.append(',');
        }
        label(out, extraName, extraValue);
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private static void label(StringBuilder out, String name, String value) {
    out.append(name).append("=\"");
    escapeLabelValue(out, value);
    out.append('"');
  }

  static void escapeLabelValue(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  static void escapeHelp(StringBuilder out, String help) {
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  /** A sample value: integers without a fraction, {@code +Inf}, {@code -Inf}, {@code NaN}. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
