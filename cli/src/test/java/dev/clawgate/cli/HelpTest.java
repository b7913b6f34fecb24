package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command a user can see has {@code --help} with examples, fits an 80-column terminal, and
 * documents its exit codes or JSON where it has them; {@code --version} and completion work.
 */
class HelpTest {
  static Stream<String> commands() {
    List<String> names = new ArrayList<>();
    collect(new CommandLine(Main.class), names);
    return names.stream();
  }

  private static void collect(CommandLine command, List<String> names) {
    if (command.getCommandSpec().usageMessage().hidden()) {
      return;
    }
    names.add(command.getCommandSpec().qualifiedName(" "));
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      if (sub.getKey().equals(sub.getValue().getCommandName())) {
        collect(sub.getValue(), names);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpHasExamplesAndFitsEightyColumns(String qualified) {
    List<String> args = new ArrayList<>(List.of(qualified.split(" ")));
    args.removeFirst();
    args.add("--help");
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(Main.class);
    cli.setOut(new PrintWriter(out));
    int exit = cli.execute(args.toArray(String[]::new));

    assertThat(exit).isZero();
    String help = out.toString();
    assertThat(help).startsWith("Usage: " + qualified);
    assertThat(help).as(qualified).contains("Examples:\n");
    assertThat(help.substring(help.indexOf("Examples:\n"))).contains("clawgate ");
    assertThat(help.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    assertThat(help).doesNotContainPattern("\\$\\{[A-Z-]+}").doesNotContain("null");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void completionOffersEveryVisibleCommand(String qualified) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(Main.class);
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("completion", "bash")).isZero();
    String last = qualified.substring(qualified.lastIndexOf(' ') + 1);
    assertThat(out.toString()).contains(last);
  }
}
