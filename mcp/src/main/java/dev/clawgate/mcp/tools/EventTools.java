package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.ToolSchema.integer;
import static dev.clawgate.mcp.tools.ToolSchema.object;
import static dev.clawgate.mcp.tools.ToolSchema.string;

import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolResult;
import java.time.Duration;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code events_poll} and {@code events_wait} (reference §2.5, §2.6): local reads of the live queue
 * that never touch the gateway, so they answer even while it is unreachable.
 */
final class EventTools {
  static final int POLL_LIMIT_DEFAULT = 20;
  static final int POLL_LIMIT_MAX = 200;
  static final int WAIT_TIMEOUT_DEFAULT_MS = 30_000;
  static final int WAIT_TIMEOUT_MAX_MS = 300_000;

  private final EventQueue queue;

  EventTools(EventQueue queue) {
    this.queue = queue;
  }

  Tool poll() {
    return FunctionTool.of(
        "events_poll",
        "Poll queued OpenClaw conversation events since a cursor.",
        object(
            integer("after_cursor", 0), string("session_key"), integer("limit", 1, POLL_LIMIT_MAX)),
        args -> {
          EventQueue.Poll poll =
              queue.poll(
                  filter(args), Args.limit(args, "limit", POLL_LIMIT_DEFAULT, POLL_LIMIT_MAX));
          ObjectNode structured = JsonValues.object();
          ArrayNode events = structured.putArray("events");
          poll.events().forEach(e -> events.add(e.json()));
          structured.put("next_cursor", poll.nextCursor());
          poll.gap().ifPresent(gap -> structured.set("gap", gap.toJson()));
          return ToolResult.of(ResultText.count("events", events.size()), structured);
        });
  }

  Tool await() {
    return FunctionTool.of(
        "events_wait",
        "Wait for the next queued OpenClaw conversation event.",
        object(
            integer("after_cursor", 0),
            string("session_key"),
            integer("timeout_ms", 1, WAIT_TIMEOUT_MAX_MS)),
        args -> {
          Duration timeout =
              Duration.ofMillis(
                  Args.limit(args, "timeout_ms", WAIT_TIMEOUT_DEFAULT_MS, WAIT_TIMEOUT_MAX_MS));
          EventQueue.Wait wait = queue.await(filter(args), timeout);
          ObjectNode structured = JsonValues.object();
          wait.event()
              .ifPresentOrElse(
                  e -> structured.set("event", e.json()), () -> structured.putNull("event"));
          wait.gap().ifPresent(gap -> structured.set("gap", gap.toJson()));
          String text = wait.event().map(e -> "event " + e.cursor()).orElse("timeout");
          return ToolResult.of(text, structured);
        });
  }

  private static EventQueue.Filter filter(ObjectNode args) {
    return new EventQueue.Filter(Args.cursor(args, "after_cursor"), Args.text(args, "session_key"));
  }
}
