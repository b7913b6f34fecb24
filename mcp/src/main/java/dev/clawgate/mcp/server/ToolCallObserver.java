package dev.clawgate.mcp.server;

/**
 * Hears how each {@code tools/call} of a session ended, for metrics. Set with {@link
 * McpSession.Builder#toolCallObserver}; by default nothing listens.
 *
 * <p>Every {@code tools/call} request that names a tool (a string {@code name}) is reported exactly
 * once: a call that ran, when its tool returned or threw or when it was cancelled; a call refused
 * before it ran (unknown tool, bad arguments, a request id in use) at once, as {@link #ERROR}.
 */
@FunctionalInterface
public interface ToolCallObserver {
  /** The tool answered a result without {@code isError}. */
  String OK = "ok";

  /**
   * The call failed: the tool answered {@code isError}, threw, or the call was refused before it
   * ran.
   */
  String ERROR = "error";

  /**
   * The call was cancelled ({@code notifications/cancelled}, or the session closed) while running.
   */
  String CANCELLED = "cancelled";

  /**
   * One call ended. Runs on the tool call's thread or on the thread that handled the message that
   * ended it; must be quick and must not throw (a failure is reported to the session's diagnostics
   * and otherwise ignored).
   *
   * @param tool the tool name <em>as the client sent it</em>: for an unknown tool any string, so an
   *     implementation must not use it as an unbounded key or label
   * @param outcome {@link #OK}, {@link #ERROR} or {@link #CANCELLED}
   * @param nanos from receipt of the request to its end ({@link System#nanoTime()} difference)
   */
  void finished(String tool, String outcome, long nanos);

  /** An observer that ignores everything. */
  static ToolCallObserver none() {
    return (tool, outcome, nanos) -> {};
  }
}
