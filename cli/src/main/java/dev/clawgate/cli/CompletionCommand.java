package dev.clawgate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clawgate completion bash|zsh}: a completion script for every command and option. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script for clawgate's commands and options.",
    },
    footer = {
      "",
      "Examples:",
      "  source <(clawgate completion bash)     # this shell only",
      "  clawgate completion bash \\",
      "    > ~/.local/share/bash-completion/completions/clawgate",
      "  clawgate completion zsh > \"$${fpath[1]}/_clawgate\"",
      "  echo 'source <(clawgate completion zsh)' >> ~/.zshrc",
    })
final class CompletionCommand implements Callable<Integer> {
  /** The shells scripts are made for. */
  enum Shell {
    bash,
    zsh
  }

  @Spec @Nullable CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<shell>", description = "bash or zsh.")
  Shell shell = Shell.bash;

  @Override
  public Integer call() {
    CommandLine root = spec == null ? new CommandLine(Main.class) : spec.root().commandLine();
    String script = AutoComplete.bash("clawgate", root);
    PrintWriter out =
        spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    if (shell == Shell.zsh) {
      // The generated script serves zsh through its bash-completion emulation.
      out.println("#compdef clawgate");
      out.println("autoload -U +X compinit && compinit");
      out.println("autoload -U +X bashcompinit && bashcompinit");
    }
    out.print(script);
    out.flush();
    return Main.OK;
  }
}
