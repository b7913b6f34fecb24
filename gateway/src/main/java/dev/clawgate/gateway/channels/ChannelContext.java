package dev.clawgate.gateway.channels;

import dev.clawgate.core.conversations.ChannelCursor;
import dev.clawgate.core.conversations.InboundMessage;
import java.util.List;
import java.util.Optional;

/** What a running channel may do with the rest of the gateway. */
public interface ChannelContext {
  /**
   * Appends {@code messages} to their sessions' transcripts and saves {@code cursor}, in one
   * transaction: either all of it is stored or none. Messages whose {@code externalId} was already
   * received are skipped (so redelivery after a crash is harmless).
   *
   * @return how many messages were new
   * @throws dev.clawgate.protocol.ClawgateException when the store cannot take them (the channel
   *     retries later from the unchanged cursor)
   */
  int receive(List<InboundMessage> messages, Optional<ChannelCursor> cursor);

  /** The saved cursor {@code name} of this channel account, if any. */
  Optional<String> cursor(String name);
}
