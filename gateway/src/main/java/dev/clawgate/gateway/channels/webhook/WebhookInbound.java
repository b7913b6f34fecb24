package dev.clawgate.gateway.channels.webhook;

import dev.clawgate.core.config.ChannelsConfig.AccountPolicy;
import dev.clawgate.core.config.ChannelsConfig.WebhookAccount;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.SessionKeys;
import dev.clawgate.gateway.HttpEndpoint;
import dev.clawgate.gateway.channels.ChannelContext;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Json;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /hooks/<accountId>}: checks, in this order, the method, the size, the signature, the
 * timestamp, the body and the sender, and only then stores the message. The signature is checked on
 * the raw bytes before any parsing, so unauthenticated input never reaches the JSON parser; nothing
 * is stored on any error.
 */
final class WebhookInbound implements HttpEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookInbound.class);
  private static final Pattern UNIX_SECONDS = Pattern.compile("[0-9]{1,12}");

  private final WebhookAccount config;
  private final WebhookSignature signature;
  private final Clock clock;
  private final Supplier<Optional<ChannelContext>> context;
  private final LongConsumer onReceived;

  WebhookInbound(
      WebhookAccount config,
      WebhookSignature signature,
      Clock clock,
      Supplier<Optional<ChannelContext>> context,
      LongConsumer onReceived) {
    this.config = config;
    this.signature = signature;
    this.clock = clock;
    this.context = context;
    this.onReceived = onReceived;
  }

  @Override
  public Reply handle(Request request) {
    if (!request.method().equals("POST")) {
      Reply reply = error(405, "METHOD_NOT_ALLOWED", "use POST");
      return new Reply(reply.status(), reply.contentType(), reply.body(), Map.of("Allow", "POST"));
    }
    if (request.body().length > config.maxBodyBytes()) {
      return error(
          413,
          DetailCode.MESSAGE_TOO_LARGE.name(),
          "request body exceeds the limit of " + config.maxBodyBytes() + " bytes");
    }
    Optional<ChannelContext> target = context.get();
    if (target.isEmpty()) {
      return error(503, DetailCode.SHUTTING_DOWN.name(), "this webhook channel is not running");
    }
    Optional<String> timestamp = request.header(WebhookSignature.TIMESTAMP_HEADER);
    Optional<String> signed = request.header(WebhookSignature.SIGNATURE_HEADER);
    if (timestamp.isEmpty() || signed.isEmpty()) {
      return error(
          401,
          DetailCode.WEBHOOK_SIGNATURE_MISSING,
          "the "
              + WebhookSignature.TIMESTAMP_HEADER
              + " and "
              + WebhookSignature.SIGNATURE_HEADER
              + " headers are required");
    }
    if (!signature.verify(timestamp.get(), request.body(), signed.get())) {
      return error(
          401,
          DetailCode.WEBHOOK_SIGNATURE_INVALID,
          "the signature does not match: expected v1=<hex HMAC-SHA256(secret, \"<timestamp>.<raw"
              + " body>\")>");
    }
    long nowSeconds = clock.millis() / 1000;
    if (!UNIX_SECONDS.matcher(timestamp.get()).matches()
        || Math.abs(nowSeconds - Long.parseLong(timestamp.get()))
            > config.timestampTolerance().toSeconds()) {
      return error(
          401,
          DetailCode.WEBHOOK_TIMESTAMP_OUT_OF_RANGE,
          WebhookSignature.TIMESTAMP_HEADER
              + " must be the current unix time in seconds, within "
              + config.timestampTolerance().toSeconds()
              + " s (the gateway's time is "
              + nowSeconds
              + ")");
    }
    WebhookEvent event;
    try {
      event = WebhookEvent.parse(request.body());
    } catch (ClawgateException e) {
      return error(400, DetailCode.INVALID_PARAMS, e.getMessage());
    }
    AccountPolicy policy = config.account();
    if (!policy.admits(event.chatType(), event.chatId(), event.senderId())) {
      return error(
          403,
          DetailCode.SENDER_NOT_ALLOWED,
          switch (event.chatType()) {
            case DIRECT -> "sender " + event.senderId() + " may not send direct messages here";
            case GROUP -> "group " + event.chatId() + " is not allowed on this account";
          });
    }
    InboundMessage message = toMessage(event, policy);
    int stored;
    try {
      stored = target.get().receive(List.of(message), Optional.empty());
    } catch (ClawgateException e) {
      LOG.warn("webhook {}: could not store event: {}", policy.accountId(), e.getMessage());
      return error(503, e.detail().name(), "could not store the message; try again later");
    } catch (RuntimeException e) {
      LOG.error("webhook {}: could not store event", policy.accountId(), e);
      return error(
          503, DetailCode.STORE_UNAVAILABLE.name(), "could not store the message; try again later");
    }
    if (stored == 0) {
      return error(
          409,
          DetailCode.WEBHOOK_REPLAYED,
          "event " + event.id() + " was already received; it is not stored twice");
    }
    onReceived.accept(clock.millis());
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("ok", true);
    body.put("sessionKey", message.sessionKey());
    body.put("duplicate", false);
    return Reply.json(200, body.toString());
  }

  private InboundMessage toMessage(WebhookEvent event, AccountPolicy policy) {
    return new InboundMessage(
        WebhookChannel.TYPE,
        policy.accountId(),
        event.id(),
        event.chatType(),
        event.chatId(),
        event.threadId(),
        event.senderId(),
        event.senderName(),
        event.chatTitle(),
        event.text(),
        event.media(),
        policy.isOwner(event.senderId()),
        event.timestampMs().orElseGet(clock::millis),
        SessionKeys.forInbound(
            policy.agentId(),
            WebhookChannel.TYPE,
            policy.accountId(),
            event.chatType(),
            event.chatId(),
            event.threadId(),
            policy.dmScope()));
  }

  private static Reply error(int status, DetailCode code, String message) {
    return error(status, code.name(), message);
  }

  private static Reply error(int status, String code, String message) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("ok", false);
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return Reply.json(status, body.toString());
  }
}
