package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.ErrorShape;
import dev.clawgate.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * An error the gateway answered, kept verbatim. {@link #error()} is the peer's {@link ErrorShape}
 * exactly as received (code string, message, details including {@code details.code}, retryable,
 * retryAfterMs), and {@link #toErrorShape()} returns it unchanged, so a bridge can pass it on.
 *
 * <p>{@link #code()} and {@link #detail()} map the peer's strings onto clawgate's enums; a code
 * clawgate does not know maps to {@link ErrorCode#INTERNAL} / {@link DetailCode#INTERNAL_ERROR},
 * with the raw strings still in {@link #rawCode()} and {@link #rawDetailCode()}. The message is the
 * gateway's own text.
 */
public final class GatewayErrorException extends ClawgateException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final ErrorShape error;

  private GatewayErrorException(String method, ErrorShape error) {
    super(
        mapCode(error.code()),
        error.detailCode().map(GatewayErrorException::mapDetail).orElse(DetailCode.INTERNAL_ERROR),
        error.message().isBlank() ? error.code() : error.message(),
        detailsWithoutCode(error),
        error.retryable().orElse(false) || error.retryAfterMs().isPresent(),
        error.retryAfterMs().orElse(null),
        null);
    this.method = method;
    this.error = error;
  }

  /** The error the gateway answered to {@code method}. */
  public static GatewayErrorException of(String method, ErrorShape error) {
    return new GatewayErrorException(
        Objects.requireNonNull(method, "null method"), Objects.requireNonNull(error, "null error"));
  }

  /** The method whose request failed ({@code connect} for a refused handshake). */
  public String method() {
    return method;
  }

  /** The error exactly as the gateway sent it. */
  public ErrorShape error() {
    return error;
  }

  /** {@code error.code} as sent, such as {@code NOT_PAIRED}. */
  public String rawCode() {
    return error.code();
  }

  /** {@code error.details.code} as sent, such as {@code PAIRING_REQUIRED}. */
  public Optional<String> rawDetailCode() {
    return error.detailCode();
  }

  /** {@code error.details}, when sent. */
  public Optional<JsonNode> rawDetails() {
    return error.details().map(JsonNode.class::cast);
  }

  @Override
  public ErrorShape toErrorShape() {
    return error;
  }

  private static ErrorCode mapCode(String code) {
    for (ErrorCode known : ErrorCode.values()) {
      if (known.name().equals(code)) {
        return known;
      }
    }
    return ErrorCode.INTERNAL;
  }

  private static DetailCode mapDetail(String code) {
    for (DetailCode known : DetailCode.values()) {
      if (known.name().equals(code)) {
        return known;
      }
    }
    return DetailCode.INTERNAL_ERROR;
  }

  private static Map<String, Object> detailsWithoutCode(ErrorShape error) {
    Map<String, Object> details = new LinkedHashMap<>();
    error
        .details()
        .ifPresent(node ->
            node.properties()
                .forEach(entry -> {
                  if (!entry.getKey().equals("code") && !entry.getValue().isNull()) {
                    Object value = Json.mapper().convertValue(entry.getValue(), Object.class);
                    if (value != null) {
                      details.put(entry.getKey(), value);
                    }
                  }
                }));
    return details;
  }
}
