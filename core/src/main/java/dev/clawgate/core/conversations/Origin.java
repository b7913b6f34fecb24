package dev.clawgate.core.conversations;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a session started: the channel, account and thread of its first inbound message, and who
 * was talking to whom.
 *
 * @param provider the channel type
 * @param accountId the channel account
 * @param threadId the thread or topic
 * @param label a human label (the chat title or sender name)
 * @param from the first sender
 * @param to the chat the session talks to
 */
public record Origin(
    String provider,
    Optional<String> accountId,
    Optional<String> threadId,
    Optional<String> label,
    Optional<String> from,
    Optional<String> to) {
  public Origin {
    Objects.requireNonNull(provider, "null provider");
    Objects.requireNonNull(accountId, "null accountId");
    Objects.requireNonNull(threadId, "null threadId");
    Objects.requireNonNull(label, "null label");
    Objects.requireNonNull(from, "null from");
    Objects.requireNonNull(to, "null to");
  }
}
