package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File plumbing shared by {@link IdentityStore} and {@link DeviceAuthStore}: one exclusive lock per
 * identity directory, owner-only permissions set at creation, and atomic replacement.
 *
 * <p>Invariants: a file under the identity directory is only ever replaced by moving a complete,
 * fsynced temp file over it, so a lock-free reader sees the old or the new content, never a torn
 * one; every read-modify-write runs under {@link #locked}, so concurrent processes never lose each
 * other's updates; files and the directory are created with 0600/0700 (no window in which they are
 * readable by others).
 */
final class StateFiles {
  static final String LOCK_FILE = ".lock";

  private static final Logger log = LoggerFactory.getLogger(StateFiles.class);
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  /**
   * The in-process half of the lock. A {@link FileLock} belongs to the whole JVM: a second {@code
   * lock()} from another thread throws {@code OverlappingFileLockException} instead of waiting, so
   * threads queue here first. Keyed by the real path of the lock file.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private StateFiles() {}

  /**
   * Runs {@code action} holding the exclusive lock on {@code dir/.lock} (creating {@code dir} with
   * mode 0700 first). Re-entrant within one thread.
   */
  static <T> T locked(Path dir, Supplier<T> action) {
    try {
      ensureDirectory(dir);
      Path lockFile = dir.resolve(LOCK_FILE);
      ReentrantLock jvmLock =
          JVM_LOCKS.computeIfAbsent(dir.toRealPath().resolve(LOCK_FILE), k -> new ReentrantLock());
      jvmLock.lock();
      try {
        if (jvmLock.getHoldCount() > 1) {
          return action.get(); // this thread already holds the file lock
        }
        Set<OpenOption> open = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(lockFile, open, fileAttributes(dir));
            FileLock lock = channel.lock()) {
          return action.get();
        }
      } finally {
        jvmLock.unlock();
      }
    } catch (IOException e) {
      throw ioFailure("create or lock", dir.resolve(LOCK_FILE), e);
    }
  }

  /** Creates {@code dir} (and missing parents) with mode 0700, tightening an existing one. */
  static void ensureDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      if (posix(dir.getFileSystem().supportedFileAttributeViews())) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
      } else {
        Files.createDirectories(dir);
      }
    }
    if (posix(dir)) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      if (!mode.equals(DIR_MODE) && Files.isWritable(dir)) {
        try {
          Files.setPosixFilePermissions(dir, DIR_MODE);
        } catch (IOException e) {
          log.warn("could not restrict {} to mode 0700: {}", dir, e.toString());
        }
      }
    }
  }

  /**
   * Replaces {@code target} with {@code content}: written to a 0600 temp file in the same
   * directory, fsynced, then moved over the target atomically.
   */
  static void writeAtomically(Path target, byte[] content) {
    try {
      replace(target, content);
    } catch (IOException e) {
      throw ioFailure("write", target, e);
    }
  }

  private static void replace(Path target, byte[] content) throws IOException {
    Path dir = Objects.requireNonNull(target.toAbsolutePath().getParent(), "no parent directory");
    Path temp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp", fileAttributes(dir));
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Restricts an existing file to 0600 when it is readable by others (a file copied in by hand).
   */
  static void restrictFile(Path file) {
    try {
      if (posix(file) && !Files.getPosixFilePermissions(file).equals(FILE_MODE)) {
        Files.setPosixFilePermissions(file, FILE_MODE);
        log.warn("{} was readable by other users; restricted it to mode 0600", file);
      }
    } catch (IOException e) {
      log.warn("could not restrict {} to mode 0600: {}", file, e.toString());
    }
  }

  /** A failure to read or write the state dir, naming the file. */
  static ClawgateException ioFailure(String verb, Path file, IOException e) {
    return ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.STORE_UNAVAILABLE,
            "cannot " + verb + " " + file + ": " + e + " (check that the state dir is writable)")
        .detail("file", file.toString())
        .cause(e)
        .build();
  }

  private static FileAttribute<?>[] fileAttributes(Path dir) {
    return posix(dir)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix(Path path) {
    return posix(path.getFileSystem().supportedFileAttributeViews());
  }

  private static boolean posix(Set<String> views) {
    return views.contains("posix");
  }
}
