package dev.clawgate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A transcript message as a person reads it: its text (a string, or the text of its blocks), then
 * one fact per attachment, {@code [image x.png 3 B]}. What has no text shows its kind ({@code
 * [tool_use]}), so nothing in the transcript is silently left out.
 */
final class SessionsTranscript {
  private SessionsTranscript() {}

  static String text(JsonNode message) {
    List<String> parts = new ArrayList<>();
    JsonNode content = message.path("content");
    if (content.isString()) {
      addText(parts, content.asString());
    } else if (content.isArray()) {
      for (JsonNode block : content) {
        if (block.isString()) {
          addText(parts, block.asString());
        } else if (block.path("text").isString()) {
          addText(parts, block.path("text").asString());
        } else if (!isMediaBlock(block, message)) {
          parts.add("[" + block.path("type").asString("block") + "]");
        }
      }
    } else if (!content.isMissingNode() && !content.isNull()) {
      parts.add(content.toString());
    }
    for (JsonNode media : message.path("__openclaw").path("media")) {
      parts.add(media(media));
    }
    if (parts.isEmpty()) {
      return "(empty)";
    }
    return String.join("\n", parts);
  }

  private static void addText(List<String> parts, String text) {
    if (!text.isBlank()) {
      parts.add(text.stripTrailing());
    }
  }

  /** An image or file block described again by {@code __openclaw.media} is shown once, there. */
  private static boolean isMediaBlock(JsonNode block, JsonNode message) {
    String type = block.path("type").asString("");
    return !message.path("__openclaw").path("media").isEmpty()
        && (type.equals("image") || type.equals("file") || type.equals("audio"));
  }

  /** "[image x.png 3 B]": the kind, the file name when known, the size when known. */
  static String media(JsonNode media) {
    StringBuilder fact = new StringBuilder("[");
    fact.append(media.path("kind").asString(media.path("contentType").asString("attachment")));
    String name = media.path("fileName").asString("");
    if (!name.isBlank()) {
      fact.append(' ').append(name);
    }
    if (media.path("sizeBytes").isNumber()) {
      fact.append(' ').append(size(media.path("sizeBytes").asLong()));
    }
    return fact.append(']').toString();
  }

  /** "3 B", "12.5 KB", "4.0 MB" (powers of 1024, one decimal above bytes). */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
