package dev.clawgate.mcp.tools;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire side of Claude Code's channel protocol (reference §5): the notifications the bridge
 * sends, and the {@code yes <id>} / {@code no <id>} replies that answer a permission request.
 */
final class ClaudeChannel {
  static final String CHANNEL = "notifications/claude/channel";
  static final String PERMISSION = "notifications/claude/channel/permission";
  static final String PERMISSION_REQUEST = "notifications/claude/channel/permission_request";
  static final String NON_TEXT_CONTENT = "[non-text message]";

  // JavaScript's \s, which the reference's pattern uses; Java's \s is ASCII only.
  private static final String SPACE =
      "[\\t\\n\\x0B\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";

  /**
   * The whole text must be the reply (matched with {@link Matcher#matches()}, so no trailing
   * newline slips through as Java's {@code $} would allow). Claude's ids are five lower-case
   * letters without {@code l}.
   */
  private static final Pattern REPLY =
      Pattern.compile("(yes|no)" + SPACE + "+([a-km-z]{5})", Pattern.CASE_INSENSITIVE);

  private ClaudeChannel() {}

  /** An answer to permission request {@code requestId}: {@code allow} or {@code deny}. */
  record Reply(String requestId, String behavior) {
    ObjectNode toParams() {
      ObjectNode params = JsonValues.object();
      params.put("request_id", requestId);
      params.put("behavior", behavior);
      return params;
    }
  }

  static Optional<Reply> parseReply(String text) {
    Matcher m = REPLY.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String behavior = m.group(1).toLowerCase(Locale.ROOT).startsWith("y") ? "allow" : "deny";
    return Optional.of(new Reply(m.group(2).toLowerCase(Locale.ROOT), behavior));
  }

  /**
   * The text of a transcript message: its content when that is a string, else the text of its first
   * {@code text} block; null when it has none.
   */
  static @Nullable String firstText(JsonNode message) {
    JsonNode content = message.path("content");
    if (content.isString()) {
      return content.stringValue();
    }
    for (JsonNode block : content.isArray() ? content : JsonValues.array()) {
      if ("text".equals(JsonValues.text(block.path("type")))) {
        JsonNode text = block.path("text");
        return text.isString() ? text.stringValue() : null;
      }
    }
    return null;
  }

  /**
   * {@code {content, meta: {session_key, channel, to, account_id, thread_id, message_id}}}, every
   * meta value a string ("" when unknown): Claude Code turns them into tag attributes.
   */
  static ObjectNode channelParams(
      String sessionKey,
      ObjectNode conversation,
      @Nullable String text,
      @Nullable String messageId) {
    ObjectNode params = JsonValues.object();
    params.put("content", text != null ? text : NON_TEXT_CONTENT);
    ObjectNode meta = params.putObject("meta");
    meta.put("session_key", sessionKey);
    meta.put("channel", conversation.path("channel").asString(""));
    meta.put("to", conversation.path("to").asString(""));
    meta.put("account_id", conversation.path("accountId").asString(""));
    JsonNode threadId = conversation.path("threadId");
    meta.put("thread_id", threadId.isMissingNode() ? "" : JsonValues.asWireString(threadId));
    meta.put("message_id", messageId != null ? messageId : "");
    return params;
  }
}
