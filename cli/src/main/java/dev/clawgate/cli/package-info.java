/** The clawgate command line (picocli). */
@NullMarked
package dev.clawgate.cli;

import org.jspecify.annotations.NullMarked;
