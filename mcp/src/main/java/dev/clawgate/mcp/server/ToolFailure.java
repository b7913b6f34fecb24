package dev.clawgate.mcp.server;

/**
 * A tool call that failed in a way the caller should read: the session answers it as a result with
 * {@code isError: true} and this message as its only text (never a stack trace).
 */
public final class ToolFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ToolFailure(String message) {
    super(message, null, false, false);
  }
}
