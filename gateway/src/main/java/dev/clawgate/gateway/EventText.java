package dev.clawgate.gateway;

import dev.clawgate.protocol.Json;
import tools.jackson.databind.JsonNode;

/**
 * One broadcast event serialized once for all connections: only {@code seq} differs between them,
 * so the text is {@code prefix + seq + "}"}. Field order matches {@link
 * dev.clawgate.protocol.Frames#write}: type, event, payload, seq.
 *
 * @param event the event name
 * @param prefix the frame up to the value of {@code seq}
 * @param droppable whether a slow connection may lose it
 */
record EventText(String event, String prefix, boolean droppable) {

  static EventText of(String event, JsonNode payload) {
    String prefix =
        "{\"type\":\"event\",\"event\":"
            + Json.mapper().writeValueAsString(event)
            + ",\"payload\":"
            + Json.mapper().writeValueAsString(payload)
            + ",\"seq\":";
    return new EventText(event, prefix, GatewayEvents.isDroppable(event));
  }

  String withSeq(long seq) {
    return prefix + seq + "}";
  }
}
