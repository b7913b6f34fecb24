package dev.clawgate.gateway.internal;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;

/**
 * The object Jetty sees as the WebSocket endpoint. Jetty inspects the endpoint class reflectively
 * (which callbacks are overridden decides how messages are delivered) and requires it to be public,
 * so this thin public adapter forwards to a package-private listener.
 *
 * <p>Text is delivered in fragments ({@link #onWebSocketPartialText}) so the receiver can count
 * bytes and refuse an oversized message before buffering it; binary is delivered the same way so a
 * binary frame can be refused on its first fragment. Demand is automatic: Jetty reads the next
 * frame only after a callback returns, which keeps the handshake strictly sequential.
 */
public final class JettyEndpoint implements Session.Listener.AutoDemanding {
  private final Session.Listener delegate;

  public JettyEndpoint(Session.Listener delegate) {
    this.delegate = Objects.requireNonNull(delegate, "null delegate");
  }

  @Override
  public void onWebSocketOpen(Session session) {
    delegate.onWebSocketOpen(session);
  }

  @Override
  public void onWebSocketPartialText(String payload, boolean last) {
    delegate.onWebSocketPartialText(payload, last);
  }

  @Override
  public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
    delegate.onWebSocketPartialBinary(payload, last, callback);
  }

  @Override
  public void onWebSocketClose(int statusCode, @Nullable String reason, Callback callback) {
    delegate.onWebSocketClose(statusCode, reason, callback);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    delegate.onWebSocketError(cause);
  }
}
