package dev.clawgate.mcp.tools;

import java.util.Locale;

/** The two kinds of approval a tool can resolve. */
public enum ApprovalKind {
  EXEC,
  PLUGIN;

  /** {@code exec} or {@code plugin}, as tools and events spell it. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
