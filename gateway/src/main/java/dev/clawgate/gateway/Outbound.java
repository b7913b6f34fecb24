package dev.clawgate.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * The send side of one connection: asynchronous writes with a bounded number of bytes in flight.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>{@link #queuedBytes} is the UTF-8 size of every frame handed to Jetty whose write callback
 *       has not fired yet. Each frame is encoded to UTF-8 once, here, and handed to Jetty's core
 *       session as bytes, so its size is exact without a second pass over the text. A frame is
 *       refused when the queue is non-empty and the frame would push it past the limit (an empty
 *       queue always takes one frame, so a single large response is never refused).
 *   <li>Nothing here blocks on the network: Jetty's {@code sendText} only enqueues, and the lock is
 *       held just long enough to give frames their order, so a slow peer never stalls a broadcast
 *       or a request thread.
 *   <li>Events are numbered under the lock in the order they are enqueued, so {@code seq} on the
 *       wire is strictly increasing; a dropped event takes no number. No event is enqueued before
 *       {@link #open} has enqueued {@code hello-ok}.
 * </ul>
 */
final class Outbound {
  /** What became of a frame. */
  enum Result {
    /** Handed to Jetty. */
    QUEUED,
    /** Droppable and the buffer was full: skipped. */
    DROPPED,
    /** Not droppable and the buffer was full: the connection must be closed as a slow consumer. */
    OVERFLOW,
    /** The connection does not take events (not yet open, or closing). */
    REFUSED
  }

  /** Told when a write fails (the peer is gone); called from a Jetty thread. */
  interface FailureListener {
    void writeFailed(Throwable cause);
  }

  private final TextSink sink;
  private final long maxBufferedBytes;
  private final FailureListener failureListener;
  private final AtomicLong queuedBytes = new AtomicLong();
  private final ReentrantLock order = new ReentrantLock();
  private long nextSeq = 1; // guarded by order
  private boolean acceptingEvents; // guarded by order

  Outbound(Session session, long maxBufferedBytes, FailureListener failureListener) {
    this.sink = TextSink.of(Objects.requireNonNull(session, "null session"));
    this.maxBufferedBytes = maxBufferedBytes;
    this.failureListener = Objects.requireNonNull(failureListener, "null failureListener");
  }

  /** Sends a frame that is not an event (a response, the challenge). */
  Result send(String text) {
    order.lock();
    try {
      return enqueue(text, false);
    } finally {
      order.unlock();
    }
  }

  /** Sends {@code hello-ok}, then starts taking events: none can overtake it. */
  Result open(String helloText) {
    order.lock();
    try {
      Result result = enqueue(helloText, false);
      acceptingEvents = result == Result.QUEUED;
      return result;
    } finally {
      order.unlock();
    }
  }

  /** Sends an event with this connection's next {@code seq}. */
  Result sendEvent(EventText event) {
    order.lock();
    try {
      if (!acceptingEvents) {
        return Result.REFUSED;
      }
      String text = event.withSeq(nextSeq);
      Result result = enqueue(text, event.droppable());
      if (result == Result.QUEUED) {
        nextSeq++;
      }
      return result;
    } finally {
      order.unlock();
    }
  }

  /** Stops taking events (the connection is closing). */
  void stop() {
    order.lock();
    try {
      acceptingEvents = false;
    } finally {
      order.unlock();
    }
  }

  /** Bytes handed to Jetty and not yet written. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** Where frames go: Jetty's core session as bytes, else the API session as text. */
  @FunctionalInterface
  private interface TextSink {
    void send(byte[] utf8, Runnable written, Consumer<Throwable> failed);

    static TextSink of(Session session) {
      if (session instanceof WebSocketSession jetty) {
        CoreSession core = jetty.getCoreSession();
        return (utf8, written, failed) ->
            core.sendFrame(
                new Frame(OpCode.TEXT, true, ByteBuffer.wrap(utf8)),
                org.eclipse.jetty.util.Callback.from(written, failed),
                false);
      }
      return (utf8, written, failed) ->
          session.sendText(
              new String(utf8, StandardCharsets.UTF_8), Callback.from(written, failed));
    }
  }

  private Result enqueue(String text, boolean droppable) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    long bytes = utf8.length;
    long queued = queuedBytes.get();
    if (queued > 0 && queued + bytes > maxBufferedBytes) {
      return droppable ? Result.DROPPED : Result.OVERFLOW;
    }
    queuedBytes.addAndGet(bytes);
    try {
      sink.send(
          utf8,
          () -> queuedBytes.addAndGet(-bytes),
          cause -> {
            queuedBytes.addAndGet(-bytes);
            failureListener.writeFailed(cause);
          });
    } catch (RuntimeException e) {
      queuedBytes.addAndGet(-bytes);
      failureListener.writeFailed(e);
    }
    return Result.QUEUED;
  }
}
