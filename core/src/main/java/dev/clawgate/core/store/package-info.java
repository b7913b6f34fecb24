/** The SQLite state store: one writer, versioned migrations, transactions. */
@NullMarked
package dev.clawgate.core.store;

import org.jspecify.annotations.NullMarked;
