package dev.clawgate.gateway.conversations;

import dev.clawgate.core.conversations.Appended;
import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.DeliveryRequest;
import dev.clawgate.core.conversations.NewMessage;
import dev.clawgate.core.conversations.Route;
import dev.clawgate.core.conversations.SessionKeys;
import dev.clawgate.core.conversations.SessionPage;
import dev.clawgate.core.conversations.SessionQuery;
import dev.clawgate.core.conversations.SessionRow;
import dev.clawgate.core.conversations.TranscriptMessage;
import dev.clawgate.gateway.MethodCall;
import dev.clawgate.gateway.MethodSpec;
import dev.clawgate.gateway.channels.ChannelHub;
import dev.clawgate.gateway.channels.ChannelStatus;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation methods: thin mappings from params onto {@link ConversationService} (every rule
 * lives there) and the channel hub. Params objects are closed: an unknown field is an error naming
 * it.
 */
public final class SessionMethods {
  static final int LIST_LIMIT_DEFAULT = 50;
  static final int LIST_LIMIT_MAX = 1_000;
  static final int HISTORY_LIMIT_DEFAULT = 200;
  static final int HISTORY_LIMIT_MAX = 1_000;
  static final int ID_MAX = 256;
  static final int SEARCH_MAX = 256;

  private final ConversationService conversations;
  private final ChannelHub channels;
  private final Subscriptions subscriptions;
  private final Sender sender;
  private final RowTexts rowTexts = new RowTexts();
  private final Clock clock;
  private final Path databaseFile;

  private SessionMethods(
      ConversationService conversations,
      ChannelHub channels,
      Subscriptions subscriptions,
      Clock clock,
      Path databaseFile) {
    this.conversations = conversations;
    this.channels = channels;
    this.subscriptions = subscriptions;
    this.sender = new Sender(conversations, channels);
    this.clock = clock;
    this.databaseFile = databaseFile;
  }

  /**
   * The method declarations, and the listener that turns conversation changes into events for
   * {@code subscriptions}' connections (installed on {@code conversations} here).
   */
  public static List<MethodSpec> specs(
      ConversationService conversations,
      ChannelHub channels,
      Subscriptions subscriptions,
      Clock clock,
      Path databaseFile) {
    SessionMethods m =
        new SessionMethods(conversations, channels, subscriptions, clock, databaseFile);
    conversations.listen(new ConversationEvents(subscriptions));
    return List.of(
        MethodSpec.operator("sessions.list", Scope.READ, m::list),
        MethodSpec.operator("sessions.describe", Scope.READ, m::describe),
        MethodSpec.operator("sessions.get", Scope.READ, m::get),
        MethodSpec.operator("chat.history", Scope.READ, m::history),
        MethodSpec.operator("chat.message.get", Scope.READ, m::messageGet),
        MethodSpec.operator("sessions.subscribe", Scope.READ, m::subscribe),
        MethodSpec.operator("sessions.unsubscribe", Scope.READ, m::unsubscribe),
        MethodSpec.operator("sessions.messages.subscribe", Scope.READ, m::messagesSubscribe),
        MethodSpec.operator("sessions.messages.unsubscribe", Scope.READ, m::messagesUnsubscribe),
        MethodSpec.operator("channels.status", Scope.READ, m::channelsStatus),
        MethodSpec.operator("send", Scope.WRITE, m::send),
        MethodSpec.operator("chat.send", Scope.WRITE, m::chatSend),
        MethodSpec.admin("chat.inject", m::chatInject),
        MethodSpec.admin("sessions.reset", m::reset),
        MethodSpec.admin("sessions.delete", m::delete));
  }

  // ---- reads -------------------------------------------------------------------------------

  private JsonNode list(MethodCall call) {
    Fields f =
        Fields.params(call.params())
            .allowOnly(
                Set.of(
                    "limit",
                    "offset",
                    "search",
                    "channel",
                    "agentId",
                    "label",
                    "includeDerivedTitles",
                    "includeLastMessage",
                    "includeGlobal",
                    "includeUnknown"));
    SessionQuery query =
        new SessionQuery(
            f.optInteger("limit", 1, LIST_LIMIT_MAX).map(Long::intValue).orElse(LIST_LIMIT_DEFAULT),
            f.optInteger("offset", 0, Integer.MAX_VALUE).map(Long::intValue).orElse(0),
            optText(f, "search", SEARCH_MAX),
            f.optString("channel", 64),
            f.optString("agentId", 128),
            f.optString("label", 256));
    f.optBoolean("includeGlobal");
    f.optBoolean("includeUnknown");
    SessionJson.Include include =
        new SessionJson.Include(
            f.optBoolean("includeDerivedTitles").orElse(false),
            f.optBoolean("includeLastMessage").orElse(false));
    SessionPage page = conversations.list(query);
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ts", clock.millis());
    result.put("path", databaseFile.toString());
    result.put("count", page.sessions().size());
    result.put("total", page.total());
    ObjectNode defaults = result.putObject("defaults");
    defaults.put("agentId", SessionKeys.DEFAULT_AGENT);
    defaults.put("mainKey", "main");
    ArrayNode rows = result.putArray("sessions");
    for (SessionRow row : page.sessions()) {
      rows.addRawValue(rowTexts.of(row, include));
    }
    rowTexts.trim(conversations.sessionCount());
    return result;
  }

  private JsonNode describe(MethodCall call) {
    Fields f =
        Fields.params(call.params())
            .allowOnly(Set.of("key", "agentId", "includeDerivedTitles", "includeLastMessage"));
    String key = sessionKey(f, "key");
    SessionJson.Include include =
        new SessionJson.Include(
            f.optBoolean("includeDerivedTitles").orElse(true),
            f.optBoolean("includeLastMessage").orElse(true));
    ObjectNode result = Json.mapper().createObjectNode();
    Optional<SessionRow> row = conversations.describe(key);
    if (row.isPresent()) {
      result.set("session", SessionJson.row(row.get(), include));
    } else {
      result.putNull("session");
    }
    return result;
  }

  private JsonNode get(MethodCall call) {
    Fields f = Fields.params(call.params()).allowOnly(Set.of("key", "sessionKey", "limit"));
    String key = f.has("key") ? sessionKey(f, "key") : sessionKey(f, "sessionKey");
    int limit =
        f.optInteger("limit", 1, HISTORY_LIMIT_MAX)
            .map(Long::intValue)
            .orElse(HISTORY_LIMIT_DEFAULT);
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("key", key);
    ArrayNode messages = result.putArray("messages");
    for (TranscriptMessage m : conversations.history(key, limit, Optional.empty())) {
      messages.add(SessionJson.message(m));
    }
    return result;
  }

  private JsonNode history(MethodCall call) {
    Fields f =
        Fields.params(call.params())
            .allowOnly(Set.of("sessionKey", "agentId", "limit", "maxChars", "beforeSeq"));
    String key = sessionKey(f, "sessionKey");
    int limit =
        f.optInteger("limit", 1, HISTORY_LIMIT_MAX)
            .map(Long::intValue)
            .orElse(HISTORY_LIMIT_DEFAULT);
    Optional<Integer> maxChars = f.optInteger("maxChars", 1, 500_000).map(Long::intValue);
    Optional<Long> beforeSeq = f.optInteger("beforeSeq", 1, Long.MAX_VALUE);
    SessionRow row = conversations.require(key);
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("sessionKey", key);
    result.put("sessionId", row.sessionId());
    ArrayNode messages = result.putArray("messages");
    for (TranscriptMessage m : conversations.history(key, limit, beforeSeq)) {
      ObjectNode node = SessionJson.message(m);
      maxChars.ifPresent(max -> truncate(node, max));
      messages.add(node);
    }
    return result;
  }

  private JsonNode messageGet(MethodCall call) {
    Fields f =
        Fields.params(call.params())
            .allowOnly(Set.of("sessionKey", "agentId", "messageId", "maxChars"));
    String key = sessionKey(f, "sessionKey");
    String messageId = f.string("messageId", ID_MAX);
    int maxChars = f.optInteger("maxChars", 1, 2_000_000).map(Long::intValue).orElse(2_000_000);
    ObjectNode result = Json.mapper().createObjectNode();
    Optional<TranscriptMessage> message = conversations.message(key, messageId);
    if (message.isEmpty()) {
      result.put("ok", false);
      result.put("unavailableReason", "not_found");
      return result;
    }
    ObjectNode node = SessionJson.message(message.get());
    if (node.get("content").toString().length() > maxChars) {
      result.put("ok", false);
      result.put("unavailableReason", "oversized");
      return result;
    }
    result.put("ok", true);
    result.set("message", node);
    return result;
  }

  /**
   * The reference's {@code channels.status} shape: {@code channelOrder}, {@code channelLabels}, a
   * per-channel summary in {@code channels}, each account's snapshot in {@code channelAccounts},
   * and {@code channelDefaultAccountId}. OpenClaw's own CLI renders it.
   */
  private JsonNode channelsStatus(MethodCall call) {
    Fields.params(call.params()).allowOnly(Set.of("probe", "timeoutMs"));
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ts", clock.millis());
    ArrayNode order = result.putArray("channelOrder");
    ObjectNode labels = result.putObject("channelLabels");
    ObjectNode summaries = result.putObject("channels");
    ObjectNode accounts = result.putObject("channelAccounts");
    ObjectNode defaults = result.putObject("channelDefaultAccountId");
    for (ChannelStatus status : channels.status()) {
      String type = status.type();
      if (!accounts.has(type)) {
        order.add(type);
        labels.put(type, Character.toUpperCase(type.charAt(0)) + type.substring(1));
        accounts.putArray(type);
        defaults.put(type, status.accountId());
        ObjectNode summary = summaries.putObject(type);
        summary.put("configured", true);
        summary.put("accounts", 0);
        summary.put("running", false);
        summary.put("connected", false);
      }
      ObjectNode summary = (ObjectNode) summaries.get(type);
      summary.put("accounts", summary.get("accounts").asInt() + 1);
      summary.put("running", summary.get("running").asBoolean() || status.running());
      summary.put("connected", summary.get("connected").asBoolean() || status.connected());
      ObjectNode node = ((ArrayNode) accounts.get(type)).addObject();
      node.put("accountId", status.accountId());
      node.put("enabled", true);
      node.put("configured", true);
      node.put("running", status.running());
      node.put("connected", status.connected());
      status.lastInboundAtMs().ifPresent(v -> node.put("lastInboundAt", v));
      status.lastOutboundAtMs().ifPresent(v -> node.put("lastOutboundAt", v));
      status.lastError().ifPresent(v -> node.put("lastError", v));
      Optional.ofNullable(status.details().get("mode")).ifPresent(v -> node.put("mode", v));
      ObjectNode details = node.putObject("details");
      status.details().forEach(details::put);
    }
    return result;
  }

  // ---- subscriptions -----------------------------------------------------------------------

  private JsonNode subscribe(MethodCall call) {
    Fields.params(call.params()).allowOnly(Set.of());
    subscriptions.subscribeAll(call.connId());
    return subscribed(true, Optional.empty());
  }

  private JsonNode unsubscribe(MethodCall call) {
    Fields.params(call.params()).allowOnly(Set.of());
    subscriptions.unsubscribeAll(call.connId());
    return subscribed(false, Optional.empty());
  }

  private JsonNode messagesSubscribe(MethodCall call) {
    Fields f = Fields.params(call.params()).allowOnly(Set.of("key", "sessionKey", "agentId"));
    String key = f.has("key") ? sessionKey(f, "key") : sessionKey(f, "sessionKey");
    if (!subscriptions.subscribe(call.connId(), key)) {
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.INVALID_PARAMS,
              "this connection already follows "
                  + Subscriptions.MAX_KEYS_PER_CONNECTION
                  + " sessions; use sessions.subscribe for all of them")
          .build();
    }
    return subscribed(true, Optional.of(key));
  }

  private JsonNode messagesUnsubscribe(MethodCall call) {
    Fields f = Fields.params(call.params()).allowOnly(Set.of("key", "sessionKey", "agentId"));
    String key = f.has("key") ? sessionKey(f, "key") : sessionKey(f, "sessionKey");
    subscriptions.unsubscribe(call.connId(), key);
    return subscribed(false, Optional.of(key));
  }

  private static JsonNode subscribed(boolean subscribed, Optional<String> key) {
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ok", true);
    result.put("subscribed", subscribed);
    key.ifPresent(k -> result.put("key", k));
    return result;
  }

  // ---- writes ------------------------------------------------------------------------------

  private JsonNode send(MethodCall call) {
    Fields f =
        Fields.params(call.params())
            .allowOnly(
                Set.of(
                    "to",
                    "message",
                    "mediaUrl",
                    "mediaUrls",
                    "gifPlayback",
                    "channel",
                    "accountId",
                    "agentId",
                    "threadId",
                    "sessionKey",
                    "idempotencyKey"));
    String idempotencyKey = f.string("idempotencyKey", ID_MAX);
    String to = f.string("to", ID_MAX);
    String text = messageText(f, "message");
    if (f.has("mediaUrl") || f.has("mediaUrls")) {
      throw ClawgateException.invalidParams(
          f.has("mediaUrl") ? "mediaUrl" : "mediaUrls",
          "media sends are not supported by this gateway's channels; send text");
    }
    Optional<String> sessionKey =
        f.has("sessionKey") ? Optional.of(sessionKey(f, "sessionKey")) : Optional.empty();
    Optional<SessionRow> named = sessionKey.map(conversations::require);
    Optional<String> channel =
        f.optString("channel", 64)
            .map(String::strip)
            .map(c -> c.toLowerCase(Locale.ROOT))
            .or(() -> named.flatMap(SessionRow::replyRoute).map(Route::channel))
            .or(this::onlyChannelType);
    if (channel.isEmpty()) {
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.NO_ROUTE,
              "name the channel: this gateway has "
                  + (channels.channels().isEmpty() ? "no channels configured" : "several channels"))
          .build();
    }
    Route route =
        new Route(channel.get(), to, f.optString("accountId", 128), threadId(f, "threadId"));
    Optional<SessionRow> session = named.or(() -> conversations.findByRoute(route));
    DeliveryRequest request =
        new DeliveryRequest(idempotencyKey, route, text, session.map(SessionRow::key));
    Sender.Sent sent = sender.send(request);
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ok", true);
    result.put("channel", sent.route().channel());
    result.put("to", sent.route().to());
    sent.route().accountId().ifPresent(v -> result.put("accountId", v));
    sent.route().threadId().ifPresent(v -> result.put("threadId", v));
    sent.sessionKey().ifPresent(v -> result.put("sessionKey", v));
    result.put("idempotencyKey", idempotencyKey);
    sent.messageId().ifPresent(v -> result.put("messageId", v));
    sent.messageSeq().ifPresent(v -> result.put("messageSeq", v));
    ArrayNode ids = result.putArray("platformMessageIds");
    sent.platformIds().forEach(ids::add);
    result.put("duplicate", sent.duplicate());
    return result;
  }

  private Optional<String> onlyChannelType() {
    List<String> types = channels.channels().stream().map(c -> c.type()).distinct().toList();
    return types.size() == 1 ? Optional.of(types.getFirst()) : Optional.empty();
  }

  private JsonNode chatSend(MethodCall call) {
    Fields f =
        Fields.params(call.params())
            .allowOnly(
                Set.of(
                    "sessionKey",
                    "agentId",
                    "sessionId",
                    "message",
                    "thinking",
                    "fastMode",
                    "deliver",
                    "originatingChannel",
                    "originatingTo",
                    "originatingAccountId",
                    "originatingThreadId",
                    "attachments",
                    "timeoutMs",
                    "idempotencyKey"));
    String key = sessionKey(f, "sessionKey");
    String text = messageText(f, "message");
    Optional<String> idempotencyKey = f.optString("idempotencyKey", ID_MAX);
    if (f.has("attachments") && !f.node().get("attachments").isEmpty()) {
      throw ClawgateException.invalidParams(
          "attachments", "attachments are not supported by chat.send on this gateway");
    }
    // As in the reference: an operator holding admin or pairing authority speaks as the owner.
    boolean owner = call.scopes().allows(Scope.ADMIN) || call.scopes().allows(Scope.PAIRING);
    Appended appended =
        conversations.append(
            new NewMessage(
                key,
                "user",
                Json.mapper().getNodeFactory().stringNode(text),
                List.of(),
                Optional.of(owner),
                idempotencyKey,
                "chat.send"));
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ok", true);
    // No agent runtime runs inside this gateway: the turn is stored and announced, and an agent
    // attached as a client (or an operator) answers it.
    result.put("runId", appended.message().id());
    result.put("status", "stored");
    result.put("sessionKey", key);
    result.put("messageId", appended.message().id());
    result.put("messageSeq", appended.message().seq());
    result.put("duplicate", appended.duplicate());
    return result;
  }

  private JsonNode chatInject(MethodCall call) {
    Fields f =
        Fields.params(call.params()).allowOnly(Set.of("sessionKey", "agentId", "message", "label"));
    String key = sessionKey(f, "sessionKey");
    String text = messageText(f, "message");
    f.optString("label", 100);
    Appended appended =
        conversations.append(
            new NewMessage(
                key,
                "assistant",
                Json.mapper().getNodeFactory().stringNode(text),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                "chat.inject"));
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ok", true);
    result.put("messageId", appended.message().id());
    result.put("messageSeq", appended.message().seq());
    return result;
  }

  private JsonNode reset(MethodCall call) {
    Fields f = Fields.params(call.params()).allowOnly(Set.of("key", "sessionKey", "reason"));
    String key = f.has("key") ? sessionKey(f, "key") : sessionKey(f, "sessionKey");
    f.optString("reason", 64);
    SessionRow row = conversations.reset(key);
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ok", true);
    result.put("key", key);
    result.put("sessionId", row.sessionId());
    return result;
  }

  private JsonNode delete(MethodCall call) {
    Fields f =
        Fields.params(call.params()).allowOnly(Set.of("key", "sessionKey", "deleteTranscript"));
    String key = f.has("key") ? sessionKey(f, "key") : sessionKey(f, "sessionKey");
    f.optBoolean("deleteTranscript");
    conversations.delete(key);
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("ok", true);
    result.put("key", key);
    result.put("deleted", true);
    return result;
  }

  // ---- params ------------------------------------------------------------------------------

  private static String sessionKey(Fields f, String name) {
    return f.string(name, SessionKeys.MAX_LENGTH).strip();
  }

  private static Optional<String> optText(Fields f, String name, int max) {
    return f.optString(name, max).map(String::strip).filter(s -> !s.isEmpty());
  }

  /** A required message text; too long is {@code MESSAGE_TOO_LARGE}, not a params error. */
  private static String messageText(Fields f, String name) {
    JsonNode node = f.node().get(name);
    if (node == null || node.isNull()) {
      throw ClawgateException.invalidParams(f.path(name), "required");
    }
    if (!node.isString()) {
      throw ClawgateException.invalidParams(f.path(name), "must be a string");
    }
    ConversationService.checkContent(node);
    String text = node.stringValue();
    if (text.isBlank()) {
      throw ClawgateException.invalidParams(f.path(name), "must not be empty");
    }
    return text;
  }

  private static Optional<String> threadId(Fields f, String name) {
    JsonNode node = f.node().get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isIntegralNumber()) {
      return Optional.of(node.asString());
    }
    return f.optString(name, 128).map(String::strip);
  }

  private static void truncate(ObjectNode message, int maxChars) {
    JsonNode content = message.get("content");
    if (content.isString() && content.stringValue().length() > maxChars) {
      message.put("content", content.stringValue().substring(0, maxChars));
      message.put("truncated", true);
    } else if (content.isArray()) {
      for (JsonNode block : content) {
        JsonNode text = block.get("text");
        if (block instanceof ObjectNode b
            && text != null
            && text.isString()
            && text.stringValue().length() > maxChars) {
          b.put("text", text.stringValue().substring(0, maxChars));
          message.put("truncated", true);
        }
      }
    }
  }
}
