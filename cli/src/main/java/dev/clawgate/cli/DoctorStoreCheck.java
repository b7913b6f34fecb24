package dev.clawgate.cli;

import dev.clawgate.core.store.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * {@code store}: the state database as SQLite and this clawgate see it: {@code PRAGMA
 * integrity_check}, {@code PRAGMA foreign_key_check} and the schema version, plus the counts an
 * owner wants to know (paired devices, pending requests).
 *
 * <p>The file is opened read-only with a plain connection, never through {@link StateStore} (which
 * creates and migrates): a doctor that "repairs" by writing could turn a readable file into a lost
 * one. The gateway may be running; a WAL reader does not block it.
 */
final class DoctorStoreCheck {
  private static final String CHECK = "store";

  // SQLite primary result codes (sqlite3.h); xerial reports them as SQLException.getErrorCode().
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_NOTADB = 26;

  private DoctorStoreCheck() {}

  static DoctorFinding run(Path database) {
    if (!Files.exists(database)) {
      return DoctorFinding.ok(CHECK, "no state yet (created on first gateway run)");
    }
    if (!Files.isRegularFile(database)) {
      return DoctorFinding.fail(
          CHECK,
          database + " is not a file",
          "move it aside (mv " + database + " " + database + ".old); the gateway starts empty");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5_000);
    try (Connection db = DriverManager.getConnection(url(database), config.toProperties())) {
      db.setAutoCommit(false); // one snapshot for every query below
      try {
        return inspect(database, db);
      } finally {
        db.rollback();
      }
    } catch (SQLException e) {
      return failure(database, e);
    }
  }

  /**
   * The JDBC URL for reading {@code database} without leaving a trace. A read-only connection to a
   * WAL database creates the -wal and -shm files when they are missing (and cannot remove them
   * again). They are missing only when no gateway has the database open, so the file is then read
   * as immutable: no locks, no side files. Otherwise a plain read-only connection shares them with
   * the gateway and sees its committed writes.
   */
  private static String url(Path database) {
    boolean sideFiles =
        Files.exists(database.resolveSibling(database.getFileName() + "-wal"))
            || Files.exists(database.resolveSibling(database.getFileName() + "-shm"));
    return sideFiles
        ? "jdbc:sqlite:" + database
        : "jdbc:sqlite:" + database.toAbsolutePath().toUri() + "?immutable=1";
  }

  private static DoctorFinding inspect(Path database, Connection db) throws SQLException {
    List<String> integrity = strings(db, "PRAGMA integrity_check");
    if (!integrity.equals(List.of("ok"))) {
      return DoctorFinding.fail(
          CHECK,
          database
              + " is damaged: "
              + integrity.getFirst()
              + (integrity.size() > 1 ? " (and " + (integrity.size() - 1) + " more problems)" : ""),
          salvage(database));
    }
    List<String> orphans = strings(db, "PRAGMA foreign_key_check");
    if (!orphans.isEmpty()) {
      return DoctorFinding.fail(
          CHECK,
          database
              + " has "
              + orphans.size()
              + " rows whose foreign key points nowhere (first in table "
              + orphans.getFirst()
              + ")",
          salvage(database));
    }
    int version = Integer.parseInt(strings(db, "PRAGMA user_version").getFirst());
    int known = StateStore.schemaVersion();
    if (version > known) {
      return DoctorFinding.fail(
          CHECK,
          database
              + " has schema version "
              + version
              + ", written by a newer clawgate (this one knows up to "
              + known
              + ")",
          "upgrade clawgate, or pass --state-dir <another dir>");
    }
    if (version == 0) {
      return strings(db, "SELECT name FROM sqlite_master WHERE type = 'table'").isEmpty()
          ? DoctorFinding.ok(
              CHECK, database + " is empty (the gateway creates the schema on its next run)")
          : DoctorFinding.fail(
              CHECK,
              database + " holds tables but no clawgate schema version: not a clawgate database",
              "move it aside (mv " + database + " " + database + ".other) or pass --state-dir");
    }
    String schema =
        version == known
            ? "schema version " + version
            : "schema version " + version + " (the gateway migrates it to " + known + " on start)";
    String counts;
    try {
      counts = counts(db);
    } catch (SQLException e) {
      return DoctorFinding.fail(
          CHECK,
          database + " has " + schema + " but not its tables (" + e.getMessage() + ")",
          "move it aside (mv "
              + database
              + " "
              + database
              + ".other) and restore it from a backup, or start empty (devices pair again)");
    }
    return DoctorFinding.ok(CHECK, database + ": integrity ok, " + schema + ", " + counts);
  }

  /** "2 paired devices, 1 pending pairing request (clawgate devices list)" style. */
  private static String counts(Connection db) throws SQLException {
    long paired = count(db, "SELECT COUNT(*) FROM devices");
    long pending =
        count(
            db,
            "SELECT COUNT(*) FROM pairing_requests WHERE state = 'pending' AND expires_at_ms > ?",
            System.currentTimeMillis());
    return plural(paired, "paired device")
        + ", "
        + (pending == 0
            ? "no pending pairing requests"
            : plural(pending, "pending pairing request") + " (clawgate devices list)");
  }

  private static DoctorFinding failure(Path database, SQLException e) {
    String why = String.valueOf(e.getMessage());
    return switch (e.getErrorCode() & 0xff) {
      case SQLITE_NOTADB ->
          DoctorFinding.fail(
              CHECK,
              database + " is not a SQLite database (" + why + ")",
              "stop the gateway, move it aside (mv "
                  + database
                  + " "
                  + database
                  + ".broken) and restore it from a backup, or start empty (devices pair again)");
      case SQLITE_CORRUPT ->
          DoctorFinding.fail(CHECK, database + " is damaged (" + why + ")", salvage(database));
      case SQLITE_BUSY, SQLITE_LOCKED ->
          DoctorFinding.warn(
              CHECK,
              database + " stayed locked by another process (" + why + ")",
              "run clawgate doctor again in a moment");
      default ->
          DoctorFinding.fail(
              CHECK,
              "cannot read " + database + " (" + why + ")",
              "check its owner and mode (see state-files), then run clawgate doctor again");
    };
  }

  private static String salvage(Path database) {
    return "stop the gateway and restore "
        + database
        + " from a backup, or salvage it: sqlite3 "
        + database
        + " .recover | sqlite3 "
        + database
        + ".recovered, then move that into its place";
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static List<String> strings(Connection db, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement statement = db.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        values.add(String.valueOf(rs.getString(1)));
      }
    }
    return values;
  }

  /** The single number {@code sql} returns, with {@code parameters} bound in order. */
  private static long count(Connection db, String sql, long... parameters) throws SQLException {
    try (PreparedStatement statement = db.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setLong(i + 1, parameters[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
