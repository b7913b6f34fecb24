package dev.clawgate.mcp.tools;

import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

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
        out.append(inner).append(JsonNodeFactory.instance.stringNode(field.getKey())).append(": ");
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
    } else {
      out.append(node);
    }
  }
}
