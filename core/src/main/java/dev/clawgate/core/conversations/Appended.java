package dev.clawgate.core.conversations;

import java.util.Objects;

/**
 * A message that was committed to a transcript, with its session as it is now.
 *
 * @param session the session row after the append
 * @param message the message
 * @param sessionCreated whether this append created the session
 * @param duplicate whether the message was there already (same idempotency key): nothing was
 *     appended and nothing announced
 */
public record Appended(
    SessionRow session, TranscriptMessage message, boolean sessionCreated, boolean duplicate) {
  public Appended {
    Objects.requireNonNull(session, "null session");
    Objects.requireNonNull(message, "null message");
  }
}
