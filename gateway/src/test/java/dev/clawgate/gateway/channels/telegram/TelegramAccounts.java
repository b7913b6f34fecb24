package dev.clawgate.gateway.channels.telegram;

import dev.clawgate.core.config.ChannelsConfig.AccountPolicy;
import dev.clawgate.core.config.ChannelsConfig.DmPolicy;
import dev.clawgate.core.config.ChannelsConfig.GroupPolicy;
import dev.clawgate.core.config.ChannelsConfig.Secret;
import dev.clawgate.core.config.ChannelsConfig.TelegramAccount;
import dev.clawgate.core.conversations.DmScope;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/** Telegram account configs for tests against a {@code FakeTelegramBotApi}. */
final class TelegramAccounts {
  static final String TOKEN = "123456:TEST-token_abcdef";

  /** Short waits; a 5 s cap on {@code retry_after}. */
  static final Retries FAST =
      new Retries(
          Duration.ofMillis(20),
          Duration.ofMillis(100),
          Duration.ofSeconds(5),
          Duration.ofMillis(200),
          3);

  private TelegramAccounts() {}

  /**
   * Account {@code main} at {@code baseUrl}: DMs from 42 (and owner 99), supergroup -100123
   * allowlisted, 1 s long polls.
   */
  static TelegramAccount account(String baseUrl, String token) {
    return account(baseUrl, token, 4096);
  }

  static TelegramAccount account(String baseUrl, String token, int chunkLimit) {
    return new TelegramAccount(
        new AccountPolicy(
            "main",
            true,
            "main",
            DmScope.PER_CHANNEL_PEER,
            DmPolicy.ALLOWLIST,
            Set.of("42"),
            GroupPolicy.ALLOWLIST,
            Set.of("-100123"),
            Set.of("99")),
        new Secret(token, "test"),
        URI.create(baseUrl),
        1,
        chunkLimit);
  }
}
