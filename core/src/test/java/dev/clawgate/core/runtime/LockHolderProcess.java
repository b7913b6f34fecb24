package dev.clawgate.core.runtime;

import dev.clawgate.core.runtime.StateDirLock.Holder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link LockHolderMain} in its own JVM (the same java binary and class path as the tests), for
 * what only another process can show: an OS file lock seen from outside, and a holder killed with
 * {@code kill -9}.
 */
final class LockHolderProcess implements AutoCloseable {
  private final Process process;
  private final String firstLine;

  private LockHolderProcess(Process process, String firstLine) {
    this.process = process;
    this.firstLine = firstLine;
  }

  /** Starts the child and waits for its verdict ({@code busy} or {@code locked <pid>}). */
  static LockHolderProcess start(Path stateDir, Holder holder) throws IOException {
    Process process =
        new ProcessBuilder(
                List.of(
                    ProcessHandle.current().info().command().orElseThrow(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    LockHolderMain.class.getName(),
                    stateDir.toString(),
                    holder.name()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null) {
      process.destroyForcibly();
      throw new IllegalStateException("the lock holder exited without a word: " + process);
    }
    return new LockHolderProcess(process, line);
  }

  /** Whether another process could take the lock right now (it is released again at once). */
  static boolean freeForAnotherProcess(Path stateDir) throws IOException, InterruptedException {
    try (LockHolderProcess probe = start(stateDir, Holder.OWNER_COMMAND)) {
      boolean free = probe.holds();
      probe.release();
      return free;
    }
  }

  boolean holds() {
    return firstLine.startsWith("locked ");
  }

  long pid() {
    return process.pid();
  }

  /** Lets the child release the lock and exit normally. */
  void release() throws IOException, InterruptedException {
    process.getOutputStream().close();
    process.waitFor();
  }

  /** Ends the child as {@code kill -9} does: no chance to release anything itself. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
