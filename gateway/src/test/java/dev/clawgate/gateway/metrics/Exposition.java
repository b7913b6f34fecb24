package dev.clawgate.gateway.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A strict reader of the text format 0.0.4, independent of the writer: it fails on anything the
 * format does not allow (a family declared twice, a sample outside its family, an unknown escape,
 * an unquoted or unterminated label value, a missing final newline).
 */
final class Exposition {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern VALUE =
      Pattern.compile("[+-]?Inf|NaN|-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  // DOTALL: only \n ends a line in this format; \r and U+2028 are ordinary characters.
  private static final Pattern HELP =
      Pattern.compile("# HELP (" + NAME.pattern() + ") (.*)", Pattern.DOTALL);
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, String value) {
    double number() {
      return switch (value) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(value);
      };
    }
  }

  /** One family: its help, type and samples, in order. */
  static final class Family {
    final String name;
    @Nullable String help;
    @Nullable String type;
    final List<Sample> samples = new ArrayList<>();

    Family(String name) {
      this.name = name;
    }

    String type() {
      return Objects.requireNonNull(type, "no TYPE");
    }
  }

  private Exposition() {}

  /** The families of {@code text}, by name, in order. */
  static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    @Nullable Family current = null;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue; // the split after the final newline
      }
      Matcher help = HELP.matcher(line);
      Matcher type = TYPE.matcher(line);
      if (help.matches()) {
        current = family(families, current, help.group(1));
        if (current.help != null) {
          throw new IllegalArgumentException("HELP twice for " + current.name);
        }
        current.help = unescape(help.group(2), false);
      } else if (type.matches()) {
        current = family(families, current, type.group(1));
        if (current.type != null) {
          throw new IllegalArgumentException("TYPE twice for " + current.name);
        }
        if (!current.samples.isEmpty()) {
          throw new IllegalArgumentException("TYPE after samples for " + current.name);
        }
        current.type = type.group(2);
      } else if (line.startsWith("#")) {
        throw new IllegalArgumentException("unexpected comment: " + line);
      } else {
        Sample sample = sample(line);
        if (current == null || !belongs(current, sample.name())) {
          throw new IllegalArgumentException("sample outside its family: " + line);
        }
        current.samples.add(sample);
      }
    }
    for (Family family : families.values()) {
      if (family.help == null || family.type == null) {
        throw new IllegalArgumentException("HELP or TYPE missing for " + family.name);
      }
    }
    return families;
  }

  private static Family family(
      Map<String, Family> families, @Nullable Family current, String name) {
    if (current != null && current.name.equals(name)) {
      return current;
    }
    if (families.containsKey(name)) {
      throw new IllegalArgumentException("family " + name + " declared in two places");
    }
    Family family = new Family(name);
    families.put(name, family);
    return family;
  }

  private static boolean belongs(Family family, String sampleName) {
    if (family.type == null) {
      return false;
    }
    if (family.type.equals("histogram")) {
      return sampleName.equals(family.name + "_bucket")
          || sampleName.equals(family.name + "_sum")
          || sampleName.equals(family.name + "_count");
    }
    return sampleName.equals(family.name);
  }

  /** Parses {@code name{label="value",...} value}. */
  static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name: " + line);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches() || labels.containsKey(label)) {
          throw new IllegalArgumentException("bad or repeated label " + label + ": " + line);
        }
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("unquoted label value: " + line);
        }
        StringBuilder raw = new StringBuilder();
        int j = eq + 2;
        while (true) {
          if (j >= line.length()) {
            throw new IllegalArgumentException("unterminated label value: " + line);
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          raw.append(c);
          if (c == '\\') {
            j++;
            if (j >= line.length()) {
              throw new IllegalArgumentException("dangling escape: " + line);
            }
            raw.append(line.charAt(j));
          }
          j++;
        }
        labels.put(label, unescape(raw.toString(), true));
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected , or }: " + line);
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("expected one space before the value: " + line);
    }
    String value = line.substring(i + 1);
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("bad value: " + line);
    }
    return new Sample(name, labels, value);
  }

  /** Reverses the escapes: {@code \\}, {@code \n}, and {@code \"} in label values. */
  static String unescape(String text, boolean labelValue) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        if (labelValue && c == '\n') {
          throw new IllegalArgumentException("raw newline in a label value");
        }
        out.append(c);
        continue;
      }
      if (++i >= text.length()) {
        throw new IllegalArgumentException("dangling escape in " + text);
      }
      char escaped = text.charAt(i);
      switch (escaped) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case '"' -> {
          if (!labelValue) {
            throw new IllegalArgumentException("\\\" is not an escape in HELP: " + text);
          }
          out.append('"');
        }
        default ->
            throw new IllegalArgumentException("unknown escape \\" + escaped + " in " + text);
      }
    }
    return out.toString();
  }
}
