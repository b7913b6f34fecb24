package dev.clawgate.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The error of a failed response: {@code {code, message, details?, retryable?, retryAfterMs?}}.
 *
 * @param code the coarse class ({@link ErrorCode} name, or another peer's code when parsed)
 * @param message human-readable text
 * @param details an object whose {@code code} is the precise cause
 * @param retryable whether the same request may succeed later
 * @param retryAfterMs how long to wait before retrying
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ErrorShape(
    String code,
    String message,
    Optional<ObjectNode> details,
    Optional<Boolean> retryable,
    Optional<Long> retryAfterMs) {

  public ErrorShape {
    Objects.requireNonNull(code, "null code");
    Objects.requireNonNull(message, "null message");
    Objects.requireNonNull(details, "null details");
    Objects.requireNonNull(retryable, "null retryable");
    Objects.requireNonNull(retryAfterMs, "null retryAfterMs");
  }

  /** The precise cause ({@code details.code}), when present. */
  public Optional<String> detailCode() {
    return details.map(d -> d.get("code")).filter(JsonNode::isString).map(JsonNode::stringValue);
  }
}
