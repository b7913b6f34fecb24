package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The wire form of an exception carries its precise cause in {@code details.code}. */
class ClawgateExceptionTest {

  @Test
  void errorShapePutsTheDetailCodeInDetailsCode() {
    ClawgateException e =
        ClawgateException.of(ErrorCode.NOT_PAIRED, DetailCode.PAIRING_REQUIRED, "pairing required")
            .detail("requestId", "req-1")
            .detail("requested", List.of("operator.read"))
            .build();

    ErrorShape shape = e.toErrorShape();

    assertThat(shape.code()).isEqualTo("NOT_PAIRED");
    assertThat(shape.message()).isEqualTo("pairing required");
    assertThat(shape.detailCode()).contains("PAIRING_REQUIRED");
    ObjectNode details = shape.details().orElseThrow();
    assertThat(details.get("requestId").stringValue()).isEqualTo("req-1");
    assertThat(details.get("requested").get(0).stringValue()).isEqualTo("operator.read");
    assertThat(shape.retryable()).isEmpty();
    assertThat(shape.retryAfterMs()).isEmpty();
  }

  @Test
  void errorShapeKeepsRetryAfterAndMarksTheErrorRetryable() {
    ClawgateException e =
        ClawgateException.of(
                ErrorCode.UNAVAILABLE, DetailCode.AUTH_RATE_LIMITED, "too many failed attempts")
            .retryAfterMs(30_000)
            .build();

    ErrorShape shape = e.toErrorShape();

    assertThat(e.retryAfterMs()).contains(30_000L);
    assertThat(e.retryable()).isTrue();
    assertThat(shape.retryAfterMs()).contains(30_000L);
    assertThat(shape.retryable()).contains(true);
    assertThat(shape.detailCode()).contains("AUTH_RATE_LIMITED");
  }

  @Test
  void invalidParamsNamesTheFieldInMessageAndDetails() {
    ClawgateException e = ClawgateException.invalidParams("params.client.id", "required");

    ErrorShape shape = e.toErrorShape();

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.getMessage()).isEqualTo("params.client.id: required");
    assertThat(shape.detailCode()).contains("INVALID_PARAMS");
    assertThat(shape.details().orElseThrow().get("field").stringValue())
        .isEqualTo("params.client.id");
  }

  @Test
  void detailsAreImmutableCopies() {
    ClawgateException.Builder builder =
        ClawgateException.of(ErrorCode.CONFLICT, DetailCode.PAIRING_REQUEST_REVISION_CONFLICT, "x")
            .detail("revision", 2);
    ClawgateException first = builder.build();
    builder.detail("added", "operator.write");

    assertThat(first.details()).containsOnlyKeys("revision");
  }

  @Test
  void causeIsKeptButNeverReachesTheWire() {
    IllegalStateException cause = new IllegalStateException("database is locked at Foo.java:12");
    ClawgateException e =
        ClawgateException.of(ErrorCode.UNAVAILABLE, DetailCode.STORE_UNAVAILABLE, "store busy")
            .cause(cause)
            .build();

    ErrorShape shape = e.toErrorShape();

    assertThat(e).hasCause(cause);
    assertThat(shape.message()).isEqualTo("store busy");
    assertThat(shape.details().orElseThrow().toString()).doesNotContain("Foo.java");
  }
}
