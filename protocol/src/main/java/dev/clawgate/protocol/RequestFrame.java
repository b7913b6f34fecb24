package dev.clawgate.protocol;

import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code {"type":"req","id","method","params?"}}.
 *
 * @param id the caller's correlation id, echoed in the response
 * @param method the method name
 * @param params the method's parameters, when sent
 */
public record RequestFrame(String id, String method, Optional<JsonNode> params) implements Frame {
  public RequestFrame {
    Objects.requireNonNull(id, "null id");
    Objects.requireNonNull(method, "null method");
    Objects.requireNonNull(params, "null params");
  }
}
