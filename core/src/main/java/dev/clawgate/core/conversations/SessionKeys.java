package dev.clawgate.core.conversations;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Session key formats, as in the reference: {@code agent:<agentId>:main}, {@code
 * agent:<agentId>:<channel>:dm:<peerId>}, {@code
 * agent:<agentId>:<channel>:<accountId>:dm:<peerId>}, {@code agent:<agentId>:<channel>:group:<id>},
 * with {@code :topic:<threadId>} for forum topics.
 */
public final class SessionKeys {
  /** The agent sessions belong to unless configured otherwise. */
  public static final String DEFAULT_AGENT = "main";

  /** The longest session key accepted anywhere. */
  public static final int MAX_LENGTH = 512;

  private static final Pattern AGENT = Pattern.compile("agent:([^:]+):.+");

  private SessionKeys() {}

  /** The session an inbound message on {@code channel} belongs to. */
  public static String forInbound(
      String agentId,
      String channel,
      String accountId,
      ChatType chatType,
      String chatId,
      Optional<String> threadId,
      DmScope dmScope) {
    String base = "agent:" + part(agentId) + ":";
    String key =
        switch (chatType) {
          case GROUP -> base + part(channel) + ":group:" + part(chatId);
          case DIRECT ->
              switch (dmScope) {
                case MAIN -> base + "main";
                case PER_PEER -> base + "dm:" + part(chatId);
                case PER_CHANNEL_PEER -> base + part(channel) + ":dm:" + part(chatId);
                case PER_ACCOUNT_CHANNEL_PEER ->
                    base + part(channel) + ":" + part(accountId) + ":dm:" + part(chatId);
              };
        };
    if (threadId.isPresent() && chatType == ChatType.GROUP) {
      key = key + ":topic:" + part(threadId.get());
    }
    return key;
  }

  /** The agent of {@code key} ({@code agent:<id>:...}), if it has one. */
  public static Optional<String> agentOf(String key) {
    var m = AGENT.matcher(key);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String part(String value) {
    // Keys are colon-separated: a colon inside a part would make them ambiguous.
    return value.trim().toLowerCase(Locale.ROOT).replace(':', '_');
  }
}
