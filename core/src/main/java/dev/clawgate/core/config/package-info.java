/** The gateway configuration: file, environment and flags, validated into one immutable record. */
@NullMarked
package dev.clawgate.core.config;

import org.jspecify.annotations.NullMarked;
