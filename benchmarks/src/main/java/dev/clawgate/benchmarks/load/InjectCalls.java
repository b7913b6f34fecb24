package dev.clawgate.benchmarks.load;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code chat.inject}: an assistant message appended to one of the seeded sessions, spread over all
 * of them (each connection starts at its own session and steps through the rest). Every call is one
 * write transaction on the gateway's store. Passes the check when the gateway reports the stored
 * message's seq.
 */
final class InjectCalls implements CallSource {
  /** A prime step: unless the session count is a multiple of it, a connection visits them all. */
  private static final int STEP = 7_919;

  private final SeedPlan plan;
  private final int sessions;

  InjectCalls(SeedPlan plan, int sessions) {
    this.plan = plan;
    this.sessions = sessions;
  }

  @Override
  public String method() {
    return "chat.inject";
  }

  @Override
  public String label() {
    return "chat.inject into " + sessions + " sessions";
  }

  @Override
  public String request(int connection, long id) {
    int session = (int) Math.floorMod(connection * 131L + id * STEP, (long) sessions);
    return "{\"type\":\"req\",\"id\":\""
        + id
        + "\",\"method\":\"chat.inject\",\"params\":{\"sessionKey\":\""
        + plan.sessionKey(session)
        + "\",\"message\":\"benchmark note "
        + connection
        + "-"
        + id
        + ": the build finished, 3 warnings, no failures\"}}";
  }

  @Override
  public Optional<String> check(JsonNode payload) {
    return payload.path("ok").asBoolean(false) && payload.path("messageSeq").asLong(0) > 0
        ? Optional.empty()
        : Optional.of("chat.inject: no messageSeq in " + payload);
  }
}
