package dev.clawgate.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The transport settings of one server, fixed at build time.
 *
 * @param clock the gateway clock
 * @param serverVersion the version announced to clients
 * @param handshakeTimeout from socket open to a successful connect
 * @param tickInterval interval of tick events
 * @param maxBufferedBytes per-connection outbound limit
 * @param shutdownGrace how long close waits for sockets
 */
record ServerSettings(
    Clock clock,
    String serverVersion,
    Duration handshakeTimeout,
    Duration tickInterval,
    long maxBufferedBytes,
    Duration shutdownGrace) {
  ServerSettings {
    Objects.requireNonNull(clock, "null clock");
    Objects.requireNonNull(serverVersion, "null serverVersion");
    Objects.requireNonNull(handshakeTimeout, "null handshakeTimeout");
    Objects.requireNonNull(tickInterval, "null tickInterval");
    Objects.requireNonNull(shutdownGrace, "null shutdownGrace");
  }
}
