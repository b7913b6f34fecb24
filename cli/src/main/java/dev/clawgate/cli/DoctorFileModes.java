package dev.clawgate.cli;

import dev.clawgate.cli.DoctorFinding.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who owns the state dir and the files in it, and who else may read or write them. The gateway
 * creates the dir 0700 and the database 0600 (its -wal and -shm files inherit that mode), so
 * anything wider was done by hand or by a copy, and these checks say how to put it back.
 *
 * <p>Group or other write access fails (someone else could replace the state); read access only
 * warns for the dir and the database (they hold device keys and token hashes, not the shared
 * secret). The config file is judged by {@link DoctorConfigCheck}, which knows whether it holds a
 * secret.
 */
final class DoctorFileModes {
  private static final Set<PosixFilePermission> OWNER_ALL =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  static final Set<PosixFilePermission> GROUP_OR_OTHER_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  static final Set<PosixFilePermission> GROUP_OR_OTHER_ANY =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private DoctorFileModes() {}

  /** {@code state-dir}: exists (or not yet), is a directory, is the user's, and is 0700. */
  static DoctorFinding stateDir(Path dir) {
    String check = "state-dir";
    if (!Files.exists(dir)) {
      return DoctorFinding.ok(
          check, dir + " does not exist yet (the gateway creates it, mode 0700, on its first run)");
    }
    if (!Files.isDirectory(dir)) {
      return DoctorFinding.fail(
          check,
          dir + " is not a directory",
          "move it aside (mv " + dir + " " + dir + ".old) or pass --state-dir <dir>");
    }
    Optional<Set<PosixFilePermission>> mode = permissions(dir);
    if (mode.isEmpty()) {
      return DoctorFinding.ok(check, dir + " exists (modes not checked: not a POSIX file system)");
    }
    Problems problems = new Problems();
    foreignOwner(dir)
        .ifPresent(owner ->
            problems.add(
                Status.FAIL,
                "owned by " + owner + ", not " + currentUser(),
                "sudo chown -R " + currentUser() + " " + dir));
    Set<PosixFilePermission> bits = mode.get();
    String fix = "chmod 700 " + dir;
    if (!bits.containsAll(OWNER_ALL)) {
      problems.add(Status.FAIL, "mode " + octal(bits) + " (the gateway cannot use it)", fix);
    } else if (intersects(bits, GROUP_OR_OTHER_WRITE)) {
      problems.add(
          Status.FAIL, "mode " + octal(bits) + " (group or others can replace files in it)", fix);
    } else if (intersects(bits, GROUP_OR_OTHER_ANY)) {
      problems.add(Status.WARN, "mode " + octal(bits) + " (open to group or others)", fix);
    }
    return problems.isEmpty()
        ? DoctorFinding.ok(check, dir + " is yours and mode 0700")
        : problems.finding(check, dir.toString());
  }

  /**
   * {@code state-files}: the database and its -wal and -shm files are the user's and 0600; empty
   * when none of them exists yet.
   */
  static Optional<DoctorFinding> stateFiles(Path database) {
    String check = "state-files";
    List<Path> files = new ArrayList<>();
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path file = database.resolveSibling(database.getFileName() + suffix);
      if (Files.isRegularFile(file)) {
        files.add(file);
      }
    }
    if (files.isEmpty()) {
      return Optional.empty();
    }
    String names = names(files);
    if (permissions(files.getFirst()).isEmpty()) {
      return Optional.of(
          DoctorFinding.ok(check, names + " (modes not checked: not a POSIX file system)"));
    }
    List<Path> foreign = new ArrayList<>();
    List<Path> loose = new ArrayList<>();
    List<String> modes = new ArrayList<>();
    Status looseStatus = Status.OK;
    for (Path file : files) {
      if (foreignOwner(file).isPresent()) {
        foreign.add(file);
      }
      Set<PosixFilePermission> bits = permissions(file).orElse(Set.of());
      Status status = fileStatus(bits);
      if (status != Status.OK) {
        loose.add(file);
        modes.add(file.getFileName() + " is " + octal(bits));
        looseStatus = looseStatus.worst(status);
      }
    }
    Problems problems = new Problems();
    if (!foreign.isEmpty()) {
      problems.add(
          Status.FAIL,
          names(foreign) + " not owned by " + currentUser(),
          "sudo chown " + currentUser() + " " + paths(foreign));
    }
    if (!loose.isEmpty()) {
      problems.add(
          looseStatus,
          String.join(", ", modes)
              + (looseStatus == Status.WARN
                  ? " (should be 0600: group or others can read the device records)"
                  : " (should be 0600)"),
          "chmod 600 " + paths(loose));
    }
    return Optional.of(
        problems.isEmpty()
            ? DoctorFinding.ok(check, names + ": yours and mode 0600")
            : problems.finding(check, String.valueOf(database.getParent())));
  }

  /** A state file must be readable and writable by its owner and by nobody else. */
  private static Status fileStatus(Set<PosixFilePermission> bits) {
    if (!bits.containsAll(OWNER_READ_WRITE) || intersects(bits, GROUP_OR_OTHER_WRITE)) {
      return Status.FAIL;
    }
    return intersects(bits, GROUP_OR_OTHER_ANY) ? Status.WARN : Status.OK;
  }

  /** The POSIX permissions of {@code path}; empty when the file system has none. */
  static Optional<Set<PosixFilePermission>> permissions(Path path) {
    try {
      return Optional.of(Files.getPosixFilePermissions(path));
    } catch (UnsupportedOperationException | IOException e) {
      return Optional.empty();
    }
  }

  /** The owner's name, when it is not the user running doctor. */
  static Optional<String> foreignOwner(Path path) {
    String user = currentUser();
    if (user.isEmpty() || user.equals("?")) {
      return Optional.empty(); // no passwd entry: nothing to compare with
    }
    try {
      String owner = Files.getOwner(path).getName();
      return owner.equals(user) ? Optional.empty() : Optional.of(owner);
    } catch (UnsupportedOperationException | IOException e) {
      return Optional.empty();
    }
  }

  static String currentUser() {
    return System.getProperty("user.name", "");
  }

  /** {@code 0755} style. */
  static String octal(Set<PosixFilePermission> bits) {
    String rwx = PosixFilePermissions.toString(bits); // "rwxr-xr-x": bit 0400 first
    int mode = 0;
    for (int i = 0; i < rwx.length(); i++) {
      if (rwx.charAt(i) != '-') {
        mode |= 1 << (rwx.length() - 1 - i);
      }
    }
    return String.format("0%o", mode);
  }

  static boolean intersects(Set<PosixFilePermission> bits, Set<PosixFilePermission> any) {
    return bits.stream().anyMatch(any::contains);
  }

  private static String names(List<Path> files) {
    return files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", "));
  }

  private static String paths(List<Path> files) {
    return files.stream().map(Path::toString).collect(Collectors.joining(" "));
  }

  /** Several problems of one check, reported as one line with their fixes joined. */
  static final class Problems {
    private final List<String> found = new ArrayList<>();
    private final List<String> fixes = new ArrayList<>();
    private Status status = Status.OK;

    void add(Status severity, String what, String fix) {
      status = status.worst(severity);
      found.add(what);
      fixes.add(fix);
    }

    boolean isEmpty() {
      return found.isEmpty();
    }

    DoctorFinding finding(String check, String subject) {
      return DoctorFinding.problem(
          status, check, subject + ": " + String.join("; ", found), String.join(" && ", fixes));
    }
  }
}
