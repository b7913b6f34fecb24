package dev.clawgate.cli;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code clawgate} command. */
@Command(
    name = "clawgate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A self-hosted agent gateway (OpenClaw gateway protocol 3 and 4).",
    footer = {
      "",
      "Examples:",
      "  clawgate gateway run                  # start it (prints its token)",
      "  clawgate devices list                 # pending requests, paired devices",
      "  clawgate devices approve <requestId>  # approve one",
      "  clawgate tokens list                  # bearer tokens for /mcp, /metrics",
      "  clawgate approvals list               # commands waiting for a yes",
      "  clawgate sessions list                # conversations, latest first",
      "  clawgate channels status              # channel accounts, their state",
      "  clawgate mcp serve                    # MCP server over stdio, for MCP clients",
      "  clawgate doctor                       # check the setup, with fixes",
      "  source <(clawgate completion bash)    # tab completion",
      "",
      "Exit codes: 0 ok, 1 failed, 2 usage or configuration, 3 gateway not reachable,"
          + " 4 needs the owner's approval.",
      "Colour only on a terminal, never with NO_COLOR set. Run `clawgate <command> --help`"
          + " for each command's options and examples.",
    },
    subcommands = {
      GatewayCommand.class,
      HealthCommand.class,
      DevicesCommand.class,
      TokensCommand.class,
      ApprovalsCommand.class,
      SessionsCommand.class,
      MessageCommand.class,
      ChannelsCommand.class,
      McpCommand.class,
      DoctorCommand.class,
      CompletionCommand.class,
      AotTrainCommand.Internal.class
    })
public final class Main {
  /** Exit code: success. */
  static final int OK = 0;

  /** Exit code: the command failed. */
  static final int FAILED = 1;

  /** Exit code: bad usage or configuration. */
  static final int USAGE = 2;

  /** Exit code: the gateway could not be reached. */
  static final int UNREACHABLE = 3;

  /** Exit code: the device needs the owner's approval. */
  static final int NEEDS_APPROVAL = 4;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (used by tests and {@link #main}). */
  static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command tree, ready to parse or execute. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::handle);
    return cli;
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean verbose = parsed.hasMatchedOption("--verbose");
    if (e instanceof ClawgateException ce) {
      err.println("clawgate: " + ce.getMessage());
      if (verbose && ce.getCause() != null) {
        ce.getCause().printStackTrace(err);
      }
      err.flush();
      return exitCode(ce);
    }
    err.println("clawgate: internal error: " + e);
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println("(run again with --verbose for details)");
    }
    err.flush();
    return FAILED;
  }

  static int exitCode(ClawgateException e) {
    if (e.detail() == DetailCode.INVALID_CONFIG || e.detail() == DetailCode.INVALID_PARAMS) {
      return USAGE;
    }
    if (e.code() == ErrorCode.NOT_PAIRED) {
      return NEEDS_APPROVAL;
    }
    if (OwnerErrors.unreachable(e)) {
      return UNREACHABLE;
    }
    return FAILED;
  }

  /** clawgate's version, from the jar manifest ({@code dev} when run from classes). */
  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "clawgate " + version(), "gateway protocol 3 and 4; Java " + Runtime.version()
      };
    }
  }
}
