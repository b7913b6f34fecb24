/**
 * JMH micro-benchmarks of the CPU pieces of one handshake (device proof verification, frame parsing
 * and writing), for explaining whole-system figures. Not run by the build.
 */
@NullMarked
package dev.clawgate.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
