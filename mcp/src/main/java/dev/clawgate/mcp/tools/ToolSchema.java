package dev.clawgate.mcp.tools;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Input schemas in the draft-07 form the reference's SDK publishes for its zod shapes: a closed
 * object, integers with {@code minimum}/{@code maximum}, strings with {@code minLength}, enums, and
 * {@code required} only when something is.
 */
final class ToolSchema {
  private ToolSchema() {}

  /** One property: its name and schema. */
  record Property(String name, ObjectNode schema, boolean required) {}

  static ObjectNode object(Property... properties) {
    ObjectNode schema = JsonValues.object();
    schema.put("type", "object");
    schema.put("additionalProperties", false);
    List<Property> required = List.of(properties).stream().filter(Property::required).toList();
    if (!required.isEmpty()) {
      ArrayNode names = schema.putArray("required");
      required.forEach(p -> names.add(p.name()));
    }
    ObjectNode props = schema.putObject("properties");
    for (Property p : properties) {
      props.set(p.name(), p.schema());
    }
    return schema;
  }

  static Property string(String name) {
    return new Property(name, type("string"), false);
  }

  /** A required string of at least one character. */
  static Property requiredText(String name) {
    ObjectNode schema = type("string");
    schema.put("minLength", 1);
    return new Property(name, schema, true);
  }

  static Property bool(String name) {
    return new Property(name, type("boolean"), false);
  }

  static Property integer(String name, long minimum) {
    ObjectNode schema = type("integer");
    schema.put("minimum", minimum);
    return new Property(name, schema, false);
  }

  static Property integer(String name, long minimum, long maximum) {
    Property p = integer(name, minimum);
    p.schema().put("maximum", maximum);
    return p;
  }

  /** A required string, one of {@code values}. */
  static Property requiredEnum(String name, String... values) {
    ObjectNode schema = type("string");
    ArrayNode allowed = schema.putArray("enum");
    for (String value : values) {
      allowed.add(value);
    }
    return new Property(name, schema, true);
  }

  private static ObjectNode type(String type) {
    ObjectNode schema = JsonValues.object();
    schema.put("type", type);
    return schema;
  }
}
