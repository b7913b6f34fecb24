package dev.clawgate.gateway.channels.telegram;

import dev.clawgate.core.config.ChannelsConfig.TelegramAccount;
import dev.clawgate.core.conversations.ChannelCursor;
import dev.clawgate.gateway.channels.ChannelContext;
import dev.clawgate.gateway.channels.telegram.TelegramBotApi.Answer;
import dev.clawgate.gateway.channels.telegram.TelegramUpdates.Batch;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The long-poll loop. Invariant: the offset sent to Telegram only moves past an update once the
 * messages of that update are stored, and the stored cursor moves in the same transaction as those
 * messages ({@link ChannelContext#receive}). Telegram keeps returning unconfirmed updates, so a
 * crash or restart anywhere resumes from the stored cursor with nothing lost and, because the
 * cursor and the messages are written together, nothing received twice.
 *
 * <p>Failures never end the loop: a refused token (401) waits long, a conflict (409: another
 * poller, or a webhook set on the bot) and network or server errors back off exponentially, a 429
 * waits its {@code retry_after}; a store failure retries the same batch. Each is reported in the
 * channel's status.
 */
final class TelegramPoller {
  private static final Logger LOG = LoggerFactory.getLogger(TelegramPoller.class);
  static final String CURSOR = "offset";

  private final TelegramAccount config;
  private final TelegramBotApi api;
  private final ChannelContext context;
  private final Clock clock;
  private final Retries retries;
  private final TelegramChannel.Health health;
  private volatile boolean stopped;
  private volatile boolean storing;
  private @Nullable Thread thread;

  TelegramPoller(
      TelegramAccount config,
      TelegramBotApi api,
      ChannelContext context,
      Clock clock,
      Retries retries,
      TelegramChannel.Health health) {
    this.config = config;
    this.api = api;
    this.context = context;
    this.clock = clock;
    this.retries = retries;
    this.health = health;
  }

  void start() {
    thread = Thread.ofVirtual().name("telegram-poll-" + accountId()).start(this::run);
  }

  /** Ends the loop: the long poll in flight is interrupted; a store in progress is not. */
  void signalStop() {
    stopped = true;
    Thread running = thread;
    if (running != null && !storing) {
      running.interrupt();
    }
  }

  /** Waits (bounded) for the loop to end after {@link #signalStop}. */
  void awaitStopped(Duration timeout) {
    Thread running = thread;
    if (running == null) {
      return;
    }
    try {
      if (!running.join(timeout)) {
        LOG.warn("telegram {}: the poller did not stop within {}", accountId(), timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String accountId() {
    return config.account().accountId();
  }

  private void run() {
    long offset = storedOffset();
    int failures = 0;
    while (!stopped) {
      try {
        Answer answer =
            api.call(
                "getUpdates",
                params(offset),
                Duration.ofSeconds(config.pollTimeoutSeconds()).plusSeconds(15));
        switch (answer) {
          case Answer.Ok ok when ok.result().isArray() -> {
            failures = 0;
            health.ok();
            if (ok.result().isEmpty()) {
              continue;
            }
            Batch batch = TelegramUpdates.map(ok.result(), config.account());
            if (batch.nextOffset().isEmpty()) {
              continue;
            }
            long next = batch.nextOffset().getAsLong();
            if (!store(batch, next)) {
              return;
            }
            offset = next;
            health.offset = Long.toString(offset);
            if (!batch.messages().isEmpty()) {
              health.lastInboundAtMs = clock.millis();
            }
          }
          case Answer.Ok ok -> {
            failures++;
            health.failed("getUpdates answered something other than a list of updates");
            pause(retries.backoff(failures));
          }
          case Answer.Failed f -> {
            failures++;
            pause(handle(f, failures));
          }
        }
      } catch (IOException e) {
        failures++;
        health.failed("network: " + e.getMessage());
        LOG.info("telegram {}: getUpdates failed: {}", accountId(), e.getMessage());
        try {
          pause(retries.backoff(failures));
        } catch (InterruptedException stop) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Records failure {@code f}; returns how long to wait before polling again. */
  private Duration handle(Answer.Failed f, int failures) {
    String error;
    Duration wait;
    switch (f.status()) {
      case 401 -> {
        error = "unauthorized: check the bot token";
        wait = retries.unauthorized();
      }
      case 409 -> {
        error =
            "conflict: another getUpdates poller or a webhook is using this bot; stop the other"
                + " instance or delete the webhook ("
                + f.description()
                + ")";
        wait = retries.backoff(failures);
      }
      case 429 -> {
        long seconds = Math.max(1, f.retryAfterSeconds().orElse(1L));
        error = "rate limited: retry after " + seconds + " s";
        wait = Duration.ofSeconds(Math.min(seconds, 3600));
      }
      default -> {
        error = "getUpdates failed: " + f.description();
        wait = retries.backoff(failures);
      }
    }
    if (!error.equals(health.lastError)) {
      LOG.warn("telegram {}: {}", accountId(), error);
    }
    health.failed(error);
    return wait;
  }

  /**
   * Stores the batch's messages and cursor together, retrying after store failures until it works
   * or the poller stops. Returns false when it stopped first (the offset must not move).
   */
  private boolean store(Batch batch, long next) {
    ChannelCursor cursor =
        new ChannelCursor(TelegramChannel.TYPE, accountId(), CURSOR, Long.toString(next));
    int failures = 0;
    while (!stopped) {
      storing = true;
      try {
        context.receive(batch.messages(), Optional.of(cursor));
        if (failures > 0) {
          health.ok();
        }
        return true;
      } catch (RuntimeException e) {
        failures++;
        health.failed("could not store inbound messages: " + e.getMessage());
        LOG.warn(
            "telegram {}: could not store {} messages (attempt {}): {}",
            accountId(),
            batch.messages().size(),
            failures,
            e.toString());
      } finally {
        storing = false;
      }
      try {
        pause(retries.backoff(failures));
      } catch (InterruptedException e) {
        return false;
      }
    }
    return false;
  }

  private void pause(Duration wait) throws InterruptedException {
    if (!stopped) {
      Thread.sleep(wait);
    }
  }

  private long storedOffset() {
    Optional<String> stored = context.cursor(CURSOR);
    if (stored.isEmpty()) {
      return 0;
    }
    try {
      long offset = Long.parseLong(stored.get().strip());
      health.offset = Long.toString(offset);
      return offset;
    } catch (NumberFormatException e) {
      LOG.warn("telegram {}: ignoring a stored offset that is not a number", accountId());
      return 0;
    }
  }

  private ObjectNode params(long offset) {
    ObjectNode params = Json.mapper().createObjectNode();
    if (offset > 0) {
      params.put("offset", offset);
    }
    params.put("timeout", config.pollTimeoutSeconds());
    params.putArray("allowed_updates").add("message");
    return params;
  }
}
