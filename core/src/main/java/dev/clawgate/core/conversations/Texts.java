package dev.clawgate.core.conversations;

import tools.jackson.databind.JsonNode;

/** Text of message content, titles and previews. */
final class Texts {
  static final int TITLE_MAX = 60;
  static final int PREVIEW_MAX = 120;

  private Texts() {}

  /** A string content itself, or the {@code text} of its text blocks joined by newlines. */
  static String of(JsonNode content) {
    if (content.isString()) {
      return content.stringValue();
    }
    if (!content.isArray()) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode block : content) {
      JsonNode value = block.get("text");
      if (value != null && value.isString() && "text".equals(typeOf(block))) {
        if (!text.isEmpty()) {
          text.append('\n');
        }
        text.append(value.stringValue());
      }
    }
    return text.toString();
  }

  private static String typeOf(JsonNode block) {
    JsonNode type = block.get("type");
    return type != null && type.isString() ? type.stringValue() : "";
  }

  /** Whitespace collapsed, cut to {@code max} characters with an ellipsis. */
  static String summary(String text, int max) {
    String flat = text.strip().replaceAll("\\s+", " ");
    if (flat.length() <= max) {
      return flat;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(flat.charAt(end - 1))) {
      end--;
    }
    return flat.substring(0, end).stripTrailing() + "…";
  }
}
