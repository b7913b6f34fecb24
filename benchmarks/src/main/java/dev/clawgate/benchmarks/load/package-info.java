/**
 * The whole-system load tool: drives a real gateway process over loopback WebSockets and reports
 * handshake throughput and latency, or holds many idle connections. See docs/benchmarks.md.
 */
@NullMarked
package dev.clawgate.benchmarks.load;

import org.jspecify.annotations.NullMarked;
