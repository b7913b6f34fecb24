package dev.clawgate.gateway.channels.webhook;

import dev.clawgate.core.config.ChannelsConfig.WebhookAccount;
import dev.clawgate.gateway.HttpEndpoint;
import dev.clawgate.gateway.channels.Channel;
import dev.clawgate.gateway.channels.ChannelContext;
import dev.clawgate.gateway.channels.ChannelStatus;
import dev.clawgate.gateway.channels.Delivery;
import dev.clawgate.gateway.channels.OutboundText;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code webhook} channel: any system that can sign an HTTP request talks to the gateway.
 *
 * <h2>Inbound: {@code POST /hooks/<accountId>}</h2>
 *
 * Headers:
 *
 * <ul>
 *   <li>{@code X-Clawgate-Timestamp: <unix seconds>}, within {@code timestampToleranceSeconds} of
 *       the gateway's clock (either way);
 *   <li>{@code X-Clawgate-Signature: v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body
 *       bytes>")>}; several comma-separated {@code v1=} values are accepted (secret rotation).
 * </ul>
 *
 * Body (JSON, unknown keys rejected):
 *
 * <pre>{@code
 * {
 *   "id": "evt-123",                    // required, the sender's unique event id, <= 128 chars
 *   "from": {"id": "u42", "name": "Ada"},  // required id (<= 128), optional name
 *   "chat": {"id": "g1", "type": "group", "title": "Ops"},  // optional; absent = direct chat
 *                                       //   with from.id; type "direct" | "group"
 *   "threadId": "t7",                   // optional thread inside the chat
 *   "text": "hello",                    // required unless media is given, <= 65536 chars
 *   "media": [{"url": "https://...", "contentType": "image/png", "kind": "image",
 *              "fileName": "a.png", "sizeBytes": 1234}],  // optional, <= 32; kind image |
 *                                       //   audio | video | file
 *   "timestamp": 1767225600000          // optional, ms since the epoch; default: arrival
 * }
 * }</pre>
 *
 * Answers are JSON: 200 {@code {ok:true, sessionKey, duplicate:false}}, or {@code {ok:false,
 * error:{code, message}}} with 401 {@code WEBHOOK_SIGNATURE_MISSING}, {@code
 * WEBHOOK_SIGNATURE_INVALID} or {@code WEBHOOK_TIMESTAMP_OUT_OF_RANGE}; 400 {@code INVALID_PARAMS}
 * (the message names the field); 403 {@code SENDER_NOT_ALLOWED} (DM or group policy); 409 {@code
 * WEBHOOK_REPLAYED} (this event id was already stored); 405 for other methods; 413 above {@code
 * maxBodyBytes}; 503 when the message could not be stored (retry later). Nothing is stored on any
 * error.
 *
 * <h2>Outbound</h2>
 *
 * {@link #send} POSTs {@code {id, idempotencyKey, channel:"webhook", accountId, to, threadId?,
 * text, timestamp}} ({@code id} a new UUID per delivery, {@code timestamp} in ms) to {@code
 * outboundUrl} with the same two signature headers and {@code Idempotency-Key}. A 2xx answer
 * delivers it (its JSON {@code id}, if any, is the message id); network errors, 5xx and 429 are
 * retried (see {@link WebhookSender}); an account without {@code outboundUrl} cannot send.
 */
public final class WebhookChannel implements Channel {
  /** The channel type. */
  public static final String TYPE = "webhook";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookChannel.class);

  private final WebhookAccount config;
  private final Clock clock;
  private final HttpClient http;
  private final WebhookInbound inbound;
  private final WebhookSender sender;

  private volatile @Nullable ChannelContext context;
  private volatile boolean closed;
  private volatile @Nullable Long lastInboundAtMs;
  private volatile @Nullable Long lastOutboundAtMs;
  private volatile @Nullable String lastError;

  private WebhookChannel(WebhookAccount config, Clock clock, Backoff backoff) {
    this.config = config;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    WebhookSignature signature = new WebhookSignature(config.secret().value());
    this.inbound =
        new WebhookInbound(
            config, signature, clock, () -> Optional.ofNullable(context), this::received);
    this.sender = new WebhookSender(config, signature, http, clock, backoff);
  }

  /** A channel for {@code config}; call {@link #start} to take inbound requests. */
  public static WebhookChannel create(WebhookAccount config, Clock clock) {
    return new WebhookChannel(config, clock, Backoff.DEFAULT);
  }

  /** With a custom backoff (tests keep it short). */
  static WebhookChannel create(WebhookAccount config, Clock clock, Backoff backoff) {
    return new WebhookChannel(config, clock, backoff);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String accountId() {
    return config.account().accountId();
  }

  /** The largest body the endpoint accepts: mount it with this limit. */
  public int maxBodyBytes() {
    return config.maxBodyBytes();
  }

  @Override
  public Optional<HttpEndpoint> inboundEndpoint() {
    return Optional.of(inbound);
  }

  @Override
  public void start(ChannelContext context) {
    if (closed) {
      throw new IllegalStateException("webhook channel " + accountId() + " is closed");
    }
    this.context = context;
  }

  @Override
  public Delivery send(OutboundText message) {
    if (closed) {
      return Delivery.failed(
          "webhook channel " + accountId() + " is closed", true, java.util.List.of(), 0);
    }
    Delivery delivery = sender.send(message);
    if (delivery.delivered()) {
      lastOutboundAtMs = clock.millis();
      lastError = null;
    } else if (delivery.attempts() > 0) {
      lastError = delivery.error().orElse("delivery failed");
      LOG.warn("webhook {}: {}", accountId(), lastError);
    }
    return delivery;
  }

  private void received(long atMs) {
    lastInboundAtMs = atMs;
  }

  @Override
  public ChannelStatus status() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("mode", "webhook");
    details.put("inboundPath", "/hooks/" + accountId());
    details.put(
        "outbound",
        config.outboundUrl().map(u -> u.getScheme() + "://" + u.getHost()).orElse("none"));
    String error = lastError;
    return new ChannelStatus(
        TYPE,
        accountId(),
        context != null && !closed,
        context != null && !closed && error == null,
        Optional.ofNullable(lastInboundAtMs),
        Optional.ofNullable(lastOutboundAtMs),
        Optional.ofNullable(error),
        details);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    context = null;
    http.shutdownNow();
  }

  @Override
  public String toString() {
    return "WebhookChannel[" + accountId() + "]";
  }
}
