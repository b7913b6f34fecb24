package dev.clawgate.gateway.mcp.http;

import dev.clawgate.mcp.server.Outbound;
import java.io.IOException;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * A session's server-to-client stream (the GET stream): the session's unsolicited messages, each an
 * SSE event with id {@code 0-<n>}, kept in a bounded buffer so a client that reconnects with {@code
 * Last-Event-ID} gets what it missed, and so messages sent while no GET stream is open are
 * delivered when one opens. At most one GET stream is attached at a time. Thread-safe.
 */
final class EventLog implements Outbound {
  /** The stream number of the GET stream in event ids; POST streams count from 1. */
  static final String PREFIX = "0-";

  private static final class Event {
    final long seq;
    final byte[] bytes;

    Event(long seq, byte[] bytes) {
      this.seq = seq;
      this.bytes = bytes;
    }
  }

  private final int maxEvents;
  private final long maxBytes;

  // Guarded by this.
  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private long bytes;
  private long nextSeq = 1;
  private long deliveredSeq;
  private @Nullable StreamedBody stream;
  private boolean closed;

  EventLog(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** Appends a message and sends it on the open GET stream, if any. */
  @Override
  public void write(ObjectNode message) throws IOException {
    String json = Replies.encode(message, "a message");
    synchronized (this) {
      if (closed) {
        throw new IOException("the MCP session is closed");
      }
      long seq = nextSeq++;
      Event event = new Event(seq, event(PREFIX + seq, json));
      events.add(event);
      bytes += event.bytes.length;
      while (events.size() > maxEvents || (bytes > maxBytes && events.size() > 1)) {
        bytes -= events.removeFirst().bytes.length;
      }
      StreamedBody open = stream;
      if (open != null && open.send(event.bytes)) {
        deliveredSeq = seq;
      }
    }
  }

  /**
   * Attaches a new GET stream and queues what it should see first: with a {@code lastEventId} still
   * in the buffer, every event after it; otherwise the events no stream was sent yet.
   *
   * @return false, attaching nothing, when a GET stream is already attached or the log is closed
   */
  synchronized boolean attach(StreamedBody newStream, @Nullable String lastEventId) {
    if (closed || stream != null) {
      return false;
    }
    long after = resumePoint(lastEventId);
    for (Event event : events) {
      if (event.seq > after) {
        newStream.send(event.bytes);
        deliveredSeq = Math.max(deliveredSeq, event.seq);
      }
    }
    stream = newStream;
    return true;
  }

  /** Detaches {@code ended} if it is the attached stream. */
  synchronized void detach(StreamedBody ended) {
    if (stream == ended) {
      stream = null;
    }
  }

  /** Whether a GET stream is attached. */
  synchronized boolean streaming() {
    return stream != null;
  }

  /** Refuses further messages and ends the attached stream. */
  void close() {
    StreamedBody open;
    synchronized (this) {
      closed = true;
      open = stream;
      stream = null;
    }
    if (open != null) {
      open.end();
    }
  }

  private long resumePoint(@Nullable String lastEventId) {
    if (lastEventId != null && lastEventId.startsWith(PREFIX)) {
      try {
        long seq = Long.parseLong(lastEventId.substring(PREFIX.length()));
        long oldest = events.isEmpty() ? nextSeq : events.getFirst().seq;
        if (seq >= oldest - 1 && seq < nextSeq) {
          return seq;
        }
      } catch (NumberFormatException e) {
        // not one of ours: start fresh
      }
    }
    return deliveredSeq;
  }

  /** One SSE {@code message} event. Compact JSON holds no raw newline, so one data line does. */
  static byte[] event(String id, String json) {
    return Replies.event(id, "message", json);
  }
}
