package dev.clawgate.gateway.conversations;

import dev.clawgate.core.conversations.SessionRow;
import dev.clawgate.protocol.Json;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.util.RawValue;

/**
 * The JSON text of session rows, made once per row version and include flags: {@code sessions.list}
 * answers mostly rows that did not change since the last call, and building and serializing their
 * trees again was most of its cost. A row version is the {@link SessionRow} instance itself (the
 * conversation service replaces it on every change), so a stale text is never served.
 */
public final class RowTexts {
  /**
   * A row's JSON text as embedded in an answer. Over a connection it is written as is (its UTF-8
   * bytes are kept once made); an in-process caller, which needs the row as a tree, gets a copy of
   * a tree parsed at most once instead of parsing the text on every call.
   */
  public static final class RowJson extends SerializedString {
    private static final long serialVersionUID = 1L;

    private transient volatile @Nullable JsonNode tree;

    RowJson(String text) {
      super(text);
    }

    /** The row as a tree of its own (a copy: the caller may change it). */
    public JsonNode tree() {
      JsonNode parsed = tree;
      if (parsed == null) {
        parsed = Json.mapper().readTree(_value);
        tree = parsed;
      }
      return parsed.deepCopy();
    }
  }

  private static final class Entry {
    final SessionRow row;
    final RowJson[] texts = new RowJson[4];

    Entry(SessionRow row) {
      this.row = row;
    }
  }

  private final ConcurrentHashMap<String, Entry> byKey = new ConcurrentHashMap<>();

  RowTexts() {}

  /** {@code row} as JSON text, ready to be embedded in an answer. */
  RawValue of(SessionRow row, SessionJson.Include include) {
    Entry entry = byKey.get(row.key());
    if (entry == null || entry.row != row) {
      entry = new Entry(row);
      byKey.put(row.key(), entry);
    }
    int slot = (include.derivedTitle() ? 1 : 0) | (include.lastMessage() ? 2 : 0);
    // Two threads may both build the same text; either result is right (strings are immutable).
    RowJson text = entry.texts[slot];
    if (text == null) {
      text = new RowJson(SessionJson.row(row, include).toString());
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
