/**
 * End-to-end tests: the gateway assembled and configured as {@code clawgate gateway run} does it
 * (real SQLite store, real Jetty on loopback, the real pairing service), driven over the wire by
 * the real client library and, for hand-crafted bad input, by raw test sockets.
 */
@NullMarked
package dev.clawgate.gateway.e2e;

import org.jspecify.annotations.NullMarked;
