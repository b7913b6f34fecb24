package dev.clawgate.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --state-dir} for the commands that manage this machine's gateway. */
final class StateDirOption {
  @Option(
      names = "--state-dir",
      paramLabel = "<dir>",
      description = "State directory (default: $CLAWGATE_STATE_DIR or ~/.clawgate).")
  @Nullable Path dir;
}
