package dev.clawgate.gateway.mcp;

import dev.clawgate.mcp.tools.ConversationPort.GatewayEventListener;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Hands the events of one subscription from the gateway's emitting threads to its listener, in
 * order, on the subscription's own virtual thread.
 *
 * <p>{@link #offer} never blocks the emitting thread (it holds a lock just long enough to append):
 * the queue holds at most {@code capacity} events, and when it is full the oldest is dropped to
 * make room (the first drop is logged, once per subscription). After {@link #close} nothing more is
 * delivered; an event the listener is handling then still completes.
 */
final class EventPump {
  private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);

  private record Event(String name, JsonNode payload) {}

  private final GatewayEventListener listener;
  private final int capacity;
  private final String owner;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<Event> queue = new ArrayDeque<>(); // guarded by lock
  private boolean closed; // guarded by lock
  private long dropped; // guarded by lock
  private @Nullable Thread thread; // guarded by lock

  /**
   * A pump to {@code listener}, holding at most {@code capacity} undelivered events; {@code owner}
   * names the subscriber in the thread name and log lines.
   */
  EventPump(GatewayEventListener listener, int capacity, String owner) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.listener = listener;
    this.capacity = capacity;
    this.owner = owner;
  }

  /** Starts delivering on a new virtual thread. Does nothing when started or closed. */
  void start() {
    lock.lock();
    try {
      if (closed || thread != null) {
        return;
      }
      thread = Thread.ofVirtual().name("clawgate-mcp-events-" + owner).start(this::run);
    } finally {
      lock.unlock();
    }
  }

  /** Queues an event; drops the oldest queued one when full. Never blocks. */
  void offer(String event, JsonNode payload) {
    boolean firstDrop = false;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (queue.size() >= capacity) {
        queue.pollFirst();
        firstDrop = dropped++ == 0;
      }
      queue.addLast(new Event(event, payload));
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
    if (firstDrop) {
      LOG.warn(
          "MCP event subscription of {} is not keeping up: more than {} events queued; dropping"
              + " the oldest (logged once)",
          owner,
          capacity);
    }
  }

  /** Events dropped for lack of room so far. */
  long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** Stops delivery and forgets queued events. Idempotent. */
  void close() {
    lock.lock();
    try {
      closed = true;
      queue.clear();
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      Event next;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed) {
          nonEmpty.await();
        }
        if (closed) {
          return;
        }
        next = queue.removeFirst();
      } catch (InterruptedException e) {
        return; // nothing interrupts this thread but a JVM shutting down
      } finally {
        lock.unlock();
      }
      try {
        listener.onEvent(next.name(), next.payload());
      } catch (RuntimeException e) {
        LOG.warn("MCP event listener of {} failed on {}", owner, next.name(), e);
      }
    }
  }
}
