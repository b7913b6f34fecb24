package dev.clawgate.core.approvals;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * A plugin's request to go ahead with a tool call. Its id is always made by the service.
 *
 * @param title a short title (at most 80 characters)
 * @param description what the plugin wants to do (at most 512 characters)
 * @param severity how much it matters
 * @param allowedDecisions what an operator may answer (non-empty)
 * @param details the rest of the request operators see ({@code toolName}, {@code pluginId}, ...);
 *     the fields above replace their namesakes in it
 * @param timeout how long it waits for a decision (default 2 minutes, at most 10 minutes)
 * @param requester who asked
 */
public record PluginRequest(
    String title,
    String description,
    Severity severity,
    Set<Decision> allowedDecisions,
    ObjectNode details,
    Optional<Duration> timeout,
    Requester requester) {
  /** Longest title. */
  public static final int TITLE_MAX = 80;

  /** Longest description. */
  public static final int DESCRIPTION_MAX = 512;

  public PluginRequest {
    Objects.requireNonNull(title, "null title");
    Objects.requireNonNull(description, "null description");
    Objects.requireNonNull(severity, "null severity");
    allowedDecisions = Set.copyOf(allowedDecisions);
    details = details.deepCopy();
    Objects.requireNonNull(timeout, "null timeout");
    Objects.requireNonNull(requester, "null requester");
    if (title.isBlank() || title.length() > TITLE_MAX) {
      throw new IllegalArgumentException("title must be 1 to " + TITLE_MAX + " characters");
    }
    if (description.isBlank() || description.length() > DESCRIPTION_MAX) {
      throw new IllegalArgumentException(
          "description must be 1 to " + DESCRIPTION_MAX + " characters");
    }
    if (allowedDecisions.isEmpty()) {
      throw new IllegalArgumentException("no allowed decision");
    }
  }
}
