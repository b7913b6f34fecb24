package dev.clawgate.gateway.channels;

import dev.clawgate.core.config.ChannelsConfig;
import dev.clawgate.core.config.ChannelsConfig.TelegramAccount;
import dev.clawgate.core.config.ChannelsConfig.WebhookAccount;
import dev.clawgate.gateway.channels.telegram.TelegramChannel;
import dev.clawgate.gateway.channels.webhook.WebhookChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds the built-in channels from {@code channels} of the configuration. */
public final class ChannelFactory {
  private ChannelFactory() {}

  /**
   * One channel per enabled account, telegram accounts first, each in file order. Nothing is
   * started and nothing touches the network until {@link Channel#start}.
   */
  public static List<Channel> create(ChannelsConfig config, Clock clock) {
    List<Channel> channels = new ArrayList<>();
    for (TelegramAccount account : config.telegram()) {
      if (account.account().enabled()) {
        requireRead(account.botToken(), "telegram", account.account().accountId());
        channels.add(TelegramChannel.create(account, clock));
      }
    }
    for (WebhookAccount account : config.webhook()) {
      if (account.account().enabled()) {
        requireRead(account.secret(), "webhook", account.account().accountId());
        channels.add(WebhookChannel.create(account, clock));
      }
    }
    return List.copyOf(channels);
  }

  private static void requireRead(ChannelsConfig.Secret secret, String type, String account) {
    if (!secret.resolved()) {
      throw new IllegalStateException(
          "the secret of channels."
              + type
              + "."
              + account
              + " was not read: load the config with ConfigLoader.loadForGateway");
    }
  }
}
