package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.ProtocolLimits;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.ResponseFrame;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@link GatewayClient} over a {@link SocketLink}; see {@link GatewayClient} for the contract.
 *
 * <p>Invariants: {@link #phase} only moves forward and reaches {@code CLOSED} exactly once, in
 * {@link #terminate}, which fails the running handshake and every pending request and completes
 * {@link #disconnected}; the link calls its handler from one reader thread, so {@link #connectId}
 * needs no lock; nothing that can block (file I/O, caller code) runs on the WebSocket thread: token
 * files are handled on a virtual thread before the handshake future completes.
 */
final class WebSocketGatewayClient implements GatewayClient, SocketLink.Handler {
  private static final Logger log = LoggerFactory.getLogger(WebSocketGatewayClient.class);

  /** REFUSED: the gateway answered the connect with an error, which is being handled. */
  private enum Phase {
    OPENING,
    AWAIT_CHALLENGE,
    AWAIT_HELLO,
    REFUSED,
    OPEN,
    CLOSED
  }

  private final ClientOptions options;
  private final GatewayUrl url;
  private final EventDispatcher events;
  private final boolean ownsEvents;
  private final SocketLink link;
  private final PendingRequests pending = new PendingRequests();
  private final TickWatchdog watchdog = new TickWatchdog();
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.OPENING);
  private final CompletableFuture<HelloOk> handshake = new CompletableFuture<>();
  private final CompletableFuture<Disconnect> disconnected = new CompletableFuture<>();
  private volatile @Nullable HelloOk hello;
  private volatile @Nullable ClawgateException closeCause;
  private volatile Optional<String> storedToken = Optional.empty();
  private volatile Optional<String> sentDeviceToken = Optional.empty();
  private String connectId = "";

  WebSocketGatewayClient(ClientOptions options, EventDispatcher events, boolean ownsEvents) {
    this.options = options;
    this.url = options.url();
    this.events = events;
    this.ownsEvents = ownsEvents;
    Calls.warmUpOnce();
    this.link =
        new SocketLink(url, options.connectTimeout(), ProtocolLimits.MAX_PAYLOAD_BYTES, this);
  }

  /** Opens the socket; the future completes with {@code hello-ok} or the handshake's failure. */
  CompletableFuture<HelloOk> start() {
    // File I/O here, on the caller's thread, not the socket's. Sent only without a shared secret.
    storedToken =
        options.credential().isPresent()
            ? Optional.empty()
            : DeviceTokens.lookUp(options).map(StoredDeviceToken::token);
    link.open();
    CompletableFuture.delayedExecutor(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .execute(this::enforceHandshakeDeadline);
    return handshake;
  }

  @Override
  public HelloOk hello() {
    HelloOk current = hello;
    if (current == null) {
      throw new IllegalStateException("the handshake has not finished");
    }
    return current;
  }

  @Override
  public CompletableFuture<JsonNode> request(String method, JsonNode params) {
    return request(method, params, options.requestTimeout());
  }

  @Override
  public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
    Objects.requireNonNull(method, "null method");
    Objects.requireNonNull(params, "null params");
    Objects.requireNonNull(timeout, "null timeout");
    if (phase.get() != Phase.OPEN) {
      return CompletableFuture.failedFuture(notOpen());
    }
    String id = pending.nextId();
    byte[] text =
        Frames.write(new RequestFrame(id, method, Optional.of(params)))
            .getBytes(StandardCharsets.UTF_8);
    long size = text.length;
    long max = link.maxMessageBytes(); // policy.maxPayload bounds both directions
    if (size > max) {
      return CompletableFuture.failedFuture(
          ClientErrors.frameTooLarge("the " + method + " request", size, max));
    }
    CompletableFuture<JsonNode> result = pending.register(id, method, timeout);
    if (phase.get() != Phase.OPEN) {
      pending.fail(id, notOpen()); // closed after the check: terminate may have missed this one
      return result;
    }
    Calls.onFailure(
        link.send(text),
        failure ->
            pending.fail(id, ClientErrors.connectionLost(url, "sending " + method + " failed")));
    return result;
  }

  @Override
  public Subscription onEvent(Consumer<EventFrame> listener) {
    return events.add(Objects.requireNonNull(listener, "null listener"));
  }

  @Override
  public boolean isOpen() {
    return phase.get() == Phase.OPEN;
  }

  @Override
  public CompletionStage<Disconnect> disconnected() {
    return disconnected.minimalCompletionStage();
  }

  @Override
  public void close() {
    if (!terminate(
        new Disconnect(1000, "client closed", true), ClientErrors.connectionClosedByClient(url))) {
      return;
    }
    try {
      link.close(1000, "client closed");
      link.gone().get(SocketLink.CLOSE_GRACE.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("closing the socket to {} did not finish cleanly: {}", url, e.toString());
    }
  }

  @Override
  public String toString() {
    return "GatewayClient[" + url + ", " + phase.get() + "]";
  }

  // ---- the socket's input, from the link's reader thread ----

  @Override
  public void unreachable(Throwable failure) {
    lose(1006, "connect failed", ClientErrors.unreachable(url, failure));
  }

  @Override
  public boolean opened() {
    watchdog.heard();
    return phase.compareAndSet(Phase.OPENING, Phase.AWAIT_CHALLENGE);
  }

  @Override
  public void heard() {
    watchdog.heard();
  }

  @Override
  public void tooLarge(long bytes, long limit) {
    lose(
        1009,
        "message too big",
        ClientErrors.frameTooLarge("a message from the gateway", bytes, limit));
  }

  @Override
  public void closedByPeer(int code, String reason) {
    String how = ClientErrors.describe(code, reason);
    ClawgateException cause =
        inHandshake(phase.get())
            ? ClientErrors.closedDuringHandshake(url, code, reason)
            : ClientErrors.connectionLost(url, "the gateway closed it (" + how + ")");
    if (terminate(new Disconnect(code, reason, false), cause)) {
      log.debug("the gateway at {} closed the connection ({})", url, how);
    }
    link.close(1000, "");
  }

  @Override
  public void failed(Throwable error) {
    lose(1006, String.valueOf(error), ClientErrors.connectionLost(url, String.valueOf(error)));
  }

  @Override
  public boolean message(String text) {
    Frame frame;
    try {
      frame = Frames.parse(text);
    } catch (ClawgateException e) {
      onInvalidFrame(text, e);
      return true;
    }
    return switch (frame) {
      case EventFrame event -> onEventFrame(event);
      case ResponseFrame response -> {
        onResponse(response);
        yield true;
      }
      case RequestFrame request -> {
        log.debug("ignoring a {} request from the gateway", request.method());
        yield true;
      }
    };
  }

  private boolean onEventFrame(EventFrame event) {
    Phase current = phase.get();
    if (current == Phase.AWAIT_CHALLENGE && event.event().equals("connect.challenge")) {
      sendConnect(event);
      return true;
    }
    if (current != Phase.OPEN) {
      log.debug("ignoring event {} outside an open connection", event.event());
      return true;
    }
    return events.offer(event, link::request);
  }

  private void sendConnect(EventFrame challenge) {
    String nonce = ConnectRequest.nonce(challenge);
    if (nonce.isBlank() && options.identity().isPresent()) {
      lose(
          1000, "invalid challenge", ClientErrors.malformed(url, "connect.challenge has no nonce"));
      return;
    }
    ConnectParams params =
        ConnectRequest.build(options, storedToken, nonce, System.currentTimeMillis());
    sentDeviceToken = params.auth().deviceToken();
    connectId = pending.nextId();
    if (!phase.compareAndSet(Phase.AWAIT_CHALLENGE, Phase.AWAIT_HELLO)) {
      return;
    }
    Calls.onFailure(
        link.send(
            Frames.write(new RequestFrame(connectId, "connect", Optional.of(params.toNode())))
                .getBytes(StandardCharsets.UTF_8)),
        failure ->
            lose(1006, "send failed", ClientErrors.connectionLost(url, "sending connect failed")));
  }

  private void onResponse(ResponseFrame response) {
    if (phase.get() == Phase.AWAIT_HELLO && response.id().equals(connectId)) {
      onConnectResponse(response);
    } else if (!pending.complete(response)) {
      log.debug("ignoring a response to unknown request id {}", response.id());
    }
  }

  private void onConnectResponse(ResponseFrame response) {
    if (!response.ok()) {
      GatewayErrorException refused =
          GatewayErrorException.of("connect", response.error().orElseThrow());
      if (phase.compareAndSet(Phase.AWAIT_HELLO, Phase.REFUSED)) {
        Thread.ofVirtual().name("clawgate-connect").start(() -> afterRefusal(refused));
      }
      return;
    }
    HelloOk parsed;
    try {
      parsed = ConnectRequest.parseHello(response);
    } catch (ClawgateException e) {
      lose(1000, "invalid hello-ok", ClientErrors.malformed(url, e.getMessage()));
      return;
    }
    hello = parsed;
    if (parsed.policy().maxPayload() > 0) {
      link.maxMessageBytes(parsed.policy().maxPayload());
    }
    if (phase.compareAndSet(Phase.AWAIT_HELLO, Phase.OPEN)) {
      watchdog.heard();
      Thread.ofVirtual().name("clawgate-connect").start(() -> afterHello(parsed));
    }
  }

  /** Off the socket thread: store the issued token, start the watchdog, then report success. */
  private void afterHello(HelloOk parsed) {
    DeviceTokens.storeIssued(options, parsed);
    if (parsed.policy().tickIntervalMs() > 0) {
      Duration limit = Duration.ofMillis(2 * parsed.policy().tickIntervalMs());
      watchdog.start(limit, () -> onSilence(limit)); // a no-op once terminate() stopped it
    }
    handshake.complete(parsed);
  }

  /** Off the socket thread: forget a rejected token first, so the caller sees it gone. */
  private void afterRefusal(GatewayErrorException refused) {
    DeviceTokens.forgetRejected(options, refused, sentDeviceToken);
    handshake.completeExceptionally(refused);
    if (terminate(new Disconnect(1008, refused.getMessage(), false), refused)) {
      link.close(1000, "connect refused");
    }
  }

  private void onSilence(Duration limit) {
    log.warn(
        "no message from the gateway at {} for {} ms; closing (tick timeout)",
        url,
        limit.toMillis());
    String what = "nothing received for " + limit.toMillis() + " ms, two tick intervals";
    lose(4000, "tick timeout", ClientErrors.connectionLost(url, what + " (tick timeout)"));
  }

  private void onInvalidFrame(String text, ClawgateException problem) {
    log.warn("ignoring an invalid frame from the gateway at {}: {}", url, problem.getMessage());
    // A response that cannot be parsed would leave its caller waiting for the timeout.
    PendingRequests.responseId(text)
        .ifPresent(id -> {
          ClawgateException error = ClientErrors.malformed(url, problem.getMessage());
          if (phase.get() == Phase.AWAIT_HELLO && id.equals(connectId)) {
            lose(1000, "invalid frame", error);
          } else {
            pending.fail(id, error);
          }
        });
  }

  /**
   * Moves to CLOSED once: fails the running handshake and every pending request with {@code cause},
   * and reports {@code how}. Returns false if already closed.
   */
  private boolean terminate(Disconnect how, ClawgateException cause) {
    Phase previous = phase.getAndSet(Phase.CLOSED);
    if (previous == Phase.CLOSED) {
      return false;
    }
    closeCause = cause;
    watchdog.stop();
    if (inHandshake(previous)) {
      handshake.completeExceptionally(cause);
    }
    pending.failAll(cause);
    disconnected.complete(how);
    if (ownsEvents) {
      events.shutdown();
    }
    return true;
  }

  /** Ends the connection from this side: terminate, then close the socket with {@code code}. */
  private void lose(int code, String reason, ClawgateException cause) {
    if (terminate(new Disconnect(code, reason, true), cause)) {
      link.close(code, reason);
    }
  }

  private void enforceHandshakeDeadline() {
    Phase current = phase.get();
    if (!inHandshake(current)) {
      return;
    }
    ClawgateException error =
        current == Phase.OPENING
            ? ClientErrors.unreachable(url, new SocketTimeoutException("upgrade timed out"))
            : ClientErrors.handshakeTimeout(
                url,
                current == Phase.AWAIT_CHALLENGE ? "connect.challenge" : "an answer to connect",
                options.connectTimeout());
    lose(1000, "handshake timeout", error);
  }

  private ClawgateException notOpen() {
    ClawgateException cause = closeCause;
    return cause != null ? cause : ClientErrors.notConnected(url, "the handshake has not finished");
  }

  private static boolean inHandshake(Phase phase) {
    return phase == Phase.OPENING || phase == Phase.AWAIT_CHALLENGE || phase == Phase.AWAIT_HELLO;
  }
}
