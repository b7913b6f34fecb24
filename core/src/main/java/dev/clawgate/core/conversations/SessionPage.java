package dev.clawgate.core.conversations;

import java.util.List;

/**
 * One page of {@link ConversationService#list}.
 *
 * @param sessions the rows of this page
 * @param total how many sessions matched in all
 */
public record SessionPage(List<SessionRow> sessions, int total) {
  public SessionPage {
    sessions = List.copyOf(sessions);
  }
}
