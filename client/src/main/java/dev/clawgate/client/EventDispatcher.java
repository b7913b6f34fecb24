package dev.clawgate.client;

import dev.clawgate.protocol.EventFrame;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners in arrival order on one virtual thread, never on the WebSocket's
 * thread, so a listener may block (even call the gateway) without stalling the connection.
 *
 * <p>Backpressure: at most {@link #MAX_QUEUED} events wait. When {@link #offer} finds the queue
 * full it returns false and the connection stops requesting frames; the dispatcher runs the
 * connection's resume action exactly once when the queue has drained to half. A reconnecting
 * session shares one dispatcher across its connections, so event order survives a reconnect.
 */
final class EventDispatcher {
  static final int MAX_QUEUED = 1024;

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
  private static final EventFrame STOP =
      new EventFrame("clawgate.stop", Optional.empty(), Optional.empty(), Optional.empty());

  private final List<Consumer<EventFrame>> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<EventFrame> queue = new LinkedBlockingQueue<>();
  private final AtomicReference<@Nullable Runnable> resume = new AtomicReference<>();
  private final ReentrantLock startLock = new ReentrantLock();
  private @Nullable Thread thread; // guarded by startLock
  private volatile boolean stopped;

  Subscription add(Consumer<EventFrame> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Queues an event. Returns whether the caller may request the next frame; when false, {@code
   * resumeDemand} runs once, on the dispatcher thread, after the queue has drained.
   */
  boolean offer(EventFrame event, Runnable resumeDemand) {
    if (stopped) {
      return true;
    }
    start();
    queue.add(event);
    if (queue.size() < MAX_QUEUED) {
      return true;
    }
    resume.set(resumeDemand);
    // The dispatcher may have drained the queue before it could see the resume action; whoever
    // takes the action back (this thread or the dispatcher) is the one that requests more.
    return queue.size() < MAX_QUEUED && resume.getAndSet(null) != null;
  }

  /** Delivers what is queued, then stops the thread; later offers are dropped. */
  void shutdown() {
    stopped = true;
    queue.add(STOP);
  }

  private void start() {
    startLock.lock();
    try {
      if (thread == null) {
        thread = Thread.ofVirtual().name("clawgate-events").start(this::run);
      }
    } finally {
      startLock.unlock();
    }
  }

  @SuppressWarnings("ReferenceEquality") // STOP is a sentinel instance, compared by identity
  private void run() {
    while (true) {
      EventFrame event;
      try {
        event = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (event == STOP) {
        return;
      }
      if (queue.size() < MAX_QUEUED / 2) {
        Runnable action = resume.getAndSet(null);
        if (action != null) {
          action.run();
        }
      }
      for (Consumer<EventFrame> listener : listeners) {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          log.warn("event listener failed on {}", event.event(), e);
        }
      }
    }
  }
}
