package dev.clawgate.mcp.tools;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live event queue behind {@code events_poll} and {@code events_wait} (reference §4.2, §4.3).
 *
 * <p>Invariants: cursors count from 1 and grow by one per event, so the retained events are exactly
 * the cursors {@code oldest..latest} in order; at most {@link #CAPACITY} are kept and the oldest
 * goes first. Reading never consumes. A reader whose {@code afterCursor + 1} is older than the
 * oldest retained cursor has missed events, and is told so with a {@link Gap}. Each push wakes
 * every waiter whose filter it matches, and every waiter the eviction has overtaken (with no event
 * and the gap), so no waiter sleeps on through a loss it cannot see.
 */
final class EventQueue {
  static final int CAPACITY = 1000;

  /** A reader's position and optional exact session key. */
  record Filter(long afterCursor, Optional<String> sessionKey) {
    Filter {
      Objects.requireNonNull(sessionKey, "null sessionKey");
    }

    boolean matches(Event event) {
      return event.cursor() > afterCursor
          && (sessionKey.isEmpty() || sessionKey.equals(event.sessionKey()));
    }
  }

  /** A queued event: its JSON (which starts with {@code cursor}) and the session it belongs to. */
  record Event(long cursor, Optional<String> sessionKey, ObjectNode json) {}

  /**
   * Events the reader can no longer see: {@code requested_after_cursor, oldest_available_cursor}.
   */
  record Gap(long requestedAfterCursor, long oldestAvailableCursor) {
    ObjectNode toJson() {
      ObjectNode node = JsonValues.object();
      node.put("requested_after_cursor", requestedAfterCursor);
      node.put("oldest_available_cursor", oldestAvailableCursor);
      return node;
    }
  }

  record Poll(List<Event> events, long nextCursor, Optional<Gap> gap) {}

  /** What a wait returns: the first matching event, or none (timeout, close, or a gap). */
  record Wait(Optional<Event> event, Optional<Gap> gap) {
    static final Wait NOTHING = new Wait(Optional.empty(), Optional.empty());
  }

  private static final class Waiter {
    final Filter filter;
    final CompletableFuture<Wait> result = new CompletableFuture<>();

    Waiter(Filter filter) {
      this.filter = filter;
    }
  }

  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private long lastCursor;
  private boolean closed;

  /**
   * Appends an event whose JSON is {@code {cursor, ...body}} and wakes the waiters it concerns.
   * Returns its cursor, or 0 when the queue is closed (the event is dropped).
   */
  synchronized long push(Optional<String> sessionKey, ObjectNode body) {
    if (closed) {
      return 0;
    }
    long cursor = ++lastCursor;
    ObjectNode json = JsonValues.object();
    json.put("cursor", cursor);
    json.setAll(body);
    Event event = new Event(cursor, sessionKey, json);
    events.addLast(event);
    while (events.size() > CAPACITY) {
      events.removeFirst();
    }
    waiters.removeIf(waiter -> {
      Optional<Gap> gap = gap(waiter.filter.afterCursor());
      if (waiter.filter.matches(event)) {
        return waiter.result.complete(new Wait(Optional.of(event), gap));
      }
      return gap.isPresent() && waiter.result.complete(new Wait(Optional.empty(), gap));
    });
    return cursor;
  }

  /** Up to {@code limit} matching events after the filter's cursor, oldest first. */
  synchronized Poll poll(Filter filter, int limit) {
    List<Event> found = new ArrayList<>();
    for (Event event : events) {
      if (found.size() >= limit) {
        break;
      }
      if (filter.matches(event)) {
        found.add(event);
      }
    }
    long next = found.isEmpty() ? filter.afterCursor() : found.getLast().cursor();
    Optional<Gap> gap = gap(filter.afterCursor());
    if (gap.isPresent()) {
      next = Math.max(next, gap.get().oldestAvailableCursor() - 1);
    }
    return new Poll(found, next, gap);
  }

  /**
   * The first matching event, waiting for one at most {@code timeout} on the calling thread. With a
   * gap and nothing matching, returns at once (event empty, gap set): the caller has to learn of
   * the loss before it waits on.
   *
   * @throws InterruptedException when the calling thread is interrupted (the call was cancelled)
   */
  Wait await(Filter filter, Duration timeout) throws InterruptedException {
    Waiter waiter;
    synchronized (this) {
      if (closed) {
        return Wait.NOTHING;
      }
      Optional<Gap> gap = gap(filter.afterCursor());
      for (Event event : events) {
        if (filter.matches(event)) {
          return new Wait(Optional.of(event), gap);
        }
      }
      if (gap.isPresent()) {
        return new Wait(Optional.empty(), gap);
      }
      waiter = new Waiter(filter);
      waiters.add(waiter);
    }
    try {
      return waiter.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return Wait.NOTHING;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a waiter is never completed exceptionally", e);
    } finally {
      synchronized (this) {
        waiters.remove(waiter);
      }
    }
  }

  /** Drops later pushes and wakes every waiter with nothing. */
  synchronized void close() {
    closed = true;
    waiters.forEach(waiter -> waiter.result.complete(Wait.NOTHING));
    waiters.clear();
  }

  synchronized int size() {
    return events.size();
  }

  synchronized int waiterCount() {
    return waiters.size();
  }

  private Optional<Gap> gap(long afterCursor) {
    @Nullable Event oldest = events.peekFirst();
    if (oldest == null || afterCursor >= oldest.cursor() - 1) {
      return Optional.empty();
    }
    return Optional.of(new Gap(afterCursor, oldest.cursor()));
  }
}
