package dev.clawgate.mcp.tools;

/**
 * A gateway call that failed: refused by the gateway (its message verbatim, such as {@code unknown
 * or expired approval id}), or not made (not connected, timed out). The message is what the tool's
 * caller reads; it never contains a secret.
 */
public final class PortException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PortException(String message) {
    super(message, null, false, false);
  }
}
