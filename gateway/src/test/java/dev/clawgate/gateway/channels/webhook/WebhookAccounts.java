package dev.clawgate.gateway.channels.webhook;

import dev.clawgate.core.config.ChannelsConfig.AccountPolicy;
import dev.clawgate.core.config.ChannelsConfig.DmPolicy;
import dev.clawgate.core.config.ChannelsConfig.GroupPolicy;
import dev.clawgate.core.config.ChannelsConfig.Secret;
import dev.clawgate.core.config.ChannelsConfig.WebhookAccount;
import dev.clawgate.core.conversations.DmScope;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Webhook account configs for tests: account {@code ci}, a fixed secret, short backoff. */
final class WebhookAccounts {
  static final String SECRET = "test-webhook-secret-0123456789";
  static final Backoff FAST =
      new Backoff(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(2));

  private WebhookAccounts() {}

  /**
   * Account {@code ci}: DMs from {@code alice} (and owner {@code boss}), group {@code team}
   * allowlisted.
   */
  static WebhookAccount inbound() {
    return account(Optional.empty(), 5);
  }

  static WebhookAccount account(Optional<URI> outboundUrl, int maxAttempts) {
    return new WebhookAccount(
        new AccountPolicy(
            "ci",
            true,
            "main",
            DmScope.PER_CHANNEL_PEER,
            DmPolicy.ALLOWLIST,
            Set.of("alice"),
            GroupPolicy.ALLOWLIST,
            Set.of("team"),
            Set.of("boss")),
        new Secret(SECRET, "test"),
        outboundUrl,
        Duration.ofMinutes(5),
        maxAttempts,
        256 * 1024);
  }
}
