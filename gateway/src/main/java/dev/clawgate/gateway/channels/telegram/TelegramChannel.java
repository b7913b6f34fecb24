package dev.clawgate.gateway.channels.telegram;

import dev.clawgate.core.config.ChannelsConfig.TelegramAccount;
import dev.clawgate.gateway.channels.Channel;
import dev.clawgate.gateway.channels.ChannelContext;
import dev.clawgate.gateway.channels.ChannelStatus;
import dev.clawgate.gateway.channels.Delivery;
import dev.clawgate.gateway.channels.OutboundText;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code telegram} channel: one bot, polled with {@code getUpdates} on a virtual thread (see
 * {@link TelegramPoller}) and sending with {@code sendMessage} (see {@link TelegramSender}).
 *
 * <p>The bot token is in every Bot API URL; this class and its helpers never log a URL and scrub
 * the token from every failure text, and {@link #status()} shows only the API host.
 */
public final class TelegramChannel implements Channel {
  /** The channel type. */
  public static final String TYPE = "telegram";

  private static final Logger LOG = LoggerFactory.getLogger(TelegramChannel.class);

  private final TelegramAccount config;
  private final Clock clock;
  private final Retries retries;
  private final HttpClient http;
  private final TelegramBotApi api;
  private final TelegramSender sender;
  private final Health health = new Health();

  private @Nullable TelegramPoller poller;
  private boolean closed;

  /** What {@link #status()} reports; written by the poller and senders. */
  static final class Health {
    volatile boolean connected;
    volatile @Nullable Long lastInboundAtMs;
    volatile @Nullable Long lastOutboundAtMs;
    volatile @Nullable String lastError;
    volatile @Nullable String offset;

    void ok() {
      connected = true;
      lastError = null;
    }

    void failed(String error) {
      connected = false;
      lastError = error;
    }
  }

  private TelegramChannel(TelegramAccount config, Clock clock, Retries retries) {
    this.config = config;
    this.clock = clock;
    this.retries = retries;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.api = new TelegramBotApi(http, config.apiBaseUrl(), config.botToken().value());
    this.sender =
        new TelegramSender(config.account().accountId(), api, config.textChunkLimit(), retries);
  }

  /** A channel for {@code config}; {@link #start} begins polling. */
  public static TelegramChannel create(TelegramAccount config, Clock clock) {
    return new TelegramChannel(config, clock, Retries.DEFAULT);
  }

  /** With custom waits (tests keep them short). */
  static TelegramChannel create(TelegramAccount config, Clock clock, Retries retries) {
    return new TelegramChannel(config, clock, retries);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String accountId() {
    return config.account().accountId();
  }

  @Override
  public synchronized void start(ChannelContext context) {
    if (closed) {
      throw new IllegalStateException("telegram channel " + accountId() + " is closed");
    }
    if (poller != null) {
      return;
    }
    poller = new TelegramPoller(config, api, context, clock, retries, health);
    poller.start();
  }

  @Override
  public Delivery send(OutboundText message) {
    synchronized (this) {
      if (closed) {
        return Delivery.failed(
            "telegram channel " + accountId() + " is closed", true, List.of(), 0);
      }
    }
    Delivery delivery = sender.send(message);
    if (delivery.delivered()) {
      health.lastOutboundAtMs = clock.millis();
    } else if (delivery.attempts() > 0) {
      String error = delivery.error().orElse("delivery failed");
      health.lastError = error;
      LOG.warn("telegram {}: {}", accountId(), error);
    }
    return delivery;
  }

  @Override
  public ChannelStatus status() {
    boolean running;
    synchronized (this) {
      running = poller != null && !closed;
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("mode", "polling");
    details.put("apiHost", config.apiBaseUrl().getHost());
    String offset = health.offset;
    if (offset != null) {
      details.put("offset", offset);
    }
    return new ChannelStatus(
        TYPE,
        accountId(),
        running,
        running && health.connected,
        Optional.ofNullable(health.lastInboundAtMs),
        Optional.ofNullable(health.lastOutboundAtMs),
        Optional.ofNullable(health.lastError),
        details);
  }

  @Override
  public void close() {
    TelegramPoller stopping;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = poller;
    }
    if (stopping != null) {
      stopping.signalStop();
    }
    // Aborts the long poll in flight (and any send), so the poller ends promptly.
    http.shutdownNow();
    if (stopping != null) {
      stopping.awaitStopped(Duration.ofSeconds(5));
    }
  }

  @Override
  public String toString() {
    return "TelegramChannel[" + accountId() + "]";
  }
}
