package dev.clawgate.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One open transaction: small helpers over prepared statements. Arguments are bound in order;
 * {@code null} binds SQL NULL and an {@link Optional} binds its value or NULL.
 *
 * <p>Statements are prepared once per connection and SQL text and kept in that connection's {@link
 * Statements} (a connection is used by one thread at a time), so a hot path does not pay SQLite's
 * parse and plan on every call.
 */
public final class Tx {
  private final Connection connection;
  private final Statements statements;

  Tx(Connection connection, Statements statements) {
    this.connection = connection;
    this.statements = statements;
  }

  /** The prepared statements of one connection, by SQL text; closed with the connection. */
  static final class Statements implements AutoCloseable {
    /** Distinct SQL texts kept per connection; others are prepared and closed each time. */
    static final int MAX = 512;

    private final Map<String, PreparedStatement> bySql = new HashMap<>();

    @Nullable PreparedStatement cached(String sql) {
      return bySql.get(sql);
    }

    boolean keep(String sql, PreparedStatement statement) {
      if (bySql.size() >= MAX) {
        return false;
      }
      bySql.put(sql, statement);
      return true;
    }

    @Override
    public void close() {
      for (PreparedStatement statement : bySql.values()) {
        try {
          statement.close();
        } catch (SQLException ignored) {
          // Closing with the connection: nothing left to release.
        }
      }
      bySql.clear();
    }
  }

  /** Maps one row. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs an INSERT/UPDATE/DELETE; returns the number of rows changed. */
  public int update(String sql, @Nullable Object... args) {
    PreparedStatement statement = null;
    try {
      statement = prepare(sql, args);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    } finally {
      release(sql, statement);
    }
  }

  /** Runs a query and maps every row. */
  public <T> List<T> list(String sql, Row<T> row, @Nullable Object... args) {
    PreparedStatement statement = null;
    try {
      statement = prepare(sql, args);
      try (ResultSet rs = statement.executeQuery()) {
        List<T> result = new ArrayList<>();
        while (rs.next()) {
          result.add(row.map(rs));
        }
        return result;
      }
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    } finally {
      release(sql, statement);
    }
  }

  /** Runs a query and maps its first row, if any. */
  public <T> Optional<T> first(String sql, Row<T> row, @Nullable Object... args) {
    PreparedStatement statement = null;
    try {
      statement = prepare(sql, args);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    } finally {
      release(sql, statement);
    }
  }

  /** A single long from the first column of the first row (0 when there is no row). */
  public long scalar(String sql, @Nullable Object... args) {
    return first(sql, rs -> rs.getLong(1), args).orElse(0L);
  }

  /** Executes a script of statements separated by semicolons (migrations). */
  void script(String sql) {
    String code =
        sql.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
    for (String statement : code.split(";\\s*(\\r?\\n|$)")) {
      if (!statement.isBlank()) {
        update(statement);
      }
    }
  }

  private PreparedStatement prepare(String sql, @Nullable Object... args) throws SQLException {
    PreparedStatement statement = statements.cached(sql);
    if (statement == null) {
      PreparedStatement fresh = connection.prepareStatement(sql);
      statements.keep(sql, fresh);
      statement = fresh;
    } else {
      statement.clearParameters();
    }
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      if (arg instanceof Optional<?> optional) {
        arg = optional.orElse(null);
      }
      statement.setObject(i + 1, arg);
    }
    return statement;
  }

  /** Closes {@code statement} unless it is kept for reuse. */
  private void release(String sql, @Nullable PreparedStatement statement) {
    if (statement != null && statements.cached(sql) != statement) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // A statement that failed to close holds nothing the connection will not release.
      }
    }
  }

  /** A nullable long column as an Optional. */
  public static Optional<Long> optLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(value);
  }

  /** A nullable text column as an Optional. */
  public static Optional<String> optString(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }
}
