package dev.clawgate.core.conversations;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The session rows in memory, most recently updated first, so {@code sessions.list} never touches
 * the database. It is a copy of the {@code sessions} table kept exact by its one writer: every
 * change is applied here by the transaction that made it, on the store's writer thread, and rows
 * are reloaded from the table when a transaction fails to commit. The gateway holds the state dir's
 * lock, so no other process writes sessions while it runs.
 */
final class SessionIndex {
  private static final Comparator<SessionRow> RECENT_FIRST =
      Comparator.comparingLong(SessionRow::updatedAtMs).reversed().thenComparing(SessionRow::key);

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, SessionRow> byKey = new HashMap<>();
  private final TreeSet<SessionRow> ordered = new TreeSet<>(RECENT_FIRST);

  void load(Collection<SessionRow> rows) {
    lock.writeLock().lock();
    try {
      byKey.clear();
      ordered.clear();
      rows.forEach(this::putLocked);
    } finally {
      lock.writeLock().unlock();
    }
  }

  Optional<SessionRow> get(String key) {
    lock.readLock().lock();
    try {
      return Optional.ofNullable(byKey.get(key));
    } finally {
      lock.readLock().unlock();
    }
  }

  void put(SessionRow row) {
    lock.writeLock().lock();
    try {
      putLocked(row);
    } finally {
      lock.writeLock().unlock();
    }
  }

  void remove(String key) {
    lock.writeLock().lock();
    try {
      SessionRow old = byKey.remove(key);
      if (old != null) {
        ordered.remove(old);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void putLocked(SessionRow row) {
    SessionRow old = byKey.put(row.key(), row);
    if (old != null) {
      ordered.remove(old);
    }
    ordered.add(row);
  }

  Optional<SessionRow> findByRoute(Route route) {
    lock.readLock().lock();
    try {
      for (SessionRow row : ordered) {
        Optional<Route> reply = row.replyRoute();
        if (reply.isPresent()
            && reply.get().channel().equals(route.channel())
            && reply.get().to().equals(route.to())
            && reply.get().threadId().equals(route.threadId())
            && (route.accountId().isEmpty() || reply.get().accountId().equals(route.accountId()))) {
          return Optional.of(row);
        }
      }
      return Optional.empty();
    } finally {
      lock.readLock().unlock();
    }
  }

  int size() {
    lock.readLock().lock();
    try {
      return byKey.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  SessionPage page(SessionQuery query) {
    Optional<String> needle = query.search().map(s -> s.toLowerCase(Locale.ROOT));
    List<SessionRow> page = new ArrayList<>(Math.min(query.limit(), 256));
    int matched = 0;
    lock.readLock().lock();
    try {
      boolean unfiltered =
          needle.isEmpty()
              && query.channel().isEmpty()
              && query.agentId().isEmpty()
              && query.label().isEmpty();
      if (unfiltered) {
        int skipped = 0;
        for (SessionRow row : ordered) {
          if (skipped++ < query.offset()) {
            continue;
          }
          if (page.size() == query.limit()) {
            break;
          }
          page.add(row);
        }
        return new SessionPage(page, ordered.size());
      }
      for (SessionRow row : ordered) {
        if (!matches(row, query, needle)) {
          continue;
        }
        if (matched >= query.offset() && page.size() < query.limit()) {
          page.add(row);
        }
        matched++;
      }
    } finally {
      lock.readLock().unlock();
    }
    return new SessionPage(page, matched);
  }

  private static boolean matches(SessionRow row, SessionQuery query, Optional<String> needle) {
    if (query.channel().isPresent()
        && !query.channel().get().equalsIgnoreCase(routeChannel(row).orElse(""))) {
      return false;
    }
    if (query.agentId().isPresent() && !query.agentId().get().equals(row.agentId())) {
      return false;
    }
    if (query.label().isPresent() && !query.label().equals(row.label())) {
      return false;
    }
    if (needle.isEmpty()) {
      return true;
    }
    String n = needle.get();
    return contains(row.key(), n)
        || row.label().filter(v -> contains(v, n)).isPresent()
        || row.displayName().filter(v -> contains(v, n)).isPresent()
        || row.derivedTitle().filter(v -> contains(v, n)).isPresent();
  }

  private static Optional<String> routeChannel(SessionRow row) {
    return row.replyRoute().map(Route::channel).or(row::channel);
  }

  private static boolean contains(String haystack, String lowerNeedle) {
    return haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
  }
}
