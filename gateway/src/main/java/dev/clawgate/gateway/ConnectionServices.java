package dev.clawgate.gateway;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every connection of one server shares.
 *
 * @param settings the transport settings
 * @param handshake decides connects
 * @param dispatcher answers requests
 * @param registry the methods announced in hello-ok
 * @param connections the live sockets
 * @param timer runs handshake timeouts and forced disconnects; its tasks never block
 */
record ConnectionServices(
    ServerSettings settings,
    Handshake handshake,
    Dispatcher dispatcher,
    MethodRegistry registry,
    Connections connections,
    ScheduledExecutorService timer) {
  ConnectionServices {
    Objects.requireNonNull(settings, "null settings");
    Objects.requireNonNull(handshake, "null handshake");
    Objects.requireNonNull(dispatcher, "null dispatcher");
    Objects.requireNonNull(registry, "null registry");
    Objects.requireNonNull(connections, "null connections");
    Objects.requireNonNull(timer, "null timer");
  }
}
