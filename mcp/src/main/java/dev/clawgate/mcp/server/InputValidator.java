package dev.clawgate.mcp.server;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks tool arguments against a tool's input schema, in the subset of JSON Schema the tools
 * publish: {@code type: object} with {@code properties}, {@code required} and {@code
 * additionalProperties: false}; properties of type {@code string} ({@code minLength}, {@code
 * maxLength}, {@code enum}), {@code integer} and {@code number} ({@code minimum}, {@code maximum})
 * and {@code boolean}.
 *
 * <p>A schema using anything else is refused when the validator is made, so a tool can never
 * publish a constraint that is silently not enforced. Annotations ({@code description}, {@code
 * title}, {@code default}, {@code examples}, {@code $schema}) are allowed and ignored. An integer
 * is any integral JSON number, {@code 5.0} included; tools read it with {@code asInt()} / {@code
 * asLong()}. Thread-safe and immutable.
 */
public final class InputValidator {
  private static final Set<String> ANNOTATIONS =
      Set.of("description", "title", "default", "examples", "$schema", "$comment");
  private static final Set<String> OBJECT_KEYWORDS =
      Set.of("type", "properties", "required", "additionalProperties");
  private static final Set<String> STRING_KEYWORDS =
      Set.of("type", "minLength", "maxLength", "enum");
  private static final Set<String> NUMBER_KEYWORDS = Set.of("type", "minimum", "maximum");

  private enum Type {
    STRING("a string"),
    INTEGER("an integer"),
    NUMBER("a number"),
    BOOLEAN("a boolean");

    final String noun;

    Type(String noun) {
      this.noun = noun;
    }
  }

  private record Property(
      Type type,
      int minLength,
      int maxLength,
      List<String> allowed,
      @Nullable BigDecimal minimum,
      @Nullable BigDecimal maximum) {}

  private final Map<String, Property> properties;
  private final List<String> required;
  private final boolean additionalAllowed;

  private InputValidator(
      Map<String, Property> properties, List<String> required, boolean additionalAllowed) {
    this.properties = properties;
    this.required = required;
    this.additionalAllowed = additionalAllowed;
  }

  /**
   * A validator for {@code schema}.
   *
   * @throws IllegalArgumentException when the schema uses something outside the subset
   */
  public static InputValidator of(ObjectNode schema) {
    checkKeywords(schema, OBJECT_KEYWORDS, "the input schema");
    if (!"object".equals(schema.path("type").asString(""))) {
      throw new IllegalArgumentException("the input schema must have type object");
    }
    Map<String, Property> properties = new LinkedHashMap<>();
    JsonNode declared = schema.path("properties");
    if (!declared.isMissingNode()) {
      if (!declared.isObject()) {
        throw new IllegalArgumentException("properties must be an object");
      }
      for (Map.Entry<String, JsonNode> entry : declared.properties()) {
        properties.put(entry.getKey(), property(entry.getKey(), entry.getValue()));
      }
    }
    List<String> required = new ArrayList<>();
    for (JsonNode name : schema.path("required")) {
      if (!name.isString()) {
        throw new IllegalArgumentException("required must list property names");
      }
      required.add(name.stringValue());
    }
    JsonNode additional = schema.path("additionalProperties");
    if (!additional.isMissingNode() && !additional.isBoolean()) {
      throw new IllegalArgumentException("additionalProperties must be a boolean");
    }
    return new InputValidator(properties, List.copyOf(required), additional.asBoolean(true));
  }

  /**
   * The first problem with {@code arguments}, naming the argument (for example {@code "limit" must
   * be <= 500}); empty when they are valid. Unknown arguments are reported first, then bad values
   * in the order given, then missing required ones.
   */
  public Optional<String> check(ObjectNode arguments) {
    for (Map.Entry<String, JsonNode> entry : arguments.properties()) {
      Property property = properties.get(entry.getKey());
      if (property == null) {
        if (!additionalAllowed) {
          return Optional.of("unknown argument " + quote(entry.getKey()));
        }
        continue;
      }
      String problem = problem(property, entry.getValue());
      if (problem != null) {
        return Optional.of(quote(entry.getKey()) + " " + problem);
      }
    }
    for (String name : required) {
      if (!arguments.has(name)) {
        return Optional.of(quote(name) + " is required");
      }
    }
    return Optional.empty();
  }

  /** What is wrong with {@code value} ("must be a string"), or null when nothing is. */
  private static @Nullable String problem(Property property, JsonNode value) {
    boolean rightType =
        switch (property.type()) {
          case STRING -> value.isString();
          case INTEGER ->
              value.isNumber() && (value.isIntegralNumber() || value.canConvertToExactIntegral());
          case NUMBER -> value.isNumber();
          case BOOLEAN -> value.isBoolean();
        };
    if (!rightType) {
      return "must be " + property.type().noun;
    }
    return value.isString()
        ? textProblem(property, value.stringValue())
        : value.isNumber() ? numberProblem(property, value.decimalValue()) : null;
  }

  private static @Nullable String textProblem(Property property, String text) {
    int length = text.codePointCount(0, text.length());
    if (length < property.minLength()) {
      return property.minLength() == 1
          ? "must not be empty"
          : "must be at least " + property.minLength() + " characters";
    }
    if (length > property.maxLength()) {
      return "must be at most " + property.maxLength() + " characters";
    }
    if (!property.allowed().isEmpty() && !property.allowed().contains(text)) {
      return "must be one of " + String.join(", ", property.allowed());
    }
    return null;
  }

  private static @Nullable String numberProblem(Property property, BigDecimal number) {
    BigDecimal minimum = property.minimum();
    if (minimum != null && number.compareTo(minimum) < 0) {
      return "must be >= " + minimum.toPlainString();
    }
    BigDecimal maximum = property.maximum();
    if (maximum != null && number.compareTo(maximum) > 0) {
      return "must be <= " + maximum.toPlainString();
    }
    return null;
  }

  private static Property property(String name, JsonNode schema) {
    String where = "property " + quote(name);
    if (!schema.isObject()) {
      throw new IllegalArgumentException(where + " must be a schema object");
    }
    Type type =
        switch (schema.path("type").asString("")) {
          case "string" -> Type.STRING;
          case "integer" -> Type.INTEGER;
          case "number" -> Type.NUMBER;
          case "boolean" -> Type.BOOLEAN;
          default ->
              throw new IllegalArgumentException(
                  where + " must have type string, integer, number or boolean");
        };
    checkKeywords(
        schema,
        switch (type) {
          case STRING -> STRING_KEYWORDS;
          case INTEGER, NUMBER -> NUMBER_KEYWORDS;
          case BOOLEAN -> Set.of("type");
        },
        where);
    List<String> allowed = new ArrayList<>();
    for (JsonNode value : schema.path("enum")) {
      if (!value.isString()) {
        throw new IllegalArgumentException(where + ": enum must list strings");
      }
      allowed.add(value.stringValue());
    }
    return new Property(
        type,
        length(schema, "minLength", 0, where),
        length(schema, "maxLength", Integer.MAX_VALUE, where),
        List.copyOf(allowed),
        bound(schema, "minimum", where),
        bound(schema, "maximum", where));
  }

  private static int length(JsonNode schema, String keyword, int absent, String where) {
    JsonNode value = schema.path(keyword);
    if (value.isMissingNode()) {
      return absent;
    }
    if (!value.canConvertToInt() || !value.canConvertToExactIntegral() || value.asInt() < 0) {
      throw new IllegalArgumentException(where + ": " + keyword + " must be a non-negative int");
    }
    return value.asInt();
  }

  private static @Nullable BigDecimal bound(JsonNode schema, String keyword, String where) {
    JsonNode value = schema.path(keyword);
    if (value.isMissingNode()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException(where + ": " + keyword + " must be a number");
    }
    return value.decimalValue();
  }

  private static void checkKeywords(JsonNode schema, Set<String> supported, String where) {
    for (String keyword : schema.propertyNames()) {
      if (!supported.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
        throw new IllegalArgumentException(where + " uses unsupported keyword " + keyword);
      }
    }
  }

  private static String quote(String name) {
    return '"' + name + '"';
  }
}
