package dev.clawgate.gateway;

import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.ResponseFrame;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** The id to answer a frame with, even when the frame could not be parsed. */
final class FrameIds {
  private FrameIds() {}

  /** The {@code id} of a frame that failed strict parsing, when one can be read; else "". */
  static String bestEffortId(String text) {
    try {
      JsonNode root = Json.mapper().readTree(text);
      JsonNode id = root == null ? null : root.get("id");
      if (id != null && id.isString() && id.stringValue().length() <= Frames.MAX_ID_LENGTH) {
        return id.stringValue();
      }
    } catch (JacksonException e) {
      // Not JSON at all: there is no id to echo.
    }
    return "";
  }

  /** The id of a parsed frame; events have none. */
  static String idOf(Frame frame) {
    return switch (frame) {
      case RequestFrame request -> request.id();
      case ResponseFrame response -> response.id();
      case EventFrame event -> "";
    };
  }
}
