package dev.clawgate.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Strict, path-aware reading of one JSON object. Every failure is an {@link
 * ClawgateException#invalidParams(String, String) INVALID_PARAMS} error that names the full path of
 * the offending field, so a client learns exactly what to fix.
 *
 * <p>Strings are bounded and must not be blank when required; unknown keys are rejected by {@link
 * #allowOnly(Set)} (wire objects are closed, as in the reference protocol).
 */
public final class Fields {
  private final JsonNode node;
  private final String path;

  private Fields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Reads {@code node} as an object found at {@code path} ({@code "params"}, ...). */
  public static Fields object(JsonNode node, String path) {
    if (!node.isObject()) {
      throw ClawgateException.invalidParams(path, "must be an object");
    }
    return new Fields(node, path);
  }

  /** Reads an optional params node: absent or null becomes an empty object. */
  public static Fields params(Optional<JsonNode> params) {
    return object(
        params.filter(p -> !p.isNull()).orElseGet(() -> Json.mapper().createObjectNode()),
        "params");
  }

  /** Rejects any key not in {@code allowed}. */
  public Fields allowOnly(Set<String> allowed) {
    for (String name : node.propertyNames()) {
      if (!allowed.contains(name)) {
        throw ClawgateException.invalidParams(path(name), "unknown field");
      }
    }
    return this;
  }

  /** The path of a child field, for messages. */
  public String path(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public JsonNode node() {
    return node;
  }

  public boolean has(String name) {
    JsonNode child = node.get(name);
    return child != null && !child.isNull();
  }

  /** A required, non-blank string of at most {@code maxLength} characters. */
  public String string(String name, int maxLength) {
    return optString(name, maxLength)
        .orElseThrow(() -> ClawgateException.invalidParams(path(name), "required"));
  }

  /** An optional string; present means non-blank and at most {@code maxLength} characters. */
  public Optional<String> optString(String name, int maxLength) {
    JsonNode child = node.get(name);
    if (child == null || child.isNull()) {
      return Optional.empty();
    }
    if (!child.isString()) {
      throw ClawgateException.invalidParams(path(name), "must be a string");
    }
    String value = child.stringValue();
    if (value.isBlank()) {
      throw ClawgateException.invalidParams(path(name), "must not be empty");
    }
    if (value.length() > maxLength) {
      throw ClawgateException.invalidParams(path(name), "longer than " + maxLength + " characters");
    }
    return Optional.of(value);
  }

  /** A required integer within {@code [min, max]}. */
  public long integer(String name, long min, long max) {
    return optInteger(name, min, max)
        .orElseThrow(() -> ClawgateException.invalidParams(path(name), "required"));
  }

  /** An optional integer within {@code [min, max]}. */
  public Optional<Long> optInteger(String name, long min, long max) {
    JsonNode child = node.get(name);
    if (child == null || child.isNull()) {
      return Optional.empty();
    }
    if (!child.isIntegralNumber() || !child.canConvertToLong()) {
      throw ClawgateException.invalidParams(path(name), "must be an integer");
    }
    long value = child.longValue();
    if (value < min || value > max) {
      throw ClawgateException.invalidParams(path(name), "must be between " + min + " and " + max);
    }
    return Optional.of(value);
  }

  /** An optional boolean. */
  public Optional<Boolean> optBoolean(String name) {
    JsonNode child = node.get(name);
    if (child == null || child.isNull()) {
      return Optional.empty();
    }
    if (!child.isBoolean()) {
      throw ClawgateException.invalidParams(path(name), "must be a boolean");
    }
    return Optional.of(child.booleanValue());
  }

  /** An optional array of non-blank strings (absent means empty), bounded in count and length. */
  public List<String> stringList(String name, int maxItems, int maxLength) {
    JsonNode child = node.get(name);
    if (child == null || child.isNull()) {
      return List.of();
    }
    if (!child.isArray()) {
      throw ClawgateException.invalidParams(path(name), "must be an array of strings");
    }
    if (child.size() > maxItems) {
      throw ClawgateException.invalidParams(path(name), "more than " + maxItems + " items");
    }
    List<String> values = new ArrayList<>(child.size());
    for (int i = 0; i < child.size(); i++) {
      JsonNode item = child.get(i);
      String itemPath = path(name) + "[" + i + "]";
      if (!item.isString() || item.stringValue().isBlank()) {
        throw ClawgateException.invalidParams(itemPath, "must be a non-empty string");
      }
      if (item.stringValue().length() > maxLength) {
        throw ClawgateException.invalidParams(itemPath, "longer than " + maxLength + " characters");
      }
      values.add(item.stringValue());
    }
    return Collections.unmodifiableList(values);
  }

  /** A required nested object. */
  public Fields object(String name) {
    return optObject(name)
        .orElseThrow(() -> ClawgateException.invalidParams(path(name), "required"));
  }

  /** An optional nested object. */
  public Optional<Fields> optObject(String name) {
    JsonNode child = node.get(name);
    if (child == null || child.isNull()) {
      return Optional.empty();
    }
    return Optional.of(object(child, path(name)));
  }

  /** An optional object of string keys to booleans (e.g. node permissions), bounded in size. */
  public Map<String, Boolean> booleanMap(String name, int maxEntries) {
    Optional<Fields> child = optObject(name);
    if (child.isEmpty()) {
      return Map.of();
    }
    JsonNode map = child.get().node;
    if (map.size() > maxEntries) {
      throw ClawgateException.invalidParams(path(name), "more than " + maxEntries + " entries");
    }
    var result = new java.util.LinkedHashMap<String, Boolean>();
    for (var entry : map.properties()) {
      if (!entry.getValue().isBoolean()) {
        throw ClawgateException.invalidParams(
            path(name) + "." + entry.getKey(), "must be a boolean");
      }
      result.put(entry.getKey(), entry.getValue().booleanValue());
    }
    return Collections.unmodifiableMap(result);
  }
}
