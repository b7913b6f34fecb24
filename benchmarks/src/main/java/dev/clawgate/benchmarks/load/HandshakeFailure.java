package dev.clawgate.benchmarks.load;

/** A handshake that did not end in {@code hello-ok}; the message is short and groupable. */
final class HandshakeFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  HandshakeFailure(String message) {
    super(message, null, false, false);
  }
}
