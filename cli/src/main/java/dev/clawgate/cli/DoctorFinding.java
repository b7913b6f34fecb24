package dev.clawgate.cli;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code clawgate doctor}: what one check found and, unless all is well, the fix.
 *
 * <p>Invariant: a finding that is {@link Status#OK} has no fix and every other finding has one, so
 * no problem is ever reported without the next step. Nothing here may hold a secret value.
 *
 * @param check the check's stable name ({@code config}, {@code state-dir}, {@code token}, ...)
 * @param status how it went
 * @param message what was found, one sentence
 * @param fix what to do, a concrete command where there is one
 */
record DoctorFinding(String check, Status status, String message, Optional<String> fix) {

  /** How a check went; the JSON and the text output show {@link #word()}. */
  enum Status {
    /** Nothing to do. */
    OK,
    /** Works, but should be fixed; does not fail the run. */
    WARN,
    /** Broken; the run exits 1. */
    FAIL;

    /** {@code ok}, {@code warn} or {@code fail}. */
    String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The more serious of the two. */
    Status worst(Status other) {
      return compareTo(other) >= 0 ? this : other;
    }
  }

  DoctorFinding {
    Objects.requireNonNull(check, "null check");
    Objects.requireNonNull(status, "null status");
    Objects.requireNonNull(message, "null message");
    Objects.requireNonNull(fix, "null fix");
    if ((status == Status.OK) != fix.isEmpty()) {
      throw new IllegalArgumentException(
          check + ": a finding has a fix exactly when it is not ok (" + status + ")");
    }
  }

  static DoctorFinding ok(String check, String message) {
    return new DoctorFinding(check, Status.OK, message, Optional.empty());
  }

  static DoctorFinding warn(String check, String message, String fix) {
    return new DoctorFinding(check, Status.WARN, message, Optional.of(fix));
  }

  static DoctorFinding fail(String check, String message, String fix) {
    return new DoctorFinding(check, Status.FAIL, message, Optional.of(fix));
  }

  /** A problem of the given severity (warn or fail). */
  static DoctorFinding problem(Status status, String check, String message, String fix) {
    if (status == Status.OK) {
      throw new IllegalArgumentException(check + ": a problem cannot be ok");
    }
    return new DoctorFinding(check, status, message, Optional.of(fix));
  }
}
