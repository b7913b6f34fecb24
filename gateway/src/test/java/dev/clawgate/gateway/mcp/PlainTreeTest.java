package dev.clawgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/** Answers holding pre-serialized JSON become ordinary trees; others are left as they are. */
class PlainTreeTest {
  @Test
  void rawValuesAnywhereAreParsed() {
    ObjectNode answer = Json.mapper().createObjectNode();
    answer.put("count", 2);
    ArrayNode rows = answer.putArray("sessions");
    rows.addRawValue(new RawValue("{\"key\":\"a\",\"n\":[1,2]}"));
    rows.addRawValue(new RawValue("{\"key\":\"b\"}"));
    answer.putObject("nested").putRawValue("row", new RawValue("{\"key\":\"c\"}"));
    String wire = answer.toString();

    JsonNode plain = InProcessConversationPort.plain(answer);

    assertThat(plain.get("sessions").get(0).isObject()).isTrue();
    assertThat(plain.at("/sessions/0/n/1").asInt()).isEqualTo(2);
    assertThat(plain.at("/sessions/1/key").asString()).isEqualTo("b");
    assertThat(plain.at("/nested/row/key").asString()).isEqualTo("c");
    assertThat(plain.toString()).isEqualTo(wire);
    assertThat(plain.findValues("key")).noneMatch(v -> v instanceof POJONode);
  }

  @Test
  void aPlainAnswerIsReturnedAsItIs() {
    JsonNode answer = Json.mapper().readTree("{\"a\":[{\"b\":1}],\"c\":\"d\"}");
    JsonNode copy = answer.deepCopy();

    assertThat(InProcessConversationPort.plain(answer)).isSameAs(answer).isEqualTo(copy);
  }
}
