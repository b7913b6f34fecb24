package dev.clawgate.client;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The outgoing side of one JDK WebSocket and the HTTP client that owns it. Text sends are chained
 * because the JDK allows only one outstanding text send; a close sends the close frame, waits (at
 * most {@link #CLOSE_GRACE}) for the gateway's reply, then drops the socket and the HTTP client.
 */
final class SocketLink {
  /** How long a close waits for the gateway's close reply before dropping the socket. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private final HttpClient http;
  private final CompletableFuture<@Nullable Void> inputClosed = new CompletableFuture<>();
  private final CompletableFuture<@Nullable Void> gone = new CompletableFuture<>();
  private final ReentrantLock sendLock = new ReentrantLock();
  private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null); // sendLock
  private volatile @Nullable WebSocket socket;

  SocketLink(GatewayUrl url, Duration connectTimeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
    if (!url.secure()) {
      builder.sslContext(NoTls.context()).sslParameters(NoTls.parameters());
    }
    this.http = builder.build();
  }

  HttpClient http() {
    return http;
  }

  /** The socket is open (from the listener's {@code onOpen}). */
  void opened(WebSocket ws) {
    socket = ws;
  }

  /** The gateway's close frame arrived, or the input failed. */
  void inputClosed() {
    inputClosed.complete(null);
  }

  /** Sends one whole text message after the ones before it. */
  CompletableFuture<?> send(String text) {
    WebSocket ws = socket;
    if (ws == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the socket is not open"));
    }
    sendLock.lock();
    try {
      CompletableFuture<?> sent =
          sendChain.handle((x, e) -> null).thenCompose(x -> ws.sendText(text, true));
      sendChain = sent;
      return sent;
    } finally {
      sendLock.unlock();
    }
  }

  /** Asks for one more incoming message. */
  void request() {
    WebSocket ws = socket;
    if (ws != null) {
      ws.request(1);
    }
  }

  /**
   * Closes with {@code code} (the JDK client may send only 1000 and 3000-4999; other codes go out
   * as 1000, the reason still says why). Never blocks; {@link #gone()} completes when it is done.
   */
  void close(int code, String reason) {
    WebSocket ws = socket;
    if (ws == null) {
      http.shutdownNow();
      gone.complete(null);
      return;
    }
    CompletableFuture<?> sent;
    try {
      // A close frame is a control frame: the JDK sends it even while a text send is outstanding.
      sent =
          ws.isOutputClosed()
              ? CompletableFuture.completedFuture(null)
              : ws.sendClose(sendable(code), shortened(reason)).toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e); // the socket is beyond a clean close: drop it
    }
    CompletableFuture<?> replied =
        sent.handle((w, e) -> null)
            .thenCompose(x -> inputClosed)
            .completeOnTimeout(null, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    Calls.onCompletion(
        replied,
        () -> {
          ws.abort();
          http.shutdownNow();
          gone.complete(null);
        });
  }

  /** Completes when the socket and the HTTP client are gone. */
  CompletableFuture<@Nullable Void> gone() {
    return gone;
  }

  private static int sendable(int code) {
    return code == 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
  }

  /** A close reason within the protocol's 123 bytes. */
  private static String shortened(String reason) {
    String text = reason;
    while (MessageAssembler.utf8Length(text) > 123) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }
}
