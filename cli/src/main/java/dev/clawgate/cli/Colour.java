package dev.clawgate.cli;

import java.io.Console;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * ANSI colour for human output, only where a person reads it: stdout is a terminal, {@code
 * NO_COLOR} is unset or empty (https://no-color.org), and {@code TERM} is not {@code dumb}. Pipes,
 * files, {@code --json} and tests therefore see plain text. Colour never carries meaning alone:
 * every coloured word reads the same without it.
 */
final class Colour {
  private static final String RESET = "\u001b[0m";
  private static volatile @Nullable Boolean enabled;

  private Colour() {}

  /** Whether this process colours its output (decided once). */
  static boolean enabled() {
    Boolean decided = enabled;
    if (decided == null) {
      Console console = System.console();
      decided = decide(System.getenv(), console != null && console.isTerminal());
      enabled = decided;
    }
    return decided;
  }

  static boolean decide(Map<String, String> env, boolean terminal) {
    String noColor = env.get("NO_COLOR");
    if (noColor != null && !noColor.isEmpty()) {
      return false;
    }
    return terminal && !"dumb".equals(env.get("TERM"));
  }

  static String bold(String text) {
    return paint("1", text);
  }

  static String green(String text) {
    return paint("32", text);
  }

  static String yellow(String text) {
    return paint("33", text);
  }

  static String red(String text) {
    return paint("31", text);
  }

  private static String paint(String code, String text) {
    return enabled() && !text.isEmpty() ? "\u001b[" + code + "m" + text + RESET : text;
  }
}
