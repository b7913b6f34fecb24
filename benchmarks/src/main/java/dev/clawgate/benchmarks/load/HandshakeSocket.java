package dev.clawgate.benchmarks.load;

import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;

/**
 * One client connection playing the handshake: on {@code connect.challenge} it sends the connect
 * for that nonce, and {@link #hello()} completes with the {@code hello-ok} response (or fails with
 * why not). {@link #closed()} completes once the socket is gone, however it ended.
 *
 * <p>Public because Jetty inspects endpoint classes reflectively. Jetty delivers this socket's
 * frames one at a time, so {@code challenged} needs no lock; the futures are the only state shared
 * with other threads.
 */
public final class HandshakeSocket implements Session.Listener.AutoDemanding {
  private final ConnectFrames frames;
  private final CompletableFuture<String> hello = new CompletableFuture<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile @Nullable Session session;
  private boolean challenged;

  HandshakeSocket(ConnectFrames frames) {
    this.frames = frames;
  }

  /** Completes with the hello-ok text, or exceptionally when the handshake failed. */
  CompletableFuture<String> hello() {
    return hello;
  }

  /** Completes with the close code (-1 when the socket failed without a close frame). */
  CompletableFuture<Integer> closed() {
    return closed;
  }

  /** Starts a normal close (1000); {@link #closed()} completes when the gateway has answered. */
  void close() {
    Session current = session;
    if (current == null) {
      closed.complete(-1);
      return;
    }
    current.close(1000, "bye", Callback.NOOP);
  }

  /** Drops the TCP connection without a close handshake. */
  void abort() {
    Session current = session;
    if (current != null) {
      current.disconnect();
    }
    closed.complete(-1);
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  @Override
  public void onWebSocketText(String text) {
    if (hello.isDone()) {
      return; // tick events and the like, after the handshake
    }
    if (!challenged) {
      challenged = true;
      Session current = session;
      try {
        String connect = frames.connect(ConnectFrames.nonceOf(text), System.currentTimeMillis());
        if (current == null) {
          throw new HandshakeFailure("challenge before open");
        }
        current.sendText(connect, Callback.from(() -> {}, hello::completeExceptionally));
      } catch (RuntimeException e) {
        hello.completeExceptionally(e);
      }
      return;
    }
    if (ConnectFrames.isHelloOk(text)) {
      hello.complete(text);
    } else {
      hello.completeExceptionally(new HandshakeFailure(ConnectFrames.describeFailure(text)));
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, @Nullable String reason) {
    hello.completeExceptionally(new HandshakeFailure("closed " + statusCode + " before hello-ok"));
    closed.complete(statusCode);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    hello.completeExceptionally(cause);
    Session current = session;
    if (current != null && current.isOpen()) {
      current.disconnect();
    }
    closed.complete(-1);
  }
}
