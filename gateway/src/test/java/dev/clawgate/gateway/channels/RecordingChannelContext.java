package dev.clawgate.gateway.channels;

import dev.clawgate.core.conversations.ChannelCursor;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stands in for the gateway's store (tested end to end elsewhere) with the same contract: a batch
 * and its cursor are kept together or not at all, and a message whose external id was already
 * received is skipped. It can be told to fail the next receives, as a store that is unavailable.
 */
public final class RecordingChannelContext implements ChannelContext {
  private final Map<String, InboundMessage> messages = new LinkedHashMap<>();
  private final Map<String, String> cursors = new LinkedHashMap<>();
  private final List<Optional<ChannelCursor>> committedCursors = new ArrayList<>();
  private final List<String> offered = new ArrayList<>();
  private int failuresLeft;
  private int calls;

  @Override
  public synchronized int receive(List<InboundMessage> batch, Optional<ChannelCursor> cursor) {
    calls++;
    if (failuresLeft > 0) {
      failuresLeft--;
      throw ClawgateException.of(
              ErrorCode.UNAVAILABLE, DetailCode.STORE_UNAVAILABLE, "store unavailable (test)")
          .retryable(true)
          .build();
    }
    int added = 0;
    for (InboundMessage message : batch) {
      offered.add(message.externalId());
      String key = message.channel() + "/" + message.accountId() + "/" + message.externalId();
      if (messages.putIfAbsent(key, message) == null) {
        added++;
      }
    }
    cursor.ifPresent(c -> cursors.put(c.name(), c.value()));
    committedCursors.add(cursor);
    return added;
  }

  @Override
  public synchronized Optional<String> cursor(String name) {
    return Optional.ofNullable(cursors.get(name));
  }

  /** Every message stored, in order. */
  public synchronized List<InboundMessage> messages() {
    return List.copyOf(messages.values());
  }

  /** The cursors of every successful receive, in order. */
  public synchronized List<Optional<ChannelCursor>> committedCursors() {
    return List.copyOf(committedCursors);
  }

  /**
   * The external id of every message in every successful receive, duplicates included: a channel
   * that never hands over a message twice has no repeats here.
   */
  public synchronized List<String> offered() {
    return List.copyOf(offered);
  }

  /** How many times receive was called, failures included. */
  public synchronized int calls() {
    return calls;
  }

  /** The next {@code count} receives throw, storing nothing. */
  public synchronized void failNext(int count) {
    failuresLeft = count;
  }
}
