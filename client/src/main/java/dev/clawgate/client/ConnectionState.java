package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.HelloOk;
import java.util.Objects;
import java.util.Optional;

/** The state of a {@link ReconnectingGatewayClient}. */
public sealed interface ConnectionState {

  /**
   * Connecting, or waiting to try again after a failure.
   *
   * @param attempt the attempt number since the last connection (1 for the first)
   * @param lastError why the previous attempt or connection ended, if it did
   */
  record Connecting(int attempt, Optional<ClawgateException> lastError) implements ConnectionState {
    public Connecting {
      Objects.requireNonNull(lastError, "null lastError");
    }
  }

  /**
   * Connected and authenticated.
   *
   * @param hello the gateway's {@code hello-ok}
   */
  record Connected(HelloOk hello) implements ConnectionState {
    public Connected {
      Objects.requireNonNull(hello, "null hello");
    }
  }

  /**
   * Stopped by an auth or pairing failure that retrying will not fix without the user (a wrong
   * token, pairing required, a protocol mismatch). A slow retry continues, and {@link
   * ReconnectingGatewayClient#retryNow()} tries at once (after the owner approved the device).
   *
   * @param cause the gateway's answer
   */
  record Paused(GatewayErrorException cause) implements ConnectionState {
    public Paused {
      Objects.requireNonNull(cause, "null cause");
    }
  }

  /** Closed by {@link ReconnectingGatewayClient#close()}; final. */
  record Closed() implements ConnectionState {}
}
