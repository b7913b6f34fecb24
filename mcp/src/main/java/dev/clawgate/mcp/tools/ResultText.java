package dev.clawgate.mcp.tools;

import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The text content of tool results: {@code <label>: <n>}, optionally followed by a blank line and
 * the payload as {@code JSON.stringify(payload, null, 2)} prints it, since clients that read only
 * the text (some never look at {@code structuredContent}) still see the data.
 */
final class ResultText {
  private ResultText() {}

  static String count(String label, int n) {
    return label + ": " + n;
  }

  static String countWithJson(String label, int n, JsonNode payload) {
    return count(label, n) + "\n\n" + stringify(payload);
  }

  /** JavaScript's two-space pretty form: {@code "key": value}, one element per line. */
  static String stringify(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, "", out);
    return out.toString();
  }

  private static void write(JsonNode node, String indent, StringBuilder out) {
    if (node.isObject() && !node.isEmpty()) {
      String inner = indent + "  ";
      out.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(inner);
        quote(field.getKey(), out);
        out.append(": ");
        write(field.getValue(), inner, out);
        out.append(fields.hasNext() ? ",\n" : "\n");
      }
      out.append(indent).append('}');
    } else if (node.isArray() && !node.isEmpty()) {
      String inner = indent + "  ";
      out.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        out.append(inner);
        write(node.get(i), inner, out);
        out.append(i + 1 < node.size() ? ",\n" : "\n");
      }
      out.append(indent).append(']');
    } else if (node.isObject()) {
      out.append("{}");
    } else if (node.isArray()) {
      out.append("[]");
    } else if (node.isString()) {
      quote(node.stringValue(), out);
    } else if (node.isIntegralNumber() && node.canConvertToLong()) {
      out.append(node.longValue());
    } else {
      out.append(node); // booleans, null, other numbers: one small write each
    }
  }

  /**
   * {@code s} as a JSON string the way {@code JSON.stringify} writes it: quote and backslash
   * escaped, the short escapes for backspace, form feed, newline, carriage return and tab, other
   * control characters and lone surrogates as a backslash, {@code u} and four lower-case hex
   * digits, everything else as is.
   */
  static void quote(String s, StringBuilder out) {
    out.append('"');
    int run = 0; // start of the characters not yet copied
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String escape;
      if (c == '"') {
        escape = "\\\"";
      } else if (c == '\\') {
        escape = "\\\\";
      } else if (c < 0x20) {
        escape =
            switch (c) {
              case '\b' -> "\\b";
              case '\f' -> "\\f";
              case '\n' -> "\\n";
              case '\r' -> "\\r";
              case '\t' -> "\\t";
              default -> unicodeEscape(c);
            };
      } else if (Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
        escape = unicodeEscape(c);
      } else {
        if (Character.isHighSurrogate(c)) {
          i++; // a valid pair: copy both as they are
        }
        continue;
      }
      out.append(s, run, i).append(escape);
      run = i + 1;
    }
    out.append(s, run, s.length()).append('"');
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  private static String unicodeEscape(char c) {
    String hex = Integer.toHexString(c);
    return "\\u" + "0000".substring(hex.length()) + hex;
  }
}
