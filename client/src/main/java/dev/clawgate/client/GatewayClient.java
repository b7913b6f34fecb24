package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * One authenticated connection to a gateway, over a WebSocket.
 *
 * <p>{@link #connect} opens the socket, answers the {@code connect.challenge} (signing it when an
 * identity is configured) and returns after {@code hello-ok}; a device token in {@code hello-ok} is
 * stored for the role. A refused connect throws {@link GatewayErrorException} with the gateway's
 * error verbatim; on {@code AUTH_DEVICE_TOKEN_MISMATCH} the stored token that was sent is cleared
 * so the next attempt can pair again.
 *
 * <p>Threading: frames are read on the connection's reader thread, which never runs caller code.
 * Request futures complete on a fresh virtual thread, and events are delivered in order on one
 * dispatcher thread per connection, so listeners may block. A connection that hears nothing for two
 * {@code policy.tickIntervalMs} closes itself with 4000 ("tick timeout"). This type does not
 * reconnect; {@link ReconnectingGatewayClient} does.
 */
public interface GatewayClient extends AutoCloseable {

  /** Connects and completes the handshake; blocks up to {@link ClientOptions#connectTimeout()}. */
  static GatewayClient connect(ClientOptions options) {
    return connect(options, event -> {});
  }

  /**
   * Connects with {@code listener} already registered, so no event sent right after {@code
   * hello-ok} is missed.
   *
   * @throws GatewayErrorException when the gateway refuses the connect
   * @throws ClawgateException {@code UNAVAILABLE} when it cannot be reached or does not answer
   */
  static GatewayClient connect(ClientOptions options, Consumer<EventFrame> listener) {
    return Calls.await(connectAsync(options, listener), "the gateway handshake");
  }

  /** {@link #connect(ClientOptions, Consumer)} without blocking. */
  static CompletableFuture<GatewayClient> connectAsync(
      ClientOptions options, Consumer<EventFrame> listener) {
    Objects.requireNonNull(options, "null options");
    Objects.requireNonNull(listener, "null listener");
    EventDispatcher events = new EventDispatcher();
    events.add(listener);
    WebSocketGatewayClient client = new WebSocketGatewayClient(options, events, true);
    CompletableFuture<GatewayClient> connected = client.start().thenApply(hello -> client);
    Calls.onFailure(
        connected,
        failure -> {
          if (failure instanceof CancellationException) {
            client.close(); // the caller gave up waiting: do not leave a socket behind
          }
        });
    return connected;
  }

  /** The gateway's {@code hello-ok} for this connection. */
  HelloOk hello();

  /**
   * Sends a request; the future completes with the response payload ({@code null} node when there
   * is none), or exceptionally with {@link GatewayErrorException} for an error response or an
   * {@code UNAVAILABLE} {@link ClawgateException} when the connection is gone or the request
   * timeout passes.
   */
  CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout);

  /** {@link #request(String, JsonNode, Duration)} with {@link ClientOptions#requestTimeout()}. */
  CompletableFuture<JsonNode> request(String method, JsonNode params);

  /** Sends a request and waits for its payload; throws what {@link #request} completes with. */
  default JsonNode call(String method, JsonNode params) {
    return Calls.await(request(method, params), method);
  }

  /** {@link #call(String, JsonNode)} with empty params ({@code {}}). */
  default JsonNode call(String method) {
    return call(method, Json.mapper().createObjectNode());
  }

  /** Adds an event listener; events arrive in order on the dispatcher thread. */
  Subscription onEvent(Consumer<EventFrame> listener);

  /** Whether the connection is up (handshake done, not closed or lost). */
  boolean isOpen();

  /** Completes once when the connection ends, however it ends. */
  CompletionStage<Disconnect> disconnected();

  /**
   * Closes with 1000 and fails pending requests with an {@code UNAVAILABLE} "connection closed"
   * error. Waits up to a second for the gateway's close reply.
   */
  @Override
  void close();

  /**
   * How a connection ended.
   *
   * @param statusCode the WebSocket close code (1006 when the socket failed without one)
   * @param reason the close reason
   * @param byClient whether this side ended it (close(), tick timeout, oversized message)
   */
  record Disconnect(int statusCode, String reason, boolean byClient) {
    public Disconnect {
      Objects.requireNonNull(reason, "null reason");
    }
  }
}
