package dev.clawgate.core.store;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.sql.SQLException;

/** An SQL failure inside a transaction, carried out of {@link Tx} helpers unchecked. */
final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StoreException(String sql, SQLException cause) {
    super("SQL failed (" + cause.getMessage() + ") in: " + sql, cause);
  }

  ClawgateException toClawgate() {
    return ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.STORE_UNAVAILABLE,
            "state database error: " + getMessage())
        .cause(this)
        .build();
  }
}
