package dev.clawgate.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one unchecked exception of clawgate. It carries everything the wire error needs, so any layer
 * can throw it and the gateway turns it into an {@link ErrorShape} without translating causes.
 *
 * <p>The message is written for the user who reads it: it says what happened and what to do next,
 * and never contains a secret.
 */
public class ClawgateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final DetailCode detail;
  private final Map<String, Object> details;
  private final boolean retryable;
  private final @Nullable Long retryAfterMs;

  /** For subclasses that carry more (such as an error received from a peer). */
  protected ClawgateException(
      ErrorCode code,
      DetailCode detail,
      String message,
      Map<String, Object> details,
      boolean retryable,
      @Nullable Long retryAfterMs,
      @Nullable Throwable cause) {
    super(message, cause);
    this.code = code;
    this.detail = detail;
    this.details = Map.copyOf(details);
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }

  /** Starts an exception of the given class and cause. */
  public static Builder of(ErrorCode code, DetailCode detail, String message) {
    return new Builder(code, detail, message);
  }

  /** A request that does not satisfy its schema; {@code field} names the offending path. */
  public static ClawgateException invalidParams(String field, String problem) {
    return of(ErrorCode.INVALID_REQUEST, DetailCode.INVALID_PARAMS, field + ": " + problem)
        .detail("field", field)
        .build();
  }

  public ErrorCode code() {
    return code;
  }

  public DetailCode detail() {
    return detail;
  }

  /** Extra machine-readable facts, without {@code code} (that is {@link #detail()}). */
  public Map<String, Object> details() {
    return details;
  }

  public boolean retryable() {
    return retryable;
  }

  public Optional<Long> retryAfterMs() {
    return Optional.ofNullable(retryAfterMs);
  }

  /** The wire form of this error. */
  public ErrorShape toErrorShape() {
    ObjectNode node = Json.mapper().createObjectNode();
    node.setAll(Json.mapper().<ObjectNode>valueToTree(details));
    // The precise cause always wins over a detail that happens to be named "code".
    node.put("code", detail.name());
    return new ErrorShape(
        code.name(),
        getMessage(),
        Optional.of(node),
        retryable ? Optional.of(true) : Optional.empty(),
        Optional.ofNullable(retryAfterMs));
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    return message == null ? detail.name() : message;
  }

  /** Builds a {@link ClawgateException}; details keep insertion order. */
  public static final class Builder {
    private final ErrorCode code;
    private final DetailCode detail;
    private final String message;
    private final Map<String, Object> details = new LinkedHashMap<>();
    private boolean retryable;
    private @Nullable Long retryAfterMs;
    private @Nullable Throwable cause;

    private Builder(ErrorCode code, DetailCode detail, String message) {
      this.code = code;
      this.detail = detail;
      this.message = message;
    }

    /** Adds a detail; {@code value} must be a JSON-mappable value (string, number, list, map). */
    public Builder detail(String key, Object value) {
      details.put(key, value);
      return this;
    }

    public Builder retryable(boolean retryable) {
      this.retryable = retryable;
      return this;
    }

    public Builder retryAfterMs(long retryAfterMs) {
      this.retryAfterMs = retryAfterMs;
      this.retryable = true;
      return this;
    }

    public Builder cause(Throwable cause) {
      this.cause = cause;
      return this;
    }

    public ClawgateException build() {
      return new ClawgateException(code, detail, message, details, retryable, retryAfterMs, cause);
    }
  }
}
