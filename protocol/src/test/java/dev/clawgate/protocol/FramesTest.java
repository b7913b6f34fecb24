package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** Strict parsing of frames: every malformed input is a MALFORMED_FRAME that says what is wrong. */
class FramesTest {
  private static final String REQ = "{\"type\":\"req\",\"id\":\"1\",\"method\":\"health\"";

  static Stream<Arguments> malformedFrames() {
    return Stream.of(
        Arguments.of("not JSON", "hello", "not valid JSON"),
        Arguments.of("empty text", "", "must be a JSON object"),
        Arguments.of("JSON array", "[{\"type\":\"req\"}]", "must be a JSON object"),
        Arguments.of("JSON string", "\"req\"", "must be a JSON object"),
        Arguments.of("JSON number", "42", "must be a JSON object"),
        Arguments.of("JSON null", "null", "must be a JSON object"),
        Arguments.of("trailing object", REQ + "} {}", "data after the JSON value"),
        Arguments.of("trailing word", REQ + "} garbage", "not valid JSON"),
        Arguments.of("unclosed object", REQ, "not valid JSON"),
        Arguments.of(
            "missing type", "{\"id\":\"1\",\"method\":\"health\"}", "frame.type: required"),
        Arguments.of("empty type", "{\"type\":\"\"}", "frame.type: must not be empty"),
        Arguments.of("numeric type", "{\"type\":1}", "frame.type: must be a string"),
        Arguments.of(
            "unknown type", "{\"type\":\"request\",\"id\":\"1\"}", "frame.type must be \"req\""),
        Arguments.of("unknown req key", REQ + ",\"seq\":1}", "frame.seq: unknown field"),
        Arguments.of(
            "unknown res key",
            "{\"type\":\"res\",\"id\":\"1\",\"ok\":true,\"method\":\"x\"}",
            "frame.method: unknown field"),
        Arguments.of(
            "unknown event key",
            "{\"type\":\"event\",\"event\":\"tick\",\"id\":\"1\"}",
            "frame.id: unknown field"),
        Arguments.of(
            "unknown error key",
            "{\"type\":\"res\",\"id\":\"1\",\"ok\":false,\"error\":{\"code\":\"X\",\"stack\":\"\"}}",
            "frame.error.stack: unknown field"),
        Arguments.of(
            "duplicate id", "{\"type\":\"req\",\"id\":\"1\",\"id\":\"2\",\"method\":\"x\"}", "id"),
        Arguments.of("duplicate type", "{\"type\":\"req\",\"type\":\"res\"}", "Duplicate"),
        Arguments.of("empty id", "{\"type\":\"req\",\"id\":\"\",\"method\":\"x\"}", "frame.id"),
        Arguments.of("blank id", "{\"type\":\"req\",\"id\":\"  \",\"method\":\"x\"}", "frame.id"),
        Arguments.of("numeric id", "{\"type\":\"req\",\"id\":7,\"method\":\"x\"}", "frame.id"),
        Arguments.of("missing id", "{\"type\":\"req\",\"method\":\"x\"}", "frame.id: required"),
        Arguments.of(
            "id too long",
            "{\"type\":\"req\",\"id\":\""
                + "i".repeat(Frames.MAX_ID_LENGTH + 1)
                + "\",\"method\":\"x\"}",
            "frame.id: longer than " + Frames.MAX_ID_LENGTH),
        Arguments.of("missing method", "{\"type\":\"req\",\"id\":\"1\"}", "frame.method: required"),
        Arguments.of("method with space", method("chat send"), "frame.method: not a valid name"),
        Arguments.of("method with slash", method("chat/send"), "frame.method: not a valid name"),
        Arguments.of(
            "method with leading dot", method(".health"), "frame.method: not a valid name"),
        Arguments.of(
            "method with unicode", method("h\u00e9alth"), "frame.method: not a valid name"),
        Arguments.of(
            "method too long",
            method("m".repeat(Frames.MAX_NAME_LENGTH + 1)),
            "frame.method: longer than " + Frames.MAX_NAME_LENGTH),
        Arguments.of(
            "event with bad name",
            "{\"type\":\"event\",\"event\":\"tick tock\"}",
            "frame.event: not a valid name"),
        Arguments.of(
            "negative seq", "{\"type\":\"event\",\"event\":\"tick\",\"seq\":-1}", "frame.seq"),
        Arguments.of(
            "fractional seq", "{\"type\":\"event\",\"event\":\"tick\",\"seq\":1.5}", "frame.seq"),
        Arguments.of(
            "failed response without error",
            "{\"type\":\"res\",\"id\":\"1\",\"ok\":false}",
            "frame.error: required when ok is false"),
        Arguments.of(
            "failed response with null error",
            "{\"type\":\"res\",\"id\":\"1\",\"ok\":false,\"error\":null}",
            "frame.error: required when ok is false"),
        Arguments.of(
            "response without ok", "{\"type\":\"res\",\"id\":\"1\"}", "frame.ok: required"),
        Arguments.of(
            "response with string ok",
            "{\"type\":\"res\",\"id\":\"1\",\"ok\":\"true\"}",
            "frame.ok: must be a boolean"),
        Arguments.of(
            "error that is not an object",
            "{\"type\":\"res\",\"id\":\"1\",\"ok\":false,\"error\":\"bad\"}",
            "frame.error: must be an object"),
        Arguments.of(
            "error without code",
            "{\"type\":\"res\",\"id\":\"1\",\"ok\":false,\"error\":{\"message\":\"m\"}}",
            "frame.error.code: required"),
        Arguments.of(
            "nesting deeper than the limit",
            nestedRequest(Json.MAX_NESTING_DEPTH + 1),
            "nested deeper than " + Json.MAX_NESTING_DEPTH));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFrames")
  void malformedFrameIsRejectedWithAMessageNamingTheProblem(
      String description, String text, String expectedMessagePart) {
    ClawgateException e = catchThrowableOfType(ClawgateException.class, () -> Frames.parse(text));

    assertThat(e).as(description).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.detail()).isEqualTo(DetailCode.MALFORMED_FRAME);
    assertThat(e.getMessage()).contains(expectedMessagePart);
    assertMessageShowsNoInternals(e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFrames")
  void malformedFrameBecomesAnErrorShapeWithTheMalformedFrameCode(
      String description, String text, String expectedMessagePart) {
    ClawgateException e = catchThrowableOfType(ClawgateException.class, () -> Frames.parse(text));

    ErrorShape shape = e.toErrorShape();

    assertThat(shape.detailCode()).as(description).contains("MALFORMED_FRAME");
    assertMessageShowsNoInternals(shape.message());
  }

  @Test
  void nestingExactlyAtTheLimitIsAccepted() {
    Frame frame = Frames.parse(nestedRequest(Json.MAX_NESTING_DEPTH));

    assertThat(frame).isInstanceOf(RequestFrame.class);
  }

  @Test
  void idOfExactlyTheMaximumLengthIsAccepted() {
    String id = "i".repeat(Frames.MAX_ID_LENGTH);

    RequestFrame frame =
        (RequestFrame)
            Frames.parse("{\"type\":\"req\",\"id\":\"" + id + "\",\"method\":\"health\"}");

    assertThat(frame.id()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"health", "device.pair.list", "chat.message.get", "a", "ns:method_x-1", "9lives"})
  void validMethodNamesAreAccepted(String name) {
    RequestFrame frame = (RequestFrame) Frames.parse(method(name));

    assertThat(frame.method()).isEqualTo(name);
  }

  @Test
  void requestWithoutParamsHasNoParams() {
    RequestFrame frame = (RequestFrame) Frames.parse(REQ + "}");

    assertThat(frame).isEqualTo(new RequestFrame("1", "health", Optional.empty()));
    assertThat(Frames.write(frame))
        .isEqualTo("{\"type\":\"req\",\"id\":\"1\",\"method\":\"health\"}");
  }

  @Test
  void keysMayComeInAnyOrder() {
    Frame frame = Frames.parse("{\"method\":\"health\",\"id\":\"1\",\"type\":\"req\"}");

    assertThat(frame).isEqualTo(new RequestFrame("1", "health", Optional.empty()));
  }

  @Test
  void eventWithSeqAndStateVersionRoundTrips() {
    EventFrame event =
        (EventFrame)
            Frames.parse(
                "{\"type\":\"event\",\"event\":\"presence\",\"payload\":{\"n\":1},\"seq\":7,"
                    + "\"stateVersion\":{\"presence\":3}}");

    assertThat(event.seq()).contains(7L);
    assertThat(event.stateVersion().orElseThrow().get("presence").intValue()).isEqualTo(3);
    assertThat(Frames.parse(Frames.write(event))).isEqualTo(event);
  }

  @Test
  void eventFactoryWritesPayloadAndSeq() {
    ObjectNode payload = Json.mapper().createObjectNode().put("ts", 5);

    String text = Frames.write(EventFrame.of("tick", payload, 3));

    assertThat(text)
        .isEqualTo("{\"type\":\"event\",\"event\":\"tick\",\"payload\":{\"ts\":5},\"seq\":3}");
  }

  @Test
  void successResponseRoundTrips() {
    ResponseFrame response =
        ResponseFrame.success("abc", Json.mapper().createObjectNode().put("ok", "yes"));

    assertThat(Frames.parse(Frames.write(response))).isEqualTo(response);
  }

  @Test
  void failureResponseFromAnExceptionRoundTrips() {
    ClawgateException e =
        ClawgateException.of(ErrorCode.UNAVAILABLE, DetailCode.AUTH_RATE_LIMITED, "slow down")
            .retryAfterMs(1500)
            .detail("limit", 10)
            .build();
    ResponseFrame response = ResponseFrame.failure("9", e.toErrorShape());

    ResponseFrame reparsed = (ResponseFrame) Frames.parse(Frames.write(response));

    assertThat(reparsed).isEqualTo(response);
    assertThat(reparsed.error().orElseThrow().retryAfterMs()).contains(1500L);
    assertThat(reparsed.error().orElseThrow().detailCode()).contains("AUTH_RATE_LIMITED");
  }

  @Test
  void errorWithoutMessageRoundTrips() {
    Frame frame =
        Frames.parse("{\"type\":\"res\",\"id\":\"1\",\"ok\":false,\"error\":{\"code\":\"X\"}}");

    Frame reparsed = Frames.parse(Frames.write(frame));

    assertThat(reparsed).isEqualTo(frame);
    assertThat(((ResponseFrame) reparsed).error().orElseThrow().message()).isEmpty();
  }

  @Test
  void nullParamsArePreservedAndReadAsEmptyParams() {
    RequestFrame frame = (RequestFrame) Frames.parse(REQ + ",\"params\":null}");

    assertThat(Frames.parse(Frames.write(frame))).isEqualTo(frame);
    assertThat(Fields.params(frame.params()).node().isEmpty()).isTrue();
  }

  @Test
  void failedResponseRecordNeedsAnError() {
    Throwable thrown =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () -> new ResponseFrame("1", false, Optional.empty(), Optional.empty()));

    assertThat(thrown).hasMessageContaining("needs an error");
  }

  @Test
  void strictMapperRejectsWhatTheLenientMapperAccepts() {
    String handWritten = "{ // comment\n 'a': 1, b: [1, 2,], }";

    assertThat(Json.lenientMapper().readTree(handWritten).get("b").size()).isEqualTo(2);
    ClawgateException e =
        catchThrowableOfType(ClawgateException.class, () -> Frames.parse(handWritten));
    assertThat(e.detail()).isEqualTo(DetailCode.MALFORMED_FRAME);
  }

  private static String method(String name) {
    return "{\"type\":\"req\",\"id\":\"1\",\"method\":\"" + name + "\"}";
  }

  /** A request whose document nests exactly {@code depth} levels (the frame object is level 1). */
  private static String nestedRequest(int depth) {
    return "{\"type\":\"req\",\"id\":\"1\",\"method\":\"x\",\"params\":"
        + "[".repeat(depth - 1)
        + "]".repeat(depth - 1)
        + "}";
  }

  static void assertMessageShowsNoInternals(String message) {
    assertThat(message)
        .doesNotContain("Exception")
        .doesNotContain("tools.jackson")
        .doesNotContain("java.")
        .doesNotContain("dev.clawgate")
        .doesNotContain("`")
        .doesNotContain("[Source")
        .doesNotContain("\tat ")
        .doesNotContain("\n");
  }
}
