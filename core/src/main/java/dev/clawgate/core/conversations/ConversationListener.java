package dev.clawgate.core.conversations;

import java.util.Optional;

/**
 * Told about committed changes, after the transaction: the gateway turns them into {@code
 * session.message} and {@code sessions.changed} events. Called on the committing thread; must not
 * block.
 */
public interface ConversationListener {
  /** A message was appended. */
  void appended(Appended appended);

  /**
   * A session changed other than by a message ({@code phase}: {@code reset}, {@code deleted},
   * {@code created}); {@code session} is empty when it was deleted.
   */
  void sessionChanged(String sessionKey, String phase, Optional<SessionRow> session);

  /** Listens to nothing. */
  static ConversationListener none() {
    return new ConversationListener() {
      @Override
      public void appended(Appended appended) {}

      @Override
      public void sessionChanged(String sessionKey, String phase, Optional<SessionRow> session) {}
    };
  }
}
