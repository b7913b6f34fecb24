package dev.clawgate.gateway.e2e;

import dev.clawgate.core.store.StateStore;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Every row of every table of the state database at one moment, read with plain SQL (not through
 * the pairing service), so "nothing was written" is checked against what is really stored: a
 * device, a role baseline, a token hash or scope, a last-seen time, a pending request, a revision
 * or an audit entry that changed shows up as a difference.
 *
 * <p>Core's {@code StoreSnapshot} is not reused here: it is package-private to {@code
 * dev.clawgate.core.pairing}, and it reads only the pairing tables' key columns, so it would miss a
 * changed last-seen time, a new request revision or an audit entry.
 *
 * @param tables table name to its rows (sorted by their text form, so tables without a rowid
 *     compare too), each row its column values (blobs as hex)
 */
record StoreContents(Map<String, List<List<@Nullable Object>>> tables) {
  static final String AUDIT_LOG = "audit_log";

  static StoreContents read(StateStore store) {
    return store.read(tx -> {
      Map<String, List<List<@Nullable Object>>> tables = new LinkedHashMap<>();
      for (String table :
          tx.list(
              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                  + " ORDER BY name",
              rs -> rs.getString(1))) {
        // Table names come from the schema itself, never from input.
        List<List<@Nullable Object>> rows =
            new ArrayList<>(tx.list("SELECT * FROM " + table, StoreContents::row));
        rows.sort(Comparator.comparing(String::valueOf));
        tables.put(table, rows);
      }
      return new StoreContents(tables);
    });
  }

  private static List<@Nullable Object> row(ResultSet rs) throws SQLException {
    ResultSetMetaData columns = rs.getMetaData();
    List<@Nullable Object> values = new ArrayList<>();
    for (int i = 1; i <= columns.getColumnCount(); i++) {
      Object value = rs.getObject(i);
      values.add(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value);
    }
    return values;
  }

  /** These contents without the audit log: the pairing state proper. */
  StoreContents pairingState() {
    Map<String, List<List<@Nullable Object>>> rest = new LinkedHashMap<>(tables);
    rest.remove(AUDIT_LOG);
    return new StoreContents(rest);
  }

  /** How many audit entries are stored. */
  int auditEntryCount() {
    return Objects.requireNonNull(tables.get(AUDIT_LOG), "no audit_log table").size();
  }
}
