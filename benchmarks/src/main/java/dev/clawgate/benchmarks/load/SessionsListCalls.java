package dev.clawgate.benchmarks.load;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code sessions.list} with {@code limit} (and, when {@code include}, {@code includeDerivedTitles}
 * and {@code includeLastMessage}): the request text is a constant around the id. An answer passes
 * the check when it holds a full page whose rows carry titles and previews exactly when asked.
 */
final class SessionsListCalls implements CallSource {
  private final int limit;
  private final boolean include;
  private final String suffix;

  SessionsListCalls(int limit, boolean include) {
    this.limit = limit;
    this.include = include;
    this.suffix =
        "\",\"method\":\"sessions.list\",\"params\":{\"limit\":"
            + limit
            + (include ? ",\"includeDerivedTitles\":true,\"includeLastMessage\":true" : "")
            + "}}";
  }

  @Override
  public String method() {
    return "sessions.list";
  }

  @Override
  public String label() {
    return "sessions.list limit " + limit + (include ? " with titles and last messages" : "");
  }

  @Override
  public String request(int connection, long id) {
    return "{\"type\":\"req\",\"id\":\"" + id + suffix;
  }

  @Override
  public Optional<String> check(JsonNode payload) {
    int total = payload.path("total").asInt(-1);
    JsonNode sessions = payload.path("sessions");
    if (total < 0 || sessions.size() != Math.min(limit, total)) {
      return Optional.of("sessions.list: " + sessions.size() + " rows of " + total);
    }
    if (sessions.isEmpty()) {
      return Optional.empty();
    }
    JsonNode first = sessions.get(0);
    boolean extras = first.has("derivedTitle") && first.has("lastMessagePreview");
    if (extras != include) {
      return Optional.of(
          "sessions.list: titles and previews " + (include ? "missing" : "present unasked"));
    }
    return Optional.empty();
  }
}
