package dev.clawgate.gateway.channels.webhook;

import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.Media;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One inbound webhook body, validated. The format is documented on {@link WebhookChannel}.
 *
 * @param id the sender's unique event id
 * @param senderId {@code from.id}
 * @param senderName {@code from.name}
 * @param chatType {@code chat.type}, direct when there is no chat
 * @param chatId {@code chat.id}, else {@code from.id}
 * @param chatTitle {@code chat.title}
 * @param threadId {@code threadId}
 * @param text {@code text}
 * @param media {@code media}
 * @param timestampMs when the sender says it was sent (ms since the epoch), if it says
 */
record WebhookEvent(
    String id,
    String senderId,
    Optional<String> senderName,
    ChatType chatType,
    String chatId,
    Optional<String> chatTitle,
    Optional<String> threadId,
    String text,
    List<Media> media,
    Optional<Long> timestampMs) {
  static final int MAX_ID = 128;
  static final int MAX_TEXT = 64 * 1024;
  static final int MAX_MEDIA = 32;

  private static final Set<String> KEYS =
      Set.of("id", "from", "chat", "threadId", "text", "media", "timestamp");
  private static final Set<String> FROM_KEYS = Set.of("id", "name");
  private static final Set<String> CHAT_KEYS = Set.of("id", "type", "title");
  private static final Set<String> MEDIA_KEYS =
      Set.of("url", "contentType", "kind", "fileName", "sizeBytes");
  private static final Set<String> KINDS = Set.of("image", "audio", "video", "file");

  /**
   * Parses {@code body}.
   *
   * @throws ClawgateException {@code INVALID_PARAMS} naming the field
   */
  static WebhookEvent parse(byte[] body) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(body);
    } catch (JacksonException e) {
      throw ClawgateException.invalidParams("body", "not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw ClawgateException.invalidParams("body", "must be a JSON object");
    }
    Fields event = Fields.object(root, "").allowOnly(KEYS);
    String id = event.string("id", MAX_ID);
    Fields from = event.object("from").allowOnly(FROM_KEYS);
    String senderId = from.string("id", MAX_ID);
    Optional<String> senderName = from.optString("name", 256);

    ChatType chatType = ChatType.DIRECT;
    String chatId = senderId;
    Optional<String> chatTitle = Optional.empty();
    Optional<Fields> chat = event.optObject("chat");
    if (chat.isPresent()) {
      Fields c = chat.get().allowOnly(CHAT_KEYS);
      chatId = c.string("id", MAX_ID);
      chatType =
          switch (c.string("type", 16)) {
            case "direct" -> ChatType.DIRECT;
            case "group" -> ChatType.GROUP;
            default ->
                throw ClawgateException.invalidParams(
                    c.path("type"), "must be \"direct\" or \"group\"");
          };
      chatTitle = c.optString("title", 256);
    }
    Optional<String> threadId = event.optString("threadId", MAX_ID);
    List<Media> media = media(event);
    String text = text(event, !media.isEmpty());
    Optional<Long> timestamp = event.optInteger("timestamp", 0, Long.MAX_VALUE / 2);
    return new WebhookEvent(
        id, senderId, senderName, chatType, chatId, chatTitle, threadId, text, media, timestamp);
  }

  /** {@code text}: a string, empty only when there is media. */
  private static String text(Fields event, boolean hasMedia) {
    JsonNode node = event.node().get("text");
    if (node == null || node.isNull()) {
      if (hasMedia) {
        return "";
      }
      throw ClawgateException.invalidParams(event.path("text"), "required");
    }
    if (!node.isString()) {
      throw ClawgateException.invalidParams(event.path("text"), "must be a string");
    }
    String text = node.stringValue();
    if (text.length() > MAX_TEXT) {
      throw ClawgateException.invalidParams(
          event.path("text"), "longer than " + MAX_TEXT + " characters");
    }
    if (text.isBlank() && !hasMedia) {
      throw ClawgateException.invalidParams(
          event.path("text"), "must not be empty (unless there is media)");
    }
    return text;
  }

  private static List<Media> media(Fields event) {
    JsonNode node = event.node().get("media");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ClawgateException.invalidParams(event.path("media"), "must be an array");
    }
    if (node.size() > MAX_MEDIA) {
      throw ClawgateException.invalidParams(
          event.path("media"), "more than " + MAX_MEDIA + " items");
    }
    List<Media> media = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      Fields item = Fields.object(node.get(i), event.path("media") + "[" + i + "]");
      item.allowOnly(MEDIA_KEYS);
      String kind = item.string("kind", 16);
      if (!KINDS.contains(kind)) {
        throw ClawgateException.invalidParams(
            item.path("kind"), "must be one of image, audio, video, file");
      }
      media.add(
          new Media(
              item.string("url", 2048),
              item.string("contentType", 255),
              kind,
              item.optString("fileName", 255),
              item.optInteger("sizeBytes", 0, Long.MAX_VALUE)));
    }
    return List.copyOf(media);
  }
}
