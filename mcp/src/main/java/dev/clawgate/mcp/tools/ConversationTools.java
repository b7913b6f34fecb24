package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.ToolSchema.bool;
import static dev.clawgate.mcp.tools.ToolSchema.integer;
import static dev.clawgate.mcp.tools.ToolSchema.object;
import static dev.clawgate.mcp.tools.ToolSchema.requiredText;
import static dev.clawgate.mcp.tools.ToolSchema.string;

import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolFailure;
import dev.clawgate.mcp.server.ToolResult;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway-backed conversation tools (reference §2.1–§2.4, §2.7): {@code conversations_list},
 * {@code conversation_get}, {@code messages_read}, {@code attachments_fetch} and {@code
 * messages_send}. Each waits for the gateway to be ready, then calls it through the port.
 */
final class ConversationTools {
  static final int LIST_LIMIT_DEFAULT = 50;
  static final int LIST_LIMIT_MAX = 500;
  static final int READ_LIMIT_DEFAULT = 20;
  static final int READ_LIMIT_MAX = 200;
  static final int ATTACHMENT_SCAN_DEFAULT = 100;

  private final ReadyPort gateway;

  ConversationTools(ReadyPort gateway) {
    this.gateway = gateway;
  }

  Tool list() {
    return FunctionTool.of(
        "conversations_list",
        "List OpenClaw channel-backed conversations available through session routes.",
        object(
            integer("limit", 1, LIST_LIMIT_MAX),
            string("search"),
            string("channel"),
            bool("includeDerivedTitles"),
            bool("includeLastMessage")),
        args -> {
          ObjectNode params = JsonValues.object();
          params.put("limit", Args.limit(args, "limit", LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX));
          JsonNode search = args.path("search");
          if (search.isString()) {
            params.set("search", search);
          }
          params.put("includeDerivedTitles", Args.bool(args, "includeDerivedTitles", true));
          params.put("includeLastMessage", Args.bool(args, "includeLastMessage", true));
          JsonNode response = gateway.call(port -> port.listSessions(params));
          // The channel filter runs here, after the gateway applied the limit, as in the reference.
          Optional<String> channel = Args.text(args, "channel").map(JsonValues::lower);
          ArrayNode conversations = JsonValues.array();
          for (JsonNode row : elements(response.path("sessions"))) {
            Conversations.toConversation(row)
                .filter(
                    c -> channel.isEmpty() || channel.get().equals(c.path("channel").asString()))
                .ifPresent(conversations::add);
          }
          ObjectNode structured = JsonValues.object();
          structured.set("conversations", conversations);
          return ToolResult.of(
              ResultText.countWithJson("conversations", conversations.size(), structured),
              structured);
        });
  }

  Tool get() {
    return FunctionTool.of(
        "conversation_get",
        "Get one OpenClaw conversation by session key.",
        object(requiredText("session_key")),
        args -> {
          String key = Args.string(args, "session_key");
          Optional<ObjectNode> conversation = describe(key);
          if (conversation.isEmpty()) {
            return ToolResult.error("conversation not found: " + key);
          }
          ObjectNode structured = JsonValues.object();
          structured.set("conversation", conversation.get());
          return ToolResult.of(
              "conversation " + conversation.get().path("sessionKey").asString(), structured);
        });
  }

  Tool read() {
    return FunctionTool.of(
        "messages_read",
        "Read recent messages for one OpenClaw conversation.",
        object(requiredText("session_key"), integer("limit", 1, READ_LIMIT_MAX)),
        args -> {
          ObjectNode params = JsonValues.object();
          params.put("key", Args.string(args, "session_key"));
          params.put("limit", Args.limit(args, "limit", READ_LIMIT_DEFAULT, READ_LIMIT_MAX));
          JsonNode response = gateway.call(port -> port.readMessages(params));
          ArrayNode messages = JsonValues.array();
          elements(response.path("messages")).forEach(messages::add);
          ObjectNode structured = JsonValues.object();
          structured.set("messages", messages);
          return ToolResult.of(
              ResultText.countWithJson("messages", messages.size(), structured), structured);
        });
  }

  Tool attachments() {
    return FunctionTool.of(
        "attachments_fetch",
        "List non-text attachments for a message in one OpenClaw conversation.",
        object(
            requiredText("session_key"),
            requiredText("message_id"),
            integer("limit", 1, READ_LIMIT_MAX)),
        args -> {
          String key = Args.string(args, "session_key");
          String messageId = Args.string(args, "message_id");
          JsonNode message = findMessage(args, key, messageId);
          ArrayNode attachments = Attachments.of(message);
          ObjectNode structured = JsonValues.object();
          structured.set("attachments", attachments);
          structured.set("message", message);
          return ToolResult.of(ResultText.count("attachments", attachments.size()), structured);
        });
  }

  Tool send() {
    return FunctionTool.of(
        "messages_send",
        "Send a message back through the same OpenClaw conversation route.",
        object(requiredText("session_key"), requiredText("text")),
        args -> {
          String key = Args.string(args, "session_key");
          ObjectNode conversation =
              describe(key)
                  .orElseThrow(() -> new ToolFailure("Conversation not found for session " + key));
          ObjectNode params = JsonValues.object();
          params.set("to", conversation.path("to"));
          params.set("channel", conversation.path("channel"));
          if (conversation.has("accountId")) {
            params.set("accountId", conversation.path("accountId"));
          }
          if (conversation.has("threadId")) {
            params.put("threadId", JsonValues.asWireString(conversation.path("threadId")));
          }
          params.put("message", Args.string(args, "text"));
          params.set("sessionKey", conversation.path("sessionKey"));
          params.put("idempotencyKey", UUID.randomUUID().toString());
          JsonNode result = gateway.call(port -> port.send(params));
          ObjectNode structured = JsonValues.object();
          structured.set("result", result);
          return ToolResult.of("sent", structured);
        });
  }

  /**
   * {@code sessions.describe} of the trimmed key, as a conversation; empty when it has no route.
   */
  private Optional<ObjectNode> describe(String sessionKey) throws InterruptedException {
    String key = sessionKey.strip();
    if (key.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode params = JsonValues.object();
    params.put("key", key);
    params.put("includeDerivedTitles", true);
    params.put("includeLastMessage", true);
    JsonNode session = gateway.call(port -> port.describeSession(params)).path("session");
    return session.isObject() ? Conversations.toConversation(session) : Optional.empty();
  }

  /**
   * The message by exact lookup ({@code chat.message.get}) where the gateway offers it, else by
   * scanning recent history; a {@link ToolFailure} when it is not there.
   */
  private JsonNode findMessage(ObjectNode args, String key, String messageId)
      throws InterruptedException {
    ObjectNode lookup = JsonValues.object();
    lookup.put("sessionKey", key);
    lookup.put("messageId", messageId);
    Optional<JsonNode> exact = gateway.call(port -> port.getMessage(lookup));
    if (exact.isPresent()) {
      JsonNode answer = exact.get();
      JsonNode message = answer.path("message");
      if (answer.path("ok").asBoolean(false) && message.isObject()) {
        return message;
      }
      String reason = JsonValues.text(answer.path("unavailableReason"));
      if (reason != null && !reason.equals("not_found")) {
        throw new ToolFailure("message unavailable (" + reason + "): " + messageId);
      }
      throw new ToolFailure("message not found: " + messageId);
    }
    ObjectNode params = JsonValues.object();
    params.put("key", key);
    params.put("limit", Args.limit(args, "limit", ATTACHMENT_SCAN_DEFAULT, READ_LIMIT_MAX));
    JsonNode history = gateway.call(port -> port.readMessages(params));
    for (JsonNode message : elements(history.path("messages"))) {
      if (message.isObject() && messageId.equals(Attachments.messageId(message))) {
        return message;
      }
    }
    throw new ToolFailure("message not found: " + messageId);
  }

  private static Iterable<JsonNode> elements(JsonNode node) {
    return node.isArray() ? node : MissingNode.getInstance();
  }
}
