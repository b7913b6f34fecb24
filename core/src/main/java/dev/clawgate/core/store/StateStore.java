package dev.clawgate.core.store;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * The state database: one SQLite file in WAL mode with exactly one writer.
 *
 * <p>Every change runs as one {@code BEGIN IMMEDIATE} transaction (changes queued at the same time
 * share it, each in its own savepoint: group commit) on a dedicated platform thread that owns the
 * only write connection of this process, so writes are serialised without locks in Java and never
 * pin a virtual thread's carrier on JNI for long. Another process (the offline CLI) writing the
 * same file is serialised by SQLite's own file lock; {@code busy_timeout} makes either side wait
 * instead of failing. Reads run on the caller's thread against a small pool of read connections and
 * see every committed write (WAL snapshot per transaction).
 *
 * <p>Durability: {@code synchronous=NORMAL} in WAL mode; a committed transaction survives the
 * process being killed (it is in the WAL, written before commit returns). See
 * docs/decisions/0002-sqlite-state-store.md.
 */
public final class StateStore implements AutoCloseable {
  private static final int READERS = 4;
  private static final int BUSY_TIMEOUT_MS = 10_000;

  /** WAL pages (4 KB each) after which a commit checkpoints. */
  private static final int WAL_CHECKPOINT_PAGES = 10_000;

  /** How long the writer thread looks for the next write before it parks. */
  private static final long SPIN_BEFORE_PARK_NANOS =
      Long.getLong("clawgate.store.spinNanos", 100_000L);

  /** Most writes committed together. */
  private static final int MAX_BATCH = 64;

  private final Path file;
  private final Connection writer;
  private final LinkedBlockingQueue<Job<?>> writes = new LinkedBlockingQueue<>();
  private final Thread writerThread;
  private final BlockingQueue<Connection> readers;
  private final List<Connection> allReaders = new ArrayList<>();

  /** Each connection's prepared statements; a connection is used by one thread at a time. */
  private final Map<Connection, Tx.Statements> statements = new ConcurrentHashMap<>();

  private volatile boolean closed;

  private StateStore(Path file) throws SQLException {
    this.file = file;
    this.writer = connect(file, false);
    this.writerThread =
        Thread.ofPlatform().name("clawgate-store-writer").daemon().unstarted(this::writeLoop);
    this.readers = new ArrayBlockingQueue<>(READERS);
  }

  /** Opens (creating if needed) the database at {@code file} and applies pending migrations. */
  public static StateStore open(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        restrict(dir, "rwx------");
      }
      if (!Files.exists(file)) {
        // Create the file 0600 before SQLite opens it: SQLite gives the -wal and -shm files the
        // database file's mode, so they are private from their first byte too.
        createPrivate(file);
      }
      StateStore store = new StateStore(file);
      store.writerThread.start();
      try {
        store.execute(Migrations::apply);
        for (int i = 0; i < READERS; i++) {
          Connection reader = connect(file, true);
          store.allReaders.add(reader);
          store.readers.add(reader);
        }
      } catch (SQLException | RuntimeException e) {
        store.close();
        throw e;
      }
      return store;
    } catch (SQLException | IOException e) {
      throw ClawgateException.of(
              ErrorCode.UNAVAILABLE,
              DetailCode.STORE_UNAVAILABLE,
              "cannot open the state database " + file + ": " + e.getMessage())
          .cause(e)
          .build();
    }
  }

  private static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      return; // Another process created it first; it owns the mode.
    }
    // The umask may have masked the requested mode; make sure.
    restrict(file, "rw-------");
  }

  private static void restrict(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to tighten.
    }
  }

  private static Connection connect(Path file, boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setReadOnly(readOnly);
    if (!readOnly) {
      // Checkpoint every ~40 MB of WAL instead of SQLite's ~4 MB: each checkpoint copies the pages
      // into the database file and syncs it on the writer's thread, which was a large share of the
      // cost of an append (docs/benchmarks.md, "Conversation plane").
      config.setPragma(
          SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, Integer.toString(WAL_CHECKPOINT_PAGES));
    }
    Connection connection =
        DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    connection.setAutoCommit(true);
    return connection;
  }

  /**
   * The schema version ({@code PRAGMA user_version}) this clawgate migrates a database to; a
   * database with a higher version was written by a newer clawgate and is refused.
   */
  public static int schemaVersion() {
    return Migrations.latest();
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /**
   * Runs {@code work} as one write transaction on the writer thread and returns its result. The
   * transaction commits when {@code work} returns and rolls back when it throws; the exception is
   * rethrown unchanged when it is a {@link ClawgateException}.
   */
  public <T> T write(Work<T> work) {
    ensureOpen();
    Job<T> job = new Job<>(work);
    writes.add(job);
    if (closed) {
      // Closed while this was being queued: the writer may have finished; fail what it left.
      failLeftovers();
    }
    try {
      return job.result.get();
    } catch (InterruptedException e) {
      if (job.claimed.compareAndSet(false, true)) {
        Thread.currentThread().interrupt();
        throw unavailable("interrupted before the write started; nothing was changed", e);
      }
      // Already running: the transaction commits or rolls back whatever the caller does, so the
      // caller waits for the outcome instead of reporting a failure that may not be one.
      return awaitUninterruptibly(job.result);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause() == null ? e : e.getCause());
    }
  }

  /** One write waiting for, or taken by, the writer thread. */
  private static final class Job<T> {
    final Work<T> work;
    // Whoever sets this first decides: the writer thread (the work runs) or an interrupted caller
    // (it never will).
    final AtomicBoolean claimed = new AtomicBoolean();
    final CompletableFuture<T> result = new CompletableFuture<>();
    @Nullable T value;
    @Nullable Throwable failure;

    Job(Work<T> work) {
      this.work = work;
    }

    void runIn(Tx tx) throws Exception {
      value = work.run(tx);
    }

    void complete() {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    }
  }

  /**
   * The writer thread: takes the writes queued so far (up to {@link #MAX_BATCH}) and commits them
   * as one transaction, each inside its own savepoint, so a write that throws is rolled back alone
   * while the others commit. Callers that write at the same time share one commit (group commit); a
   * lone write runs without a savepoint. Every caller learns its outcome only after the commit.
   */
  private void writeLoop() {
    List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !writes.isEmpty()) {
      try {
        Job<?> first = awaitWrite();
        if (first == null) {
          continue;
        }
        batch.add(first);
        writes.drainTo(batch, MAX_BATCH - 1);
        commit(batch);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException | Error e) {
        for (Job<?> job : batch) {
          job.result.completeExceptionally(e);
        }
      } finally {
        batch.clear();
      }
    }
    failLeftovers();
  }

  /**
   * The next queued write, or null after 100 ms without one. The writer spins briefly before it
   * parks: a caller that writes one message after another queues its next write within tens of
   * microseconds of the last commit, and finding it awake saves a thread wake-up (a futex wake and
   * a context switch) per write, a fifth of the cost of a lone append (docs/benchmarks.md).
   */
  private @Nullable Job<?> awaitWrite() throws InterruptedException {
    long spinUntil = System.nanoTime() + SPIN_BEFORE_PARK_NANOS;
    do {
      Job<?> job = writes.poll();
      if (job != null) {
        return job;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() - spinUntil < 0);
    return writes.poll(100, TimeUnit.MILLISECONDS);
  }

  private void commit(List<Job<?>> batch) {
    List<Job<?>> taken = new ArrayList<>(batch.size());
    for (Job<?> job : batch) {
      if (job.claimed.compareAndSet(false, true)) {
        taken.add(job);
      } else {
        job.result.completeExceptionally(
            new CancellationException("abandoned by its interrupted caller"));
      }
    }
    if (taken.isEmpty()) {
      return;
    }
    Tx tx = new Tx(writer, statements(writer));
    boolean single = taken.size() == 1;
    try {
      tx.update("BEGIN IMMEDIATE");
    } catch (RuntimeException e) {
      taken.forEach(job -> job.result.completeExceptionally(e));
      return;
    }
    boolean committed = false;
    try {
      for (Job<?> job : taken) {
        if (!single) {
          tx.update("SAVEPOINT write");
        }
        try {
          job.runIn(tx);
          if (!single) {
            tx.update("RELEASE write");
          }
        } catch (Exception e) {
          job.failure = e;
          if (single) {
            throw e;
          }
          tx.update("ROLLBACK TO write");
          tx.update("RELEASE write");
        }
      }
      tx.update("COMMIT");
      committed = true;
    } catch (Exception e) {
      // The batch did not commit: no write in it took effect.
      for (Job<?> job : taken) {
        if (job.failure == null) {
          job.failure = e;
        }
      }
    } finally {
      if (!committed) {
        try {
          tx.update("ROLLBACK");
        } catch (RuntimeException ignored) {
          // The transaction is already gone (e.g. the connection failed); nothing to undo.
        }
      }
      taken.forEach(Job::complete);
    }
  }

  /** Fails every write still queued (the store is closed). */
  private void failLeftovers() {
    Job<?> job;
    while ((job = writes.poll()) != null) {
      job.result.completeExceptionally(unavailable("the state store is closed", null));
    }
  }

  private <T> T awaitUninterruptibly(Future<T> result) {
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException again) {
          // keep waiting; the flag is restored below
        } catch (ExecutionException e) {
          throw rethrow(e.getCause() == null ? e : e.getCause());
        }
      }
    } finally {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code action} as one write transaction (see {@link #write(Work)}). */
  public void execute(Action action) {
    write(tx -> {
      action.run(tx);
      return Boolean.TRUE;
    });
  }

  /** Runs {@code work} in a read transaction on a pooled read connection. */
  public <T> T read(Work<T> work) {
    ensureOpen();
    Connection connection;
    try {
      connection = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while reading", e);
    }
    try {
      return inTransaction(connection, work, "BEGIN DEFERRED");
    } catch (Exception e) {
      throw rethrow(e);
    } finally {
      readers.add(connection);
    }
  }

  private <T> T inTransaction(Connection connection, Work<T> work, String begin) throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute(begin);
    }
    boolean committed = false;
    try {
      T value = work.run(new Tx(connection, statements(connection)));
      try (Statement statement = connection.createStatement()) {
        statement.execute("COMMIT");
      }
      committed = true;
      return value;
    } finally {
      if (!committed) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // The transaction is already gone (e.g. the connection failed); nothing to undo.
        }
      }
    }
  }

  private Tx.Statements statements(Connection connection) {
    return statements.computeIfAbsent(connection, c -> new Tx.Statements());
  }

  private void ensureOpen() {
    if (closed) {
      throw unavailable("the state store is closed", null);
    }
  }

  private RuntimeException rethrow(Throwable cause) {
    if (cause instanceof ClawgateException ce) {
      return ce;
    }
    if (cause instanceof StoreException se) {
      return se.toClawgate();
    }
    return unavailable("state database error on " + file + ": " + cause.getMessage(), cause);
  }

  private static ClawgateException unavailable(String message, @Nullable Throwable cause) {
    ClawgateException.Builder builder =
        ClawgateException.of(ErrorCode.UNAVAILABLE, DetailCode.STORE_UNAVAILABLE, message)
            .retryable(true);
    if (cause != null) {
      builder.cause(cause);
    }
    return builder.build();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // Let the writes already queued finish before their connection goes away.
      writerThread.join(BUSY_TIMEOUT_MS);
      if (writerThread.isAlive()) {
        writerThread.interrupt();
        writerThread.join(BUSY_TIMEOUT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failLeftovers();
    try {
      // The writer thread has stopped; readers still in use finish with their statements closed
      // under them (the store is closing, so their results are not wanted).
      statements.values().forEach(Tx.Statements::close);
      writer.close();
      for (Connection reader : allReaders) {
        reader.close();
      }
    } catch (SQLException ignored) {
      // Closing a connection that failed: the file is consistent either way (WAL).
    }
  }

  /** A unit of work without a result inside a transaction. */
  @FunctionalInterface
  public interface Action {
    void run(Tx tx) throws SQLException;
  }

  /** A unit of work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Tx tx) throws SQLException;
  }
}
