package dev.clawgate.mcp.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running {@code tools/call}s of one session, by request id, each on its own virtual thread.
 *
 * <p>A call is answered at most once and never after it was cancelled: its state moves once from
 * running to either cancelled (by {@link #cancel} or {@link #cancelAll}, which then interrupt it)
 * or replying (by its own thread, which then writes the answer). A cancel that loses that race does
 * nothing, because the answer is already on its way.
 */
final class ToolCalls {
  private static final int RUNNING = 0;
  private static final int CANCELLED = 1;
  private static final int REPLYING = 2;

  private final Diagnostics diagnostics;
  private final ConcurrentHashMap<String, Call> running = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;

  ToolCalls(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /**
   * Starts a call whose answer goes to {@code replies}; after {@link #cancelAll} the call is
   * dropped unanswered.
   *
   * @return false, starting nothing, when a call with the same id is still running
   */
  boolean start(JsonNode id, Tool tool, ObjectNode arguments, Outbound replies) {
    Call call = new Call(id, tool, arguments, replies);
    if (running.putIfAbsent(call.key, call) != null) {
      return false;
    }
    if (closed) { // cancelAll may have swept the map before this call was in it
      running.remove(call.key, call);
      return true;
    }
    inFlight.incrementAndGet();
    call.thread.start();
    return true;
  }

  /** Cancels the running call with this request id; false when there is none. */
  boolean cancel(JsonNode requestId) {
    if (!requestId.isString() && !requestId.isIntegralNumber()) {
      return false;
    }
    Call call = running.get(key(requestId));
    return call != null && call.cancel();
  }

  /** Cancels every running call and every call started from now on. */
  void cancelAll() {
    closed = true;
    for (Call call : running.values()) {
      call.cancel();
    }
  }

  /** Calls started and not yet finished (answered, cancelled, or failed to write). */
  int inFlight() {
    return inFlight.get();
  }

  /** Writes {@code e}'s stack trace as a verbose diagnostic, if those are shown. */
  static void traceIfVerbose(Diagnostics diagnostics, Throwable e) {
    if (diagnostics.isVerbose()) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      diagnostics.verbose(trace.toString());
    }
  }

  /** Request ids as map keys: the string "7" and the number 7 are different ids. */
  private static String key(JsonNode id) {
    return id.isString() ? "s" + id.stringValue() : "n" + id.bigIntegerValue();
  }

  private final class Call {
    final String key;
    final Thread thread;
    private final JsonNode id;
    private final Tool tool;
    private final ObjectNode arguments;
    private final Outbound replies;
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    Call(JsonNode id, Tool tool, ObjectNode arguments, Outbound replies) {
      this.key = key(id);
      this.id = id;
      this.tool = tool;
      this.arguments = arguments;
      this.replies = replies;
      this.thread = Thread.ofVirtual().name("mcp-tool-" + tool.spec().name()).unstarted(this::run);
    }

    boolean cancel() {
      if (!state.compareAndSet(RUNNING, CANCELLED)) {
        return false;
      }
      running.remove(key, this);
      thread.interrupt();
      return true;
    }

    private void run() {
      try {
        if (state.get() != RUNNING) {
          return; // cancelled before it started
        }
        ObjectNode result = outcome();
        if (state.compareAndSet(RUNNING, REPLYING)) {
          running.remove(key, this);
          Thread.interrupted(); // a tool may leave its own interrupt set; the write must not see it
          replies.write(JsonRpc.result(id, result));
        }
      } catch (IOException e) {
        diagnostics.verbose("MCP: could not send the answer of " + tool.spec().name() + ": " + e);
      } finally {
        running.remove(key, this);
        inFlight.decrementAndGet();
      }
    }

    private ObjectNode outcome() {
      try {
        return tool.call(arguments).toJson();
      } catch (InterruptedException e) {
        // Answered only when nobody cancelled the call: the tool interrupted itself.
        return ToolResult.error("tool call interrupted").toJson();
      } catch (ToolFailure e) {
        return ToolResult.error(Objects.requireNonNullElse(e.getMessage(), "failed")).toJson();
      } catch (RuntimeException | Error e) {
        String type = e.getClass().getSimpleName();
        diagnostics.line("MCP: tool " + tool.spec().name() + " failed: " + type);
        traceIfVerbose(diagnostics, e);
        return ToolResult.error("internal error: " + type).toJson();
      }
    }
  }
}
