package dev.clawgate.client;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Turns the JDK's WebSocket callbacks into whole messages for one connection: joins partial text
 * frames (bounded by the {@link MessageAssembler}), notes every arrival for the {@link
 * TickWatchdog}, and requests the next frame only once the current one is handled (flow control:
 * one frame in flight). The JDK invokes these callbacks one at a time.
 */
final class InboundListener implements WebSocket.Listener {

  /** What the connection does with the socket's input. */
  interface Connection {
    /** The socket is open; false when the connection was closed meanwhile. */
    boolean opened(WebSocket ws);

    /** One whole text message; returns whether to request the next one now. */
    boolean message(String text);

    /** A message grew past the size bound. */
    void tooLarge(long bytes, long limit);

    /** The gateway sent a close frame. */
    void closedByPeer(int code, String reason);

    /** The input failed. */
    void failed(Throwable error);
  }

  private final MessageAssembler incoming;
  private final TickWatchdog watchdog;
  private final Connection connection;

  InboundListener(MessageAssembler incoming, TickWatchdog watchdog, Connection connection) {
    this.incoming = incoming;
    this.watchdog = watchdog;
    this.connection = connection;
  }

  @Override
  public void onOpen(WebSocket ws) {
    watchdog.heard();
    if (!connection.opened(ws)) {
      ws.abort();
      return;
    }
    ws.request(1);
  }

  @Override
  public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    watchdog.heard();
    Optional<String> message;
    try {
      message = incoming.append(data, last);
    } catch (MessageAssembler.TooLarge e) {
      connection.tooLarge(e.bytesSoFar, incoming.limit());
      return null;
    }
    if (message.isEmpty() || connection.message(message.get())) {
      ws.request(1);
    }
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
    watchdog.heard(); // the protocol is text only; binary frames are ignored
    ws.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
    watchdog.heard(); // the JDK answers the pong itself
    ws.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
    watchdog.heard();
    ws.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
    connection.closedByPeer(code, reason);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    connection.failed(error);
  }
}
