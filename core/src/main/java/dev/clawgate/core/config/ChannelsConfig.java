package dev.clawgate.core.config;

import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.DmScope;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code channels.<type>.<accountId>}: the messaging channel accounts the gateway runs, validated
 * and with their secrets resolved (from the file, an environment variable or a secret file).
 * Immutable; no {@link #toString()} here shows a secret.
 *
 * @param telegram the {@code channels.telegram.*} accounts, in file order
 * @param webhook the {@code channels.webhook.*} accounts, in file order
 */
public record ChannelsConfig(List<TelegramAccount> telegram, List<WebhookAccount> webhook) {
  public ChannelsConfig {
    telegram = List.copyOf(telegram);
    webhook = List.copyOf(webhook);
  }

  /** No channels configured. */
  public static ChannelsConfig none() {
    return new ChannelsConfig(List.of(), List.of());
  }

  /** The webhook account {@code accountId}, if configured (enabled or not). */
  public Optional<WebhookAccount> webhook(String accountId) {
    return webhook.stream().filter(a -> a.account().accountId().equals(accountId)).findFirst();
  }

  /** The telegram account {@code accountId}, if configured (enabled or not). */
  public Optional<TelegramAccount> telegram(String accountId) {
    return telegram.stream().filter(a -> a.account().accountId().equals(accountId)).findFirst();
  }

  /** Every account's common settings, telegram first. */
  public List<AccountPolicy> accounts() {
    return Stream.concat(
            telegram.stream().map(TelegramAccount::account),
            webhook.stream().map(WebhookAccount::account))
        .toList();
  }

  /** Who may send direct messages ({@code dmPolicy}). */
  public enum DmPolicy {
    /** Only {@code allowFrom} and {@code owners} (default). */
    ALLOWLIST,
    /** Anyone. */
    OPEN,
    /** Nobody: direct messages are dropped. */
    DISABLED;

    /** The config spelling. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which groups are listened to ({@code groupPolicy}). */
  public enum GroupPolicy {
    /** None: group messages are dropped (default). */
    DISABLED,
    /** Every group the account is in. */
    OPEN,
    /** Only {@code groupAllowFrom}. */
    ALLOWLIST;

    /** The config spelling. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The settings every channel account has.
   *
   * @param accountId the account id ({@code channels.<type>.<accountId>})
   * @param enabled whether the gateway runs it ({@code enabled}, default true)
   * @param agentId the agent its sessions belong to ({@code agentId}, default {@code main})
   * @param dmScope how direct messages map to sessions ({@code dmScope}, default {@code
   *     per-channel-peer})
   * @param dmPolicy who may send direct messages ({@code dmPolicy}, default allowlist)
   * @param allowFrom peer ids allowed to send direct messages under the allowlist policy
   * @param groupPolicy which groups are listened to ({@code groupPolicy}, default disabled)
   * @param groupAllowFrom group (chat) ids listened to under the allowlist policy
   * @param owners peer ids whose messages carry {@code senderIsOwner: true}; always allowed to send
   *     direct messages unless the DM policy is disabled
   */
  public record AccountPolicy(
      String accountId,
      boolean enabled,
      String agentId,
      DmScope dmScope,
      DmPolicy dmPolicy,
      Set<String> allowFrom,
      GroupPolicy groupPolicy,
      Set<String> groupAllowFrom,
      Set<String> owners) {
    public AccountPolicy {
      Objects.requireNonNull(accountId, "null accountId");
      Objects.requireNonNull(agentId, "null agentId");
      Objects.requireNonNull(dmScope, "null dmScope");
      Objects.requireNonNull(dmPolicy, "null dmPolicy");
      allowFrom = Set.copyOf(allowFrom);
      Objects.requireNonNull(groupPolicy, "null groupPolicy");
      groupAllowFrom = Set.copyOf(groupAllowFrom);
      owners = Set.copyOf(owners);
    }

    /** Whether {@code senderId} is one of the owners. */
    public boolean isOwner(String senderId) {
      return owners.contains(senderId);
    }

    /**
     * Whether a message from {@code senderId} in chat {@code chatId} is taken in: direct messages
     * by the DM policy (owners always count as allowed), group messages by the group policy.
     */
    public boolean admits(ChatType chatType, String chatId, String senderId) {
      return switch (chatType) {
        case DIRECT ->
            switch (dmPolicy) {
              case OPEN -> true;
              case DISABLED -> false;
              case ALLOWLIST -> allowFrom.contains(senderId) || owners.contains(senderId);
            };
        case GROUP ->
            switch (groupPolicy) {
              case OPEN -> true;
              case DISABLED -> false;
              case ALLOWLIST -> groupAllowFrom.contains(chatId);
            };
      };
    }
  }

  /**
   * A secret value and where it came from. {@link #toString()} names only the source.
   *
   * @param value the secret
   * @param source where it came from, for messages: {@code config channels.x.y.botToken}, {@code
   *     env NAME} or {@code file /path}
   * @param resolved whether {@code value} was read (see {@link #unread})
   */
  public record Secret(String value, String source, boolean resolved) {
    public Secret {
      Objects.requireNonNull(value, "null value");
      Objects.requireNonNull(source, "null source");
    }

    /** A secret that was read. */
    public Secret(String value, String source) {
      this(value, source, true);
    }

    /**
     * A secret kept in an environment variable or a file that was not read: commands other than
     * {@code gateway run} never need channel secrets, so they do not fail when the variable is
     * missing from the shell they run in.
     */
    public static Secret unread(String source) {
      return new Secret("", source, false);
    }

    @Override
    public String toString() {
      return resolved ? "<secret from " + source + ">" : "<secret in " + source + ", not read>";
    }
  }

  /**
   * {@code channels.telegram.<accountId>}: a Telegram bot polled with {@code getUpdates}.
   *
   * @param account the common settings
   * @param botToken the bot token ({@code botToken}, {@code tokenFile} or {@code botTokenEnv})
   * @param apiBaseUrl the Bot API base URL ({@code apiBaseUrl}, default {@code
   *     https://api.telegram.org}), without a trailing slash
   * @param pollTimeoutSeconds the long-poll timeout ({@code pollTimeoutSeconds}, default 25)
   * @param textChunkLimit the longest text sent in one message ({@code textChunkLimit}, default
   *     4096)
   */
  public record TelegramAccount(
      AccountPolicy account,
      Secret botToken,
      URI apiBaseUrl,
      int pollTimeoutSeconds,
      int textChunkLimit) {
    /** The default Bot API base URL. */
    public static final URI DEFAULT_API_BASE_URL = URI.create("https://api.telegram.org");

    public TelegramAccount {
      Objects.requireNonNull(account, "null account");
      Objects.requireNonNull(botToken, "null botToken");
      Objects.requireNonNull(apiBaseUrl, "null apiBaseUrl");
    }
  }

  /**
   * {@code channels.webhook.<accountId>}: signed JSON over HTTP, inbound at {@code
   * /hooks/<accountId>} and outbound to a configured URL.
   *
   * @param account the common settings
   * @param secret the HMAC secret ({@code secret}, {@code secretFile} or {@code secretEnv})
   * @param outboundUrl where replies are POSTed ({@code outboundUrl}); without it the account is
   *     inbound-only
   * @param timestampTolerance how far a request's timestamp may be from now ({@code
   *     timestampToleranceSeconds}, default 300)
   * @param maxAttempts outbound attempts per delivery ({@code maxAttempts}, default 5)
   * @param maxBodyBytes the largest inbound body accepted ({@code maxBodyBytes}, default 1 MiB)
   */
  public record WebhookAccount(
      AccountPolicy account,
      Secret secret,
      Optional<URI> outboundUrl,
      Duration timestampTolerance,
      int maxAttempts,
      int maxBodyBytes) {
    /** The default {@code maxBodyBytes}. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    /** The largest allowed {@code maxBodyBytes}. */
    public static final int MAX_BODY_BYTES_LIMIT = 25 * 1024 * 1024;

    public WebhookAccount {
      Objects.requireNonNull(account, "null account");
      Objects.requireNonNull(secret, "null secret");
      Objects.requireNonNull(outboundUrl, "null outboundUrl");
      Objects.requireNonNull(timestampTolerance, "null timestampTolerance");
    }

    @Override
    public String toString() {
      // A webhook URL may carry a token in its query or user info: show only where it goes.
      return "WebhookAccount[account="
          + account
          + ", secret="
          + secret
          + ", outboundUrl="
          + outboundUrl.map(WebhookAccount::withoutCredentials).orElse("<none>")
          + ", timestampTolerance="
          + timestampTolerance
          + ", maxAttempts="
          + maxAttempts
          + ", maxBodyBytes="
          + maxBodyBytes
          + "]";
    }

    /** {@code scheme://host[:port]/path}, without user info, query or fragment. */
    public static String withoutCredentials(URI url) {
      return url.getScheme()
          + "://"
          + url.getHost()
          + (url.getPort() >= 0 ? ":" + url.getPort() : "")
          + Objects.requireNonNullElse(url.getRawPath(), "");
    }
  }
}
