package dev.clawgate.protocol;

import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code {"type":"event","event","payload?","seq?","stateVersion?"}}.
 *
 * @param event the event name
 * @param payload the event body
 * @param seq the per-connection sequence number, when the sender numbers events
 * @param stateVersion the sender's state version, when it reports one
 */
public record EventFrame(
    String event, Optional<JsonNode> payload, Optional<Long> seq, Optional<JsonNode> stateVersion)
    implements Frame {

  public EventFrame {
    Objects.requireNonNull(event, "null event");
    Objects.requireNonNull(payload, "null payload");
    Objects.requireNonNull(seq, "null seq");
    Objects.requireNonNull(stateVersion, "null stateVersion");
  }

  /** An event with a payload and a sequence number. */
  public static EventFrame of(String event, JsonNode payload, long seq) {
    return new EventFrame(event, Optional.of(payload), Optional.of(seq), Optional.empty());
  }
}
