package dev.clawgate.gateway.channels.telegram;

import dev.clawgate.core.config.ChannelsConfig.AccountPolicy;
import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.Media;
import dev.clawgate.core.conversations.SessionKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;

/**
 * Maps a {@code getUpdates} batch to inbound messages. Private chats are direct, groups and
 * supergroups are groups (a forum topic message's {@code message_thread_id} is the thread); text or
 * caption is the text; photo, document, audio, voice and video become {@link Media} facts ({@code
 * telegram:file/<file_id>}). Updates that are not messages, messages without text or media, channel
 * posts and senders the account's policies refuse produce nothing, but still count for the offset.
 */
final class TelegramUpdates {
  private TelegramUpdates() {}

  /**
   * The messages of one batch and the offset that confirms all of it.
   *
   * @param messages the messages taken in
   * @param nextOffset the highest {@code update_id} plus one, if any update had an id
   * @param skipped how many updates produced no message
   */
  record Batch(List<InboundMessage> messages, OptionalLong nextOffset, int skipped) {}

  static Batch map(JsonNode updates, AccountPolicy policy) {
    List<InboundMessage> messages = new ArrayList<>();
    long highest = Long.MIN_VALUE;
    int skipped = 0;
    for (JsonNode update : updates) {
      JsonNode id = update.path("update_id");
      if (id.isIntegralNumber()) {
        highest = Math.max(highest, id.asLong());
      }
      Optional<InboundMessage> message = message(update.path("message"), policy);
      if (message.isPresent()) {
        messages.add(message.get());
      } else {
        skipped++;
      }
    }
    return new Batch(
        messages,
        highest == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(highest + 1),
        skipped);
  }

  /** The inbound message for Telegram Message {@code message}, if it is one the account takes. */
  static Optional<InboundMessage> message(JsonNode message, AccountPolicy policy) {
    JsonNode chat = message.path("chat");
    JsonNode from = message.path("from");
    if (!message.path("message_id").isIntegralNumber()
        || !chat.path("id").isIntegralNumber()
        || !from.path("id").isIntegralNumber()) {
      return Optional.empty();
    }
    ChatType chatType;
    switch (chat.path("type").asString("")) {
      case "private" -> chatType = ChatType.DIRECT;
      case "group", "supergroup" -> chatType = ChatType.GROUP;
      default -> {
        return Optional.empty();
      }
    }
    String chatId = chat.path("id").asString();
    String senderId = from.path("id").asString();
    if (!policy.admits(chatType, chatId, senderId)) {
      return Optional.empty();
    }
    String text = text(message);
    List<Media> media = media(message);
    if (text.isEmpty() && media.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> threadId =
        message.path("is_topic_message").asBoolean(false)
                && message.path("message_thread_id").isIntegralNumber()
            ? Optional.of(message.path("message_thread_id").asString())
            : Optional.empty();
    return Optional.of(
        new InboundMessage(
            TelegramChannel.TYPE,
            policy.accountId(),
            chatId + ":" + message.path("message_id").asString(),
            chatType,
            chatId,
            threadId,
            senderId,
            senderName(from),
            text(chat, "title"),
            text,
            media,
            policy.isOwner(senderId),
            message.path("date").asLong(0) * 1000,
            SessionKeys.forInbound(
                policy.agentId(),
                TelegramChannel.TYPE,
                policy.accountId(),
                chatType,
                chatId,
                threadId,
                policy.dmScope())));
  }

  private static String text(JsonNode message) {
    return text(message, "text").or(() -> text(message, "caption")).orElse("");
  }

  private static Optional<String> senderName(JsonNode from) {
    String name =
        (from.path("first_name").asString("") + " " + from.path("last_name").asString("")).strip();
    return name.isEmpty() ? text(from, "username") : Optional.of(name);
  }

  private static List<Media> media(JsonNode message) {
    List<Media> media = new ArrayList<>();
    JsonNode photos = message.path("photo");
    if (photos.isArray() && !photos.isEmpty()) {
      // Sizes come smallest first: the last is the original.
      media.add(file(photos.get(photos.size() - 1), "image/jpeg", "image"));
    }
    addFile(media, message.path("document"), "application/octet-stream", "file");
    addFile(media, message.path("audio"), "audio/mpeg", "audio");
    addFile(media, message.path("voice"), "audio/ogg", "audio");
    addFile(media, message.path("video"), "video/mp4", "video");
    return media;
  }

  private static void addFile(List<Media> media, JsonNode file, String defaultType, String kind) {
    if (file.isObject() && file.path("file_id").isString()) {
      media.add(file(file, defaultType, kind));
    }
  }

  private static Media file(JsonNode file, String defaultType, String kind) {
    return new Media(
        "telegram:file/" + file.path("file_id").asString(""),
        text(file, "mime_type").orElse(defaultType),
        kind,
        text(file, "file_name"),
        file.path("file_size").isIntegralNumber()
            ? Optional.of(file.path("file_size").asLong())
            : Optional.empty());
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() && !value.stringValue().isEmpty()
        ? Optional.of(value.stringValue())
        : Optional.empty();
  }
}
