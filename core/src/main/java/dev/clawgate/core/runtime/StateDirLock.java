package dev.clawgate.core.runtime;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The exclusive lock on a state dir ({@code <state dir>/gateway.lock}). A running gateway holds it
 * for its whole life; an owner command that finds no gateway answering holds it for the one
 * transaction it applies directly. So the two never act on the same state dir at once: a gateway
 * starting while an offline change is being written waits for it, and an owner command that cannot
 * take the lock knows a gateway is there (perhaps still starting) and talks to it instead.
 *
 * <p>The lock is an OS file lock: it goes away with the process that held it, even on {@code kill
 * -9}, so a crash never leaves a state dir locked. The file's text names the holder ("gateway
 * 4242"), for messages only; the lock itself is the truth.
 *
 * <p>On Linux and other POSIX systems these locks belong to the process, and closing <em>any</em>
 * descriptor of the lock file releases them (see {@link FileLock}), so while this process holds the
 * lock it must never open and close that file again: a second attempt from this process, or a look
 * at the holder's words, would silently free the state dir for every other process. Hence every
 * open of a lock file goes through {@link #HELD}, under its monitor.
 */
public final class StateDirLock implements AutoCloseable {
  /** The lock file's name inside the state dir. */
  public static final String FILE_NAME = "gateway.lock";

  private static final Duration POLL = Duration.ofMillis(50);

  /** The locks this process holds, by the lock file's real path. Guards every open of one. */
  private static final Map<Path, StateDirLock> HELD = new HashMap<>();

  /** Who holds a state dir. */
  public enum Holder {
    /** A running gateway. */
    GATEWAY,
    /** An owner command applying a change directly. */
    OWNER_COMMAND;

    String word() {
      return this == GATEWAY ? "gateway" : "owner-command";
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final String description;

  private StateDirLock(Path file, FileChannel channel, FileLock lock, Holder holder) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.description = holder.word() + " " + ProcessHandle.current().pid();
  }

  /**
   * Takes the lock if nobody holds it.
   *
   * @return the held lock, or empty when another process (or another part of this one) holds it
   * @throws ClawgateException {@code STORE_UNAVAILABLE} when the state dir cannot be created or the
   *     lock file cannot be opened
   */
  public static Optional<StateDirLock> tryAcquire(Path stateDir, Holder holder) {
    synchronized (HELD) {
      Path file = lockFile(stateDir);
      if (HELD.containsKey(file)) {
        return Optional.empty(); // held by this very process (a gateway and a command in one JVM)
      }
      FileChannel channel = open(stateDir, file);
      try {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // locked in this process by other means than this class
        }
        if (lock == null) {
          channel.close();
          return Optional.empty();
        }
        StateDirLock held = new StateDirLock(file, channel, lock, holder);
        held.describe();
        HELD.put(file, held);
        return Optional.of(held);
      } catch (IOException e) {
        closeQuietly(channel);
        throw unavailable(stateDir, e);
      }
    }
  }

  /**
   * Takes the lock, waiting up to {@code patience} for a short-lived holder (an owner command) to
   * finish. Gives up at once when the holder is a gateway that is still running: waiting would not
   * help.
   *
   * @throws ClawgateException {@code STORE_UNAVAILABLE} with {@code details.reason:
   *     "state-dir-in-use"} when the lock stays held
   */
  public static StateDirLock acquire(Path stateDir, Holder holder, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Optional<StateDirLock> lock = tryAcquire(stateDir, holder);
      if (lock.isPresent()) {
        return lock.get();
      }
      Optional<GatewayRuntime> running =
          GatewayRuntime.read(stateDir).filter(GatewayRuntime::alive);
      if (running.isPresent() || System.nanoTime() - deadline > 0) {
        throw inUse(stateDir, running, holderText(stateDir));
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw inUse(stateDir, running, holderText(stateDir));
      }
    }
  }

  /** The holder's own words from the lock file ("gateway 4242"), if any; for messages only. */
  public static Optional<String> holderText(Path stateDir) {
    synchronized (HELD) {
      try {
        if (!Files.isDirectory(stateDir)) {
          return Optional.empty();
        }
        Path file = stateDir.toRealPath().resolve(FILE_NAME);
        StateDirLock mine = HELD.get(file);
        if (mine != null) {
          return Optional.of(mine.description); // reading the file would release the lock
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }

  /** Releases the lock. Idempotent. */
  @Override
  public void close() {
    synchronized (HELD) {
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } catch (IOException e) {
        // Closing the channel below releases it too.
      } finally {
        closeQuietly(channel);
        HELD.remove(file, this);
      }
    }
  }

  private void describe() throws IOException {
    byte[] text = (description + "\n").getBytes(StandardCharsets.UTF_8);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(text), 0);
  }

  /** The lock file's real path (one key however the state dir is spelled); creates the dir. */
  private static Path lockFile(Path stateDir) {
    try {
      if (!Files.isDirectory(stateDir)) {
        createPrivateDirectory(stateDir);
      }
      return stateDir.toRealPath().resolve(FILE_NAME);
    } catch (IOException e) {
      throw unavailable(stateDir, e);
    }
  }

  private static FileChannel open(Path stateDir, Path file) {
    try {
      Set<StandardOpenOption> options =
          EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        return FileChannel.open(
            file,
            options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        return FileChannel.open(file, options);
      }
    } catch (IOException e) {
      throw unavailable(stateDir, e);
    }
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }

  private static ClawgateException unavailable(Path stateDir, IOException e) {
    return ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.STORE_UNAVAILABLE,
            "cannot lock the state dir " + stateDir + ": " + e.getMessage())
        .cause(e)
        .build();
  }

  private static ClawgateException inUse(
      Path stateDir, Optional<GatewayRuntime> running, Optional<String> holder) {
    String who =
        running
            .map(r -> "a gateway (pid " + r.pid() + ", " + r.url() + ")")
            .orElseGet(() ->
                holder
                    .map(h -> "another clawgate process (" + h + ")")
                    .orElse("another clawgate process"));
    String next =
        running.isPresent()
            ? "stop it with `clawgate gateway stop`, or use another --state-dir"
            : "try again";
    return ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.STORE_UNAVAILABLE,
            who + " is using the state dir " + stateDir + "; " + next)
        .detail("reason", "state-dir-in-use")
        .build();
  }
}
