package dev.clawgate.core.conversations;

import java.util.Objects;

/**
 * A channel account's position in its inbound stream (Telegram's {@code getUpdates} offset), saved
 * in the same transaction as the messages read up to it, so a restart neither loses nor repeats
 * one.
 *
 * @param channel the channel type
 * @param accountId the account
 * @param name what the value is ({@code offset})
 * @param value the position
 */
public record ChannelCursor(String channel, String accountId, String name, String value) {
  public ChannelCursor {
    Objects.requireNonNull(channel, "null channel");
    Objects.requireNonNull(accountId, "null accountId");
    Objects.requireNonNull(name, "null name");
    Objects.requireNonNull(value, "null value");
  }
}
