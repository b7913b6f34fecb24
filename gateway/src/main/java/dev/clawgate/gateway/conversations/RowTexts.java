package dev.clawgate.gateway.conversations;

import dev.clawgate.core.conversations.SessionRow;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.util.RawValue;

/**
 * The JSON text of session rows, made once per row version and include flags: {@code sessions.list}
 * answers mostly rows that did not change since the last call, and building and serializing their
 * trees again was most of its cost. A row version is the {@link SessionRow} instance itself (the
 * conversation service replaces it on every change), so a stale text is never served.
 */
final class RowTexts {
  private static final class Entry {
    final SessionRow row;
    final String[] texts = new String[4];

    Entry(SessionRow row) {
      this.row = row;
    }
  }

  private final ConcurrentHashMap<String, Entry> byKey = new ConcurrentHashMap<>();

  /** {@code row} as JSON text, ready to be embedded in an answer. */
  RawValue of(SessionRow row, SessionJson.Include include) {
    Entry entry = byKey.get(row.key());
    if (entry == null || entry.row != row) {
      entry = new Entry(row);
      byKey.put(row.key(), entry);
    }
    int slot = (include.derivedTitle() ? 1 : 0) | (include.lastMessage() ? 2 : 0);
    // Two threads may both build the same text; either result is right (strings are immutable).
    String text = entry.texts[slot];
    if (text == null) {
      text = SessionJson.row(row, include).toString();
      entry.texts[slot] = text;
    }
    return new RawValue(text);
  }

  /** Drops texts of sessions that no longer exist once they outnumber the live ones. */
  void trim(int liveSessions) {
    if (byKey.size() > 2 * liveSessions + 64) {
      byKey.clear();
    }
  }
}
