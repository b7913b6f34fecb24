/**
 * Where JMH's annotation processor writes the benchmark harness. That code is generated, not
 * written to NullAway's rules, so the package is null-unmarked (the one exception in the build).
 */
@NullUnmarked
package dev.clawgate.benchmarks.jmh.jmh_generated;

import org.jspecify.annotations.NullUnmarked;
