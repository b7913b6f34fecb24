package dev.clawgate.gateway;

import dev.clawgate.core.pairing.ConnectGrant;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ProtocolLimits;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.ResponseFrame;
import dev.clawgate.protocol.Scope;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One WebSocket connection: the handshake, then requests and events.
 *
 * <p>Life cycle: {@code AWAITING_CONNECT} (challenge sent, handshake timer running) → {@code OPEN}
 * (hello-ok sent) → {@code CLOSED}. Every transition is a compare-and-set, so the handshake timer,
 * a refusal, a slow-consumer close and the peer's close cannot both act.
 *
 * <p>Threading: Jetty delivers inbound fragments one at a time (auto-demand), so the inbound fields
 * need no lock and the handshake runs inline, strictly before any later frame is read. After
 * hello-ok every request runs on its own virtual thread; at most {@link #MAX_IN_FLIGHT} run at once
 * per connection, beyond which reading this socket pauses (backpressure, not an error).
 */
final class GatewayConnection implements Session.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayConnection.class);

  static final int GOING_AWAY = 1001;
  static final int UNSUPPORTED_DATA = 1003;
  static final int MESSAGE_TOO_BIG = 1009;

  /** Requests of one connection that may run concurrently. */
  static final int MAX_IN_FLIGHT = 64;

  /** How long a closing socket may take to answer our close frame before it is cut. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

  private enum State {
    AWAITING_CONNECT,
    OPEN,
    CLOSED
  }

  private final ConnectionServices services;
  private final PeerInfo peer;
  private final String nonce = UUID.randomUUID().toString();
  private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_CONNECT);
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

  // Inbound message assembly: touched only by Jetty's sequential delivery.
  private StringBuilder message = new StringBuilder();
  private long messageBytes;

  private volatile @Nullable Session session;
  private volatile @Nullable Outbound outbound;
  private volatile @Nullable Caller caller;
  private volatile @Nullable ScheduledFuture<?> handshakeTimer;
  private volatile boolean socketClosed;

  GatewayConnection(ConnectionServices services, PeerInfo peer) {
    this.services = services;
    this.peer = peer;
  }

  boolean isOpen() {
    return state.get() == State.OPEN;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    Outbound out = new Outbound(session, services.settings().maxBufferedBytes(), this::writeFailed);
    this.outbound = out;
    services.connections().add(this);
    LOG.debug("connection opened from {}", peer.remoteAddress());
    if (services.connections().closing()) {
      close(GOING_AWAY, "gateway shutting down");
      return;
    }
    handshakeTimer = schedule(this::handshakeTimedOut, services.settings().handshakeTimeout());
    ObjectNode challenge = Json.mapper().createObjectNode();
    challenge.put("nonce", nonce);
    challenge.put("ts", services.settings().clock().millis());
    out.send(
        Frames.write(
            new EventFrame(
                GatewayEvents.CONNECT_CHALLENGE,
                Optional.of(challenge),
                Optional.empty(),
                Optional.empty())));
  }

  @Override
  public void onWebSocketPartialText(String fragment, boolean last) {
    State current = state.get();
    if (current == State.CLOSED) {
      return;
    }
    long limit =
        current == State.OPEN
            ? ProtocolLimits.MAX_PAYLOAD_BYTES
            : ProtocolLimits.PRE_CONNECT_MAX_BYTES;
    messageBytes += Utf8.length(fragment);
    if (messageBytes > limit) {
      message = new StringBuilder();
      String which = current == State.OPEN ? "" : "pre-connect ";
      if (current != State.OPEN) {
        LOG.info("handshake refused: {} from {}", DetailCode.FRAME_TOO_LARGE, peer.remoteAddress());
      }
      close(MESSAGE_TOO_BIG, "frame exceeds the " + which + "limit of " + limit + " bytes");
      return;
    }
    message.append(fragment);
    if (!last) {
      return;
    }
    String text = message.toString();
    // Do not keep a large buffer alive for the life of the connection.
    message =
        message.capacity() > ProtocolLimits.PRE_CONNECT_MAX_BYTES ? new StringBuilder() : message;
    message.setLength(0);
    messageBytes = 0;
    if (current == State.OPEN) {
      onRequestText(text);
    } else {
      onHandshakeText(text);
    }
  }

  @Override
  public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
    callback.succeed();
    close(UNSUPPORTED_DATA, "binary frames are not supported");
  }

  @Override
  public void onWebSocketClose(int statusCode, @Nullable String reason, Callback callback) {
    socketClosed = true;
    state.set(State.CLOSED);
    stopTimerAndOutbound();
    Caller granted = caller;
    services.connections().remove(this, granted == null ? null : granted.connId());
    LOG.debug("connection {} closed ({})", this, statusCode);
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("connection {} error: {}", this, cause.toString());
  }

  /** Delivers a broadcast event if this connection is open and its scopes allow it. */
  void deliver(EventText event, Optional<Scope> requiredScope) {
    Caller granted = caller;
    Outbound out = outbound;
    if (state.get() != State.OPEN || granted == null || out == null) {
      return;
    }
    if (requiredScope.isPresent() && !granted.scopes().allows(requiredScope.get())) {
      return;
    }
    if (out.sendEvent(event) == Outbound.Result.OVERFLOW) {
      slowConsumer(out);
    }
  }

  /** Closes with {@code code} and {@code reason} unless already closed. */
  void close(int code, String reason) {
    if (state.getAndSet(State.CLOSED) != State.CLOSED) {
      closeSocket(code, reason);
    }
  }

  private void onHandshakeText(String text) {
    Frame frame;
    try {
      frame = Frames.parse(text);
    } catch (ClawgateException e) {
      LOG.info("handshake refused: {} from {}", e.detail(), peer.remoteAddress());
      refuse(FrameIds.bestEffortId(text), e, Handshake.POLICY_VIOLATION, "malformed frame");
      return;
    }
    if (!(frame instanceof RequestFrame request) || !request.method().equals("connect")) {
      LOG.info("handshake refused: {} from {}", DetailCode.CONNECT_REQUIRED, peer.remoteAddress());
      ClawgateException error =
          ClawgateException.of(
                  ErrorCode.INVALID_REQUEST,
                  DetailCode.CONNECT_REQUIRED,
                  "first frame must be a connect request")
              .build();
      refuse(FrameIds.idOf(frame), error, Handshake.POLICY_VIOLATION, "connect required");
      return;
    }
    switch (services.handshake().connect(request, peer, nonce)) {
      case Handshake.Refused refused ->
          refuse(request.id(), refused.error(), refused.closeCode(), refused.closeReason());
      case Handshake.Accepted accepted -> accept(request, accepted);
    }
  }

  private void refuse(String id, ClawgateException error, int closeCode, String closeReason) {
    Outbound out = outbound;
    if (state.get() != State.AWAITING_CONNECT || out == null) {
      return;
    }
    out.send(Frames.write(ResponseFrame.failure(id, error.toErrorShape())));
    close(closeCode, closeReason);
  }

  private void accept(RequestFrame request, Handshake.Accepted accepted) {
    ConnectGrant grant = accepted.grant();
    Caller granted =
        new Caller(
            UUID.randomUUID().toString(),
            grant.role(),
            grant.connectionScopes(),
            grant.deviceId(),
            peer,
            accepted.clientName());
    HelloOk hello =
        Handshake.helloOk(
            accepted, granted.connId(), services.settings(), services.registry().names());
    String text = Frames.write(ResponseFrame.success(request.id(), hello.toNode()));
    caller = granted;
    Outbound out = outbound;
    if (out == null || !state.compareAndSet(State.AWAITING_CONNECT, State.OPEN)) {
      return; // the handshake timer or the peer closed first
    }
    cancelHandshakeTimer();
    services.connections().opened(granted.connId(), this);
    if (out.open(text) == Outbound.Result.OVERFLOW) {
      slowConsumer(out);
      return;
    }
    LOG.debug("connection {} connected as {} from {}", this, grant.role(), peer.remoteAddress());
  }

  private void onRequestText(String text) {
    Frame frame;
    try {
      frame = Frames.parse(text);
    } catch (ClawgateException e) {
      respond(ResponseFrame.failure(FrameIds.bestEffortId(text), e.toErrorShape()));
      return;
    }
    Caller granted = caller;
    if (!(frame instanceof RequestFrame request) || granted == null) {
      LOG.debug("connection {} sent a non-request frame; ignored", this);
      return;
    }
    inFlight.acquireUninterruptibly();
    try {
      Thread.ofVirtual()
          .name("clawgate-req-" + granted.connId())
          .start(() -> {
            try {
              respond(services.dispatcher().dispatch(request, granted));
            } finally {
              inFlight.release();
            }
          });
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
  }

  private void respond(ResponseFrame response) {
    Outbound out = outbound;
    if (state.get() == State.CLOSED || out == null) {
      return;
    }
    if (out.send(Frames.write(response)) == Outbound.Result.OVERFLOW) {
      slowConsumer(out);
    }
  }

  private void slowConsumer(Outbound out) {
    if (state.get() != State.CLOSED) {
      LOG.info(
          "closing slow consumer {} from {} ({} bytes queued)",
          this,
          peer.remoteAddress(),
          out.queuedBytes());
    }
    close(Handshake.POLICY_VIOLATION, "slow consumer: outbound buffer full");
  }

  private void handshakeTimedOut() {
    if (state.compareAndSet(State.AWAITING_CONNECT, State.CLOSED)) {
      LOG.info("handshake refused: {} from {}", DetailCode.HANDSHAKE_TIMEOUT, peer.remoteAddress());
      closeSocket(Handshake.POLICY_VIOLATION, "handshake timeout");
    }
  }

  private void writeFailed(Throwable cause) {
    LOG.debug("connection {} write failed: {}", this, cause.toString());
    state.set(State.CLOSED);
    stopTimerAndOutbound();
    Session current = session;
    if (current != null && !socketClosed) {
      current.disconnect();
    }
  }

  /** Sends our close frame; cuts the socket if the peer has not completed the close in time. */
  private void closeSocket(int code, String reason) {
    stopTimerAndOutbound();
    Session current = session;
    if (current == null) {
      return;
    }
    current.close(code, Utf8.closeReason(reason), Callback.NOOP);
    var _ =
        schedule(
            () -> {
              if (!socketClosed) {
                current.disconnect();
              }
            },
            CLOSE_TIMEOUT);
  }

  /** Runs {@code task} on the timer; once the timer is gone (server stopped), runs it now. */
  private @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return services.timer().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      task.run();
      return null;
    }
  }

  private void stopTimerAndOutbound() {
    cancelHandshakeTimer();
    Outbound out = outbound;
    if (out != null) {
      out.stop();
    }
  }

  private void cancelHandshakeTimer() {
    ScheduledFuture<?> timer = handshakeTimer;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public String toString() {
    Caller granted = caller;
    return granted == null ? "pre-connect@" + peer.remoteAddress() : granted.connId();
  }
}
