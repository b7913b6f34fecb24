package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * The errors this client raises itself (as opposed to errors the gateway answered, which are {@link
 * GatewayErrorException}). All connection failures are {@link ErrorCode#UNAVAILABLE} and carry
 * {@code details.reason}: {@code unreachable}, {@code handshake-timeout}, {@code
 * connection-closed}, {@code connection-lost}, {@code not-connected} or {@code request-timeout}.
 */
final class ClientErrors {
  private ClientErrors() {}

  static ClawgateException unreachable(GatewayUrl url, Throwable failure) {
    Throwable cause = unwrap(failure);
    String why =
        switch (cause) {
          case WebSocketUpgrade.Refused e ->
              e.getMessage()
                  + " instead of a WebSocket upgrade (is this a clawgate or OpenClaw gateway URL?)";
          case WebSocketUpgrade.Invalid e -> "the WebSocket upgrade failed: " + e.getMessage();
          case ConnectException e -> "connection refused (is the gateway running?)";
          case SocketTimeoutException e -> "timed out connecting (is the host reachable?)";
          case UnknownHostException e -> "unknown host " + url.host();
          case SSLException e -> "TLS handshake failed: " + e.getMessage();
          default -> String.valueOf(cause);
        };
    return unavailable("unreachable", "cannot connect to the gateway at " + url + ": " + why)
        .cause(cause)
        .build();
  }

  static ClawgateException handshakeTimeout(GatewayUrl url, String waitingFor, Duration timeout) {
    return ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.HANDSHAKE_TIMEOUT,
            "the gateway at "
                + url
                + " did not send "
                + waitingFor
                + " within "
                + seconds(timeout)
                + " (is it a clawgate or OpenClaw gateway, and is it overloaded?)")
        .detail("reason", "handshake-timeout")
        .retryable(true)
        .build();
  }

  static ClawgateException closedDuringHandshake(GatewayUrl url, int code, String reason) {
    return unavailable(
            "connection-closed",
            "the gateway at "
                + url
                + " closed the connection during the handshake ("
                + describe(code, reason)
                + ")")
        .build();
  }

  static ClawgateException connectionLost(GatewayUrl url, String what) {
    return unavailable("connection-lost", "connection to the gateway at " + url + " lost: " + what)
        .build();
  }

  static ClawgateException connectionClosedByClient(GatewayUrl url) {
    return unavailable("connection-closed", "connection closed: the client closed it (" + url + ")")
        .build();
  }

  static ClawgateException notConnected(GatewayUrl url, String state) {
    return unavailable("not-connected", "not connected to the gateway at " + url + ": " + state)
        .build();
  }

  static ClawgateException requestTimeout(String method, Duration timeout) {
    return unavailable(
            "request-timeout", method + ": no response from the gateway within " + seconds(timeout))
        .detail("method", method)
        .build();
  }

  static ClawgateException interrupted(String what) {
    return unavailable("interrupted", "interrupted while waiting for " + what).build();
  }

  static ClawgateException malformed(GatewayUrl url, String problem) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.MALFORMED_FRAME,
            "the gateway at " + url + " sent an invalid frame: " + problem)
        .build();
  }

  static ClawgateException frameTooLarge(String what, long bytes, long max) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.FRAME_TOO_LARGE,
            what + " is " + bytes + " bytes, more than the gateway's limit of " + max)
        .detail("maxPayload", max)
        .build();
  }

  /** "1000 normal" style text for a close status. */
  static String describe(int code, String reason) {
    return reason.isBlank() ? "code " + code : "code " + code + ", " + reason;
  }

  /** The cause inside the wrappers futures add. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static ClawgateException.Builder unavailable(String reason, String message) {
    // No DetailCode names these transport causes yet; details.reason carries the precise one.
    return ClawgateException.of(ErrorCode.UNAVAILABLE, DetailCode.INTERNAL_ERROR, message)
        .detail("reason", reason)
        .retryable(true);
  }

  private static String seconds(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }
}
