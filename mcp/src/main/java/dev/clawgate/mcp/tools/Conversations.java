package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.JsonValues.first;
import static dev.clawgate.mcp.tools.JsonValues.text;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a gateway session row into a conversation descriptor (reference §7.3): the route a reply
 * takes. A row without a channel or without a peer ({@code to}) is not a conversation and is hidden
 * from every tool.
 *
 * <p>Precedence: channel = {@code deliveryContext.channel}, {@code lastChannel}, {@code channel},
 * {@code origin.provider} (trimmed, lower case); to = {@code deliveryContext.to}, {@code lastTo};
 * accountId = {@code deliveryContext.accountId}, {@code lastAccountId}, {@code origin.accountId};
 * threadId = {@code deliveryContext.threadId}, {@code lastThreadId}, {@code origin.threadId}, kept
 * as the number or string it came as.
 */
final class Conversations {
  private Conversations() {}

  /**
   * The descriptor {@code {sessionKey, channel, to, accountId?, threadId?, label?, displayName?,
   * derivedTitle?, lastMessagePreview?, updatedAt}}, or empty when the row has no complete route.
   */
  static Optional<ObjectNode> toConversation(JsonNode row) {
    JsonNode delivery = row.path("deliveryContext");
    JsonNode origin = row.path("origin");
    String channel =
        first(
            text(delivery.path("channel")),
            text(row.path("lastChannel")),
            text(row.path("channel")),
            text(origin.path("provider")));
    String to = first(text(delivery.path("to")), text(row.path("lastTo")));
    JsonNode key = row.path("key");
    if (channel == null || to == null || !key.isString()) {
      return Optional.empty();
    }
    ObjectNode conversation = JsonValues.object();
    conversation.put("sessionKey", key.stringValue());
    conversation.put("channel", JsonValues.lower(channel));
    conversation.put("to", to);
    String accountId =
        first(
            text(delivery.path("accountId")),
            text(row.path("lastAccountId")),
            text(origin.path("accountId")));
    if (accountId != null) {
      conversation.put("accountId", accountId);
    }
    JsonNode threadId =
        first(
            threadId(delivery.path("threadId")),
            threadId(row.path("lastThreadId")),
            threadId(origin.path("threadId")));
    if (threadId != null) {
      conversation.set("threadId", threadId);
    }
    for (String field :
        new String[] {"label", "displayName", "derivedTitle", "lastMessagePreview"}) {
      String value = text(row.path(field));
      if (value != null) {
        conversation.put(field, value);
      }
    }
    JsonNode updatedAt = row.path("updatedAt");
    if (updatedAt.isNumber()) {
      conversation.set("updatedAt", updatedAt);
    } else {
      conversation.putNull("updatedAt");
    }
    return Optional.of(conversation);
  }

  private static @Nullable JsonNode threadId(JsonNode value) {
    return value.isString() || value.isNumber() ? value : null;
  }
}
