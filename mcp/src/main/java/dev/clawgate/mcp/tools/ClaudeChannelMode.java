package dev.clawgate.mcp.tools;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether the server speaks Claude Code's channel protocol ({@code notifications/claude/channel}
 * and the permission relay). {@code auto} behaves as {@code on}: the protocol has no way to ask the
 * client whether it listens, and clients that do not simply ignore the notifications.
 */
public enum ClaudeChannelMode {
  AUTO,
  ON,
  OFF;

  /** Whether channel notifications are sent and the capabilities advertised. */
  public boolean enabled() {
    return this != OFF;
  }

  /** Parses {@code auto|on|off}, trimmed and in any case. */
  public static Optional<ClaudeChannelMode> parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> Optional.of(AUTO);
      case "on" -> Optional.of(ON);
      case "off" -> Optional.of(OFF);
      default -> Optional.empty();
    };
  }
}
