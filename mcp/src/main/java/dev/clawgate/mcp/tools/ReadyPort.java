package dev.clawgate.mcp.tools;

import dev.clawgate.mcp.server.ToolFailure;
import java.time.Duration;
import java.util.Objects;

/**
 * The port as gateway-backed tools use it: each call first waits (bounded) for the connection to be
 * ready, and a failed call becomes a {@link ToolFailure} carrying the port's message, which the
 * caller reads as an {@code isError} result.
 */
final class ReadyPort {
  private final ConversationPort port;
  private final Duration readyTimeout;

  ReadyPort(ConversationPort port, Duration readyTimeout) {
    this.port = Objects.requireNonNull(port, "null port");
    this.readyTimeout = Objects.requireNonNull(readyTimeout, "null readyTimeout");
  }

  /** One gateway call. */
  @FunctionalInterface
  interface Call<T> {
    T on(ConversationPort port) throws InterruptedException;
  }

  <T> T call(Call<T> call) throws InterruptedException {
    try {
      port.awaitReady(readyTimeout);
      return call.on(port);
    } catch (PortException e) {
      throw new ToolFailure(Objects.requireNonNullElse(e.getMessage(), "gateway call failed"));
    }
  }
}
