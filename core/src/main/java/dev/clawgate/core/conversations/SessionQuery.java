package dev.clawgate.core.conversations;

import java.util.Objects;
import java.util.Optional;

/**
 * A page of sessions, most recently updated first.
 *
 * @param limit at most this many
 * @param offset after skipping this many matches
 * @param search a case-insensitive substring of the key, label, display name or derived title
 * @param channel only sessions on this channel
 * @param agentId only sessions of this agent
 * @param label only sessions with exactly this label
 */
public record SessionQuery(
    int limit,
    int offset,
    Optional<String> search,
    Optional<String> channel,
    Optional<String> agentId,
    Optional<String> label) {
  public SessionQuery {
    if (limit < 1 || offset < 0) {
      throw new IllegalArgumentException("limit must be positive and offset not negative");
    }
    Objects.requireNonNull(search, "null search");
    Objects.requireNonNull(channel, "null channel");
    Objects.requireNonNull(agentId, "null agentId");
    Objects.requireNonNull(label, "null label");
  }

  /** The first {@code limit} sessions, unfiltered. */
  public static SessionQuery first(int limit) {
    return new SessionQuery(
        limit, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
