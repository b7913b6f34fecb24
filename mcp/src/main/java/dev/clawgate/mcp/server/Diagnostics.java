package dev.clawgate.mcp.server;

/**
 * Where a server's diagnostic lines go: stderr for {@code clawgate mcp serve} (stdout carries only
 * JSON-RPC), the log for the gateway's {@code /mcp}. Lines never contain a secret.
 */
public interface Diagnostics {

  /** A line always shown (a failure the user should know of). */
  void line(String text);

  /** A line shown only with {@code --verbose}. */
  void verbose(String text);

  /** Whether verbose lines are shown. */
  boolean isVerbose();

  /** Discards everything (tests). */
  static Diagnostics silent() {
    return new Diagnostics() {
      @Override
      public void line(String text) {}

      @Override
      public void verbose(String text) {}

      @Override
      public boolean isVerbose() {
        return false;
      }
    };
  }
}
