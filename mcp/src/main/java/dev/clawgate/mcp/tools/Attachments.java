package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.JsonValues.text;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The attachments of a transcript message (reference §2.4): its non-text content blocks verbatim,
 * then each meaningful persisted media fact of {@code __openclaw.media} as {@code {type:
 * "openclaw_media", media: {...}}}. A metadata view: no {@code media://} URL is resolved.
 */
final class Attachments {
  private Attachments() {}

  static ArrayNode of(JsonNode message) {
    ArrayNode attachments = JsonValues.array();
    JsonNode content = message.path("content");
    if (content.isArray()) {
      for (JsonNode block : content) {
        if (block.isObject() && !"text".equals(text(block.path("type")))) {
          attachments.add(block);
        }
      }
    }
    JsonNode media = message.path("__openclaw").path("media");
    if (media.isArray()) {
      for (JsonNode fact : media) {
        if (fact.isObject() && meaningful(fact)) {
          ObjectNode attachment = attachments.addObject();
          attachment.put("type", "openclaw_media");
          attachment.set("media", mediaFact(fact));
        }
      }
    }
    return attachments;
  }

  /** The message's id: {@code id}, else {@code __openclaw.id}. */
  static @Nullable String messageId(JsonNode message) {
    String id = text(message.path("id"));
    return id != null ? id : text(message.path("__openclaw").path("id"));
  }

  // Empty facts only keep positions aligned in the transcript; they are not attachments.
  private static boolean meaningful(JsonNode fact) {
    String kind = text(fact.path("kind"));
    return text(fact.path("path")) != null
        || text(fact.path("url")) != null
        || text(fact.path("contentType")) != null
        || (kind != null && !kind.equals("unknown"));
  }

  /** The fact's fields without nulls, with {@code transcribed} a boolean (false when absent). */
  private static ObjectNode mediaFact(JsonNode fact) {
    ObjectNode media = JsonValues.object();
    for (Map.Entry<String, JsonNode> field : fact.properties()) {
      if (field.getKey().equals("transcribed")) {
        media.put("transcribed", field.getValue().isBoolean() && field.getValue().booleanValue());
      } else if (!field.getValue().isNull()) {
        media.set(field.getKey(), field.getValue());
      }
    }
    if (!media.has("transcribed")) {
      media.put("transcribed", false);
    }
    return media;
  }
}
