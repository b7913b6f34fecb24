package dev.clawgate.benchmarks.load;

import java.net.URI;
import java.time.Duration;

/**
 * Performs whole handshakes against the gateway, one per {@link #connect()} call, from any number
 * of threads at once (the loads call it from virtual threads). Two implementations: {@link
 * RawHandshaker}, a minimal client with little overhead of its own, which the figures are taken
 * with; and {@link JettyHandshaker}, a full RFC 6455 client library, to cross-check that an
 * independent client gets the same answers. See docs/decisions/0005-load-generator.md.
 */
interface Handshaker extends AutoCloseable {
  /** How long any one step (connect, a read, the close) may take before it counts as failed. */
  Duration STEP_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Opens a socket and completes the handshake: upgrade, {@code connect.challenge}, {@code
   * connect}, {@code hello-ok}.
   *
   * @return the open connection
   * @throws Exception when the handshake fails; {@link HandshakeFailure} when the gateway refused
   */
  Connection connect() throws Exception;

  @Override
  void close();

  /** An open, handshaken connection. */
  interface Connection {
    /** The {@code hello-ok} response text. */
    String hello();

    /**
     * Closes with 1000 and waits for the gateway's answer. True when the connection was still open
     * and the gateway answered our close with 1000; false when it had gone or answered otherwise.
     */
    boolean closeNormally();

    /** Drops the connection without a close handshake. */
    void abort();
  }

  /** A handshaker of {@code kind} ({@code raw} or {@code jetty}) for {@code maxSockets} sockets. */
  static Handshaker of(
      String kind, URI url, ConnectFrames frames, int maxSockets, Duration idleTimeout)
      throws Exception {
    return switch (kind) {
      case "raw" -> new RawHandshaker(url, frames);
      case "jetty" -> JettyHandshaker.start(url, frames, maxSockets, idleTimeout);
      default -> throw new IllegalArgumentException("unknown client " + kind);
    };
  }
}
