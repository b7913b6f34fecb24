package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ResponseFrame;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ResponseFramesTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theIdAndOutcomeOfAResponseAsTheGatewayWritesItAreRead() {
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("count", 50);
    byte[] frame = bytes(Frames.write(ResponseFrame.success("12345", payload)));

    assertThat(ResponseFrames.id(frame)).isEqualTo(12345);
    assertThat(ResponseFrames.ok(frame)).isTrue();
  }

  @Test
  void aFailedResponseIsNotOk() {
    byte[] frame =
        bytes("{\"type\":\"res\",\"id\":\"7\",\"ok\":false,\"error\":{\"code\":\"FORBIDDEN\"}}");
    assertThat(ResponseFrames.id(frame)).isEqualTo(7);
    assertThat(ResponseFrames.ok(frame)).isFalse();
  }

  @Test
  void eventsAndOtherIdsAreNotNumberedResponses() {
    byte[] tick =
        bytes(
            Frames.write(
                new EventFrame(
                    "tick",
                    Optional.of(Json.mapper().createObjectNode()),
                    Optional.of(3L),
                    Optional.empty())));
    assertThat(ResponseFrames.id(tick)).isEqualTo(-1);
    assertThat(ResponseFrames.isEvent(tick, "tick")).isTrue();
    assertThat(ResponseFrames.isEvent(tick, "tic")).isFalse();
    assertThat(ResponseFrames.id(bytes("{\"type\":\"res\",\"id\":\"c1\",\"ok\":true}")))
        .isEqualTo(-1);
    assertThat(ResponseFrames.id(bytes("{\"type\":\"res\",\"id\":\"\",\"ok\":true}")))
        .isEqualTo(-1);
    assertThat(ResponseFrames.id(bytes("{\"type\":\"res\",\"id\":\"12"))).isEqualTo(-1);
    assertThat(ResponseFrames.id(bytes("{\"type\":\"res\",\"id\":\"1234567890123456789\"")))
        .isEqualTo(-1);
  }

  @Test
  void indexOfFindsTheFirstOccurrenceFromAnOffset() {
    byte[] haystack = bytes("abcabc");
    assertThat(ResponseFrames.indexOf(haystack, bytes("bc"), 0)).isEqualTo(1);
    assertThat(ResponseFrames.indexOf(haystack, bytes("bc"), 2)).isEqualTo(4);
    assertThat(ResponseFrames.indexOf(haystack, bytes("cd"), 0)).isEqualTo(-1);
  }
}
