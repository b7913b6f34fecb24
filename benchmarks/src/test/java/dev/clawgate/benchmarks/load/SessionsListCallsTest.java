package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class SessionsListCallsTest {

  private static ObjectNode page(int rows, int total, boolean extras) {
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("count", rows);
    payload.put("total", total);
    ArrayNode sessions = payload.putArray("sessions");
    for (int i = 0; i < rows; i++) {
      ObjectNode row = sessions.addObject();
      row.put("key", "agent:main:webhook:dm:peer-" + i);
      if (extras) {
        row.put("derivedTitle", "t");
        row.put("lastMessagePreview", "p");
      }
    }
    return payload;
  }

  @Test
  void theRequestCarriesItsIdAndTheAskedParams() {
    JsonNode request = Json.mapper().readTree(new SessionsListCalls(50, true).request(0, 17));
    assertThat(request.get("id").stringValue()).isEqualTo("17");
    assertThat(request.get("method").stringValue()).isEqualTo("sessions.list");
    assertThat(request.at("/params/limit").asInt()).isEqualTo(50);
    assertThat(request.at("/params/includeDerivedTitles").asBoolean()).isTrue();
    assertThat(request.at("/params/includeLastMessage").asBoolean()).isTrue();
    assertThat(Json.mapper().readTree(new SessionsListCalls(50, false).request(0, 1)).get("params"))
        .hasSize(1);
  }

  @Test
  void aFullPageWithWhatWasAskedPasses() {
    assertThat(new SessionsListCalls(50, true).check(page(50, 1000, true))).isEmpty();
    assertThat(new SessionsListCalls(50, false).check(page(50, 1000, false))).isEmpty();
    assertThat(new SessionsListCalls(50, false).check(page(3, 3, false))).isEmpty();
  }

  @Test
  void aShortPageOrMissingExtrasFail() {
    assertThat(new SessionsListCalls(50, false).check(page(10, 1000, false))).isPresent();
    assertThat(new SessionsListCalls(50, true).check(page(50, 1000, false))).isPresent();
    assertThat(new SessionsListCalls(50, false).check(page(50, 1000, true))).isPresent();
  }

  @Test
  void injectRequestsSpreadOverTheSeededSessions() {
    InjectCalls calls = new InjectCalls(new SeedPlan("main"), 10);
    Set<String> keys = new HashSet<>();
    for (long id = 1; id <= 10; id++) {
      JsonNode request = Json.mapper().readTree(calls.request(0, id));
      assertThat(request.get("id").stringValue()).isEqualTo(Long.toString(id));
      keys.add(request.at("/params/sessionKey").stringValue());
    }
    assertThat(keys).hasSize(10);
  }
}
