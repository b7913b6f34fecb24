package dev.clawgate.gateway;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The send side of one connection: asynchronous writes with a bounded number of bytes in flight.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>{@link #queuedBytes} is the UTF-8 size of every frame handed to Jetty whose write callback
 *       has not fired yet. A frame is refused when the queue is non-empty and the frame would push
 *       it past the limit (an empty queue always takes one frame, so a single large response is
 *       never refused).
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

  private final Session session;
  private final long maxBufferedBytes;
  private final FailureListener failureListener;
  private final AtomicLong queuedBytes = new AtomicLong();
  private final ReentrantLock order = new ReentrantLock();
  private long nextSeq = 1; // guarded by order
  private boolean acceptingEvents; // guarded by order

  Outbound(Session session, long maxBufferedBytes, FailureListener failureListener) {
    this.session = Objects.requireNonNull(session, "null session");
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

  private Result enqueue(String text, boolean droppable) {
    long bytes = Utf8.length(text);
    long queued = queuedBytes.get();
    if (queued > 0 && queued + bytes > maxBufferedBytes) {
      return droppable ? Result.DROPPED : Result.OVERFLOW;
    }
    queuedBytes.addAndGet(bytes);
    try {
      session.sendText(
          text,
          Callback.from(
              () -> queuedBytes.addAndGet(-bytes),
              cause -> {
                queuedBytes.addAndGet(-bytes);
                failureListener.writeFailed(cause);
              }));
    } catch (RuntimeException e) {
      queuedBytes.addAndGet(-bytes);
      failureListener.writeFailed(e);
    }
    return Result.QUEUED;
  }
}
