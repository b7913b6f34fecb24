package dev.clawgate.protocol;

import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code {"type":"res","id","ok","payload?","error?"}}. Exactly one of payload (when {@code ok})
 * and error (when not) is meaningful.
 *
 * @param id the id of the request this answers
 * @param ok whether the request succeeded
 * @param payload the result, when ok
 * @param error the error, when not ok
 */
public record ResponseFrame(
    String id, boolean ok, Optional<JsonNode> payload, Optional<ErrorShape> error)
    implements Frame {

  public ResponseFrame {
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(payload, "null payload");
    Objects.requireNonNull(error, "null error");
    if (!ok && error.isEmpty()) {
      throw new IllegalArgumentException("a failed response needs an error");
    }
  }

  /** A successful response. */
  public static ResponseFrame success(String id, JsonNode payload) {
    return new ResponseFrame(id, true, Optional.of(payload), Optional.empty());
  }

  /** A failed response. */
  public static ResponseFrame failure(String id, ErrorShape error) {
    return new ResponseFrame(id, false, Optional.empty(), Optional.of(error));
  }
}
