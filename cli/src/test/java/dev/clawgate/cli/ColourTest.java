package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Colour only on a terminal and never with {@code NO_COLOR}: the real CLI run under a pseudo
 * terminal ({@code script}), and through a pipe.
 */
class ColourTest {
  private static final String ESC = "\u001b[";

  @TempDir Path temp;

  @Test
  void theRulesOfNoColor() {
    assertThat(Colour.decide(Map.of(), true)).isTrue();
    assertThat(Colour.decide(Map.of(), false)).isFalse();
    assertThat(Colour.decide(Map.of("NO_COLOR", "1"), true)).isFalse();
    assertThat(Colour.decide(Map.of("NO_COLOR", ""), true)).isTrue();
    assertThat(Colour.decide(Map.of("TERM", "dumb"), true)).isFalse();
  }

  @Test
  void aTerminalGetsColourAPipeAndNoColorDoNot() throws Exception {
    String stateDir = temp.resolve("state").toString();

    String onTerminal = underTerminal(Map.of("TERM", "xterm"), "doctor", "--state-dir", stateDir);
    assertThat(onTerminal).contains(ESC).contains("doctor:");

    String noColor =
        underTerminal(Map.of("TERM", "xterm", "NO_COLOR", "1"), "doctor", "--state-dir", stateDir);
    assertThat(noColor).doesNotContain(ESC).contains("doctor:");

    CliProcess.Result piped =
        CliProcess.run(Map.of("TERM", "xterm"), "doctor", "--state-dir", stateDir);
    assertThat(piped.out()).doesNotContain(ESC).contains("doctor:");
  }

  /** Runs the CLI with a pseudo terminal as its stdin and stdout; returns what it printed. */
  private static String underTerminal(Map<String, String> env, String... args) throws Exception {
    List<String> java = new ArrayList<>();
    java.add(ProcessHandle.current().info().command().orElseThrow());
    java.add("--enable-native-access=ALL-UNNAMED");
    java.add("-cp");
    java.add(System.getProperty("java.class.path"));
    java.add(Main.class.getName());
    java.addAll(List.of(args));
    String command = java.stream().map(ColourTest::quote).collect(Collectors.joining(" "));
    ProcessBuilder builder = new ProcessBuilder("script", "-qec", command, "/dev/null");
    Map<String, String> environment = builder.environment();
    String path = environment.getOrDefault("PATH", "/usr/bin:/bin");
    environment.clear();
    environment.put("PATH", path);
    environment.put("HOME", System.getProperty("java.io.tmpdir"));
    environment.putAll(env);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out;
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }
}
