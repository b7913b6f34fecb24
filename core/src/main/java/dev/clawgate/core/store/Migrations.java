package dev.clawgate.core.store;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Versioned schema migrations: {@code db/migration/V<n>.sql} resources applied in order, inside the
 * opening write transaction, with {@code PRAGMA user_version} recording the version reached. A
 * database written by a newer clawgate is refused rather than guessed at.
 */
final class Migrations {
  /** Every migration, in order; the index + 1 is the schema version it produces. */
  private static final List<String> SCRIPTS = List.of("V1.sql", "V2.sql", "V3.sql", "V4.sql");

  private Migrations() {}

  static int latest() {
    return SCRIPTS.size();
  }

  static void apply(Tx tx) {
    int current = (int) tx.scalar("PRAGMA user_version");
    if (current > SCRIPTS.size()) {
      throw ClawgateException.of(
              ErrorCode.UNAVAILABLE,
              DetailCode.STORE_UNAVAILABLE,
              "the state database has schema version "
                  + current
                  + " but this clawgate knows only up to "
                  + SCRIPTS.size()
                  + "; upgrade clawgate or use another state dir")
          .build();
    }
    for (int version = current + 1; version <= SCRIPTS.size(); version++) {
      tx.script(load(SCRIPTS.get(version - 1)));
      tx.update("PRAGMA user_version = " + version);
    }
  }

  private static String load(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + name, e);
    }
  }
}
