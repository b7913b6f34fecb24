package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class FanoutStampTest {

  /** A session.message event shaped as the gateway sends it (message first, then the row). */
  private static byte[] sessionMessage(String text) {
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("sessionKey", "agent:main:webhook:dm:peer-00001");
    payload.put("agentId", "main");
    ObjectNode message = payload.putObject("message");
    message.put("id", "m1");
    message.put("role", "user");
    message.put("content", text);
    payload.put("lastMessagePreview", text);
    return Frames.write(
            new EventFrame(
                "session.message", Optional.of(payload), Optional.of(9L), Optional.empty()))
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theStampInTheMessageTextIsFoundInTheEvent() {
    FanoutStamp stamp = new FanoutStamp(42, 123_456_789_012L);
    byte[] event = sessionMessage(stamp.text());

    assertThat(ResponseFrames.isEvent(event, "session.message")).isTrue();
    assertThat(FanoutStamp.find(event)).contains(stamp);
  }

  @Test
  void aNegativeClockReadingSurvives() {
    FanoutStamp stamp = new FanoutStamp(0, -5);
    assertThat(FanoutStamp.find(sessionMessage(stamp.text()))).contains(stamp);
  }

  @Test
  void messagesWithoutAStampHaveNone() {
    assertThat(FanoutStamp.find(sessionMessage("hello"))).isEmpty();
    assertThat(FanoutStamp.find(sessionMessage("cgbench x 1"))).isEmpty();
    assertThat(FanoutStamp.find(sessionMessage("cgbench 1"))).isEmpty();
  }
}
