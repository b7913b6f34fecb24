package dev.clawgate.mcp.tools;

import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolFailure;
import dev.clawgate.mcp.server.ToolResult;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A started bridge over a {@link FakePort}, with recording notifier and diagnostics and a clock
 * tests move. {@link #call} runs a tool as the session would, turning a {@link ToolFailure} into an
 * {@code isError} result.
 */
final class Harness implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(7);

  final FakePort port = new FakePort();
  final Recorders.RecordingNotifier notifier = new Recorders.RecordingNotifier();
  final Recorders.RecordingDiagnostics diagnostics = new Recorders.RecordingDiagnostics();
  final MutableClock clock = new MutableClock(GatewayJson.NOW);
  final ChannelBridge bridge;

  Harness() {
    this(ClaudeChannelMode.AUTO);
  }

  Harness(ClaudeChannelMode mode) {
    bridge = new ChannelBridge(port, mode, notifier, diagnostics, clock, READY_TIMEOUT);
    bridge.start();
  }

  Tool tool(String name) {
    return bridge.tools().stream()
        .filter(t -> t.spec().name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no tool " + name));
  }

  ToolResult call(String name, String argumentsJson) throws InterruptedException {
    try {
      return tool(name).call((ObjectNode) FakePort.parse(argumentsJson));
    } catch (ToolFailure e) {
      return ToolResult.error(String.valueOf(e.getMessage()));
    }
  }

  /** The structured content of a successful call. */
  ObjectNode structured(String name, String argumentsJson) throws InterruptedException {
    ToolResult result = call(name, argumentsJson);
    if (result.isError()) {
      throw new AssertionError(name + " failed: " + text(result));
    }
    return result.structuredContent().orElseThrow();
  }

  static String text(ToolResult result) {
    return result.content().get(0).get("text").asString();
  }

  void emit(String event, JsonNode payload) {
    port.emit(event, payload);
  }

  @Override
  public void close() {
    bridge.close();
  }
}
