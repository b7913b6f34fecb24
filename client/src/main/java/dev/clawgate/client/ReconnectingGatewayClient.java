package dev.clawgate.client;

import dev.clawgate.client.ConnectionState.Closed;
import dev.clawgate.client.ConnectionState.Connected;
import dev.clawgate.client.ConnectionState.Connecting;
import dev.clawgate.client.ConnectionState.Paused;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A gateway session that stays up: it reconnects with exponential backoff (1 s doubling to 30 s,
 * with jitter; see {@link ReconnectPolicy}) and re-runs the handshake each time.
 *
 * <p>Failures that retrying cannot fix do not spin. An auth or pairing refusal ({@code
 * details.code} {@code AUTH_*} except {@code AUTH_RATE_LIMITED}, {@code DEVICE_AUTH_*}, {@code
 * PAIRING_REQUIRED}, {@code DEVICE_IDENTITY_REQUIRED}, {@code PROTOCOL_MISMATCH}, {@code
 * CLIENT_VERSION_MISMATCH}) moves to {@link Paused}: one slow retry per {@link
 * ReconnectPolicy#pausedRetry()}, or at once on {@link #retryNow()}. The one exception is {@code
 * AUTH_DEVICE_TOKEN_MISMATCH}: the rejected token has been cleared, so one quick retry without it
 * turns the failure into the actionable {@code PAIRING_REQUIRED}. A refusal that names {@code
 * retryAfterMs} (such as {@code AUTH_RATE_LIMITED}) waits that long.
 *
 * <p>Requests made while not connected fail at once with an {@code UNAVAILABLE} error that says why
 * (reconnecting, paused with the gateway's reason, closed); callers that prefer to wait call {@link
 * #awaitConnected(Duration)} first. Events are delivered in order on one dispatcher thread shared
 * by all connections. State listeners run on the reconnect thread, in order, and should be short.
 */
public final class ReconnectingGatewayClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReconnectingGatewayClient.class);
  private static final Duration FAST_RETRY = Duration.ofMillis(250);
  private static final Set<String> PAUSING_CODES =
      Set.of(
          "PAIRING_REQUIRED",
          "DEVICE_IDENTITY_REQUIRED",
          "CONTROL_UI_DEVICE_IDENTITY_REQUIRED",
          "PROTOCOL_MISMATCH",
          "CLIENT_VERSION_MISMATCH");

  private final ClientOptions options;
  private final ReconnectPolicy policy;
  private final EventDispatcher events = new EventDispatcher();
  private final List<Consumer<ConnectionState>> stateListeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread loop;
  private volatile ConnectionState state = new Connecting(1, Optional.empty());
  private volatile @Nullable WebSocketGatewayClient current;
  private volatile boolean closed;
  private boolean wake; // guarded by lock

  private ReconnectingGatewayClient(ClientOptions options, ReconnectPolicy policy) {
    this.options = options;
    this.policy = policy;
    this.loop = Thread.ofVirtual().name("clawgate-reconnect").unstarted(this::run);
  }

  /** Starts a session with the default policy. */
  public static ReconnectingGatewayClient start(ClientOptions options) {
    return start(options, ReconnectPolicy.defaults(), event -> {});
  }

  /**
   * Starts a session; {@code listener} is registered before the first connect, so it sees every
   * event.
   */
  public static ReconnectingGatewayClient start(
      ClientOptions options, ReconnectPolicy policy, Consumer<EventFrame> listener) {
    ReconnectingGatewayClient client =
        new ReconnectingGatewayClient(
            Objects.requireNonNull(options, "null options"),
            Objects.requireNonNull(policy, "null policy"));
    client.events.add(Objects.requireNonNull(listener, "null listener"));
    client.loop.start();
    return client;
  }

  public ConnectionState state() {
    return state;
  }

  /** Adds a state listener; it is called at once with the current state, then on each change. */
  public Subscription onState(Consumer<ConnectionState> listener) {
    Objects.requireNonNull(listener, "null listener");
    lock.lock();
    try {
      stateListeners.add(listener);
      listener.accept(state);
    } finally {
      lock.unlock();
    }
    return () -> stateListeners.remove(listener);
  }

  /** Adds an event listener; events arrive in order on one dispatcher thread. */
  public Subscription onEvent(Consumer<EventFrame> listener) {
    return events.add(Objects.requireNonNull(listener, "null listener"));
  }

  /**
   * Waits until connected and returns the {@code hello-ok}.
   *
   * @throws GatewayErrorException at once when the session is (or becomes) {@link Paused}: that
   *     error says what the user must do
   * @throws ClawgateException {@code UNAVAILABLE} when closed, or not connected within {@code
   *     timeout}
   */
  public HelloOk awaitConnected(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        switch (state) {
          case Connected c -> {
            return c.hello();
          }
          case Paused p -> throw p.cause();
          case Closed c -> throw ClientErrors.notConnected(options.url(), describe(c));
          case Connecting c -> {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
              throw ClientErrors.notConnected(
                  options.url(), describe(c) + "; waited " + timeout.toMillis() + " ms");
            }
            changed.awaitNanos(remaining);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClientErrors.interrupted("the gateway connection");
    } finally {
      lock.unlock();
    }
  }

  /** The current connection's {@code hello-ok}, when connected. */
  public Optional<HelloOk> hello() {
    return state instanceof Connected c ? Optional.of(c.hello()) : Optional.empty();
  }

  /**
   * Sends a request on the current connection; fails at once with {@code UNAVAILABLE} when there is
   * none. See {@link GatewayClient#request(String, JsonNode, Duration)}.
   */
  public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
    WebSocketGatewayClient connection = current;
    ConnectionState now = state;
    if (connection == null || !(now instanceof Connected) || !connection.isOpen()) {
      return CompletableFuture.failedFuture(
          ClientErrors.notConnected(options.url(), describe(now)));
    }
    return connection.request(method, params, timeout);
  }

  /** {@link #request(String, JsonNode, Duration)} with the options' request timeout. */
  public CompletableFuture<JsonNode> request(String method, JsonNode params) {
    return request(method, params, options.requestTimeout());
  }

  /** Sends a request and waits for its payload. */
  public JsonNode call(String method, JsonNode params) {
    return Calls.await(request(method, params), method);
  }

  /** {@link #call(String, JsonNode)} with empty params. */
  public JsonNode call(String method) {
    return call(method, Json.mapper().createObjectNode());
  }

  /**
   * Ends a backoff or pause wait now (for example after the owner approved this device). A paused
   * session is CONNECTING again when this returns, so a following {@link #awaitConnected} waits for
   * the new attempt instead of reporting the old pause.
   */
  public void retryNow() {
    lock.lock();
    try {
      if (state instanceof Paused paused) {
        setState(new Connecting(1, Optional.of(paused.cause())));
      }
      wake = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the current connection (1000) and stops reconnecting; pending requests fail. */
  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    WebSocketGatewayClient connection = current;
    if (connection != null) {
      connection.close();
    }
    setState(new Closed());
    events.shutdown();
  }

  @Override
  public String toString() {
    return "ReconnectingGatewayClient[" + options.url() + ", " + state + "]";
  }

  private void run() {
    int failures = 0;
    boolean fastRetryUsed = false;
    Optional<ClawgateException> lastError = Optional.empty();
    while (!closed) {
      setState(new Connecting(failures + 1, lastError));
      clearWake();
      WebSocketGatewayClient connection = new WebSocketGatewayClient(options, events, false);
      current = connection;
      if (closed) {
        connection.close(); // close() ran before it could see this connection
        break;
      }
      HelloOk hello;
      try {
        hello = Calls.await(connection.start(), "the gateway handshake");
      } catch (RuntimeException failure) {
        current = null;
        ClawgateException e = asClawgate(failure);
        lastError = Optional.of(e);
        if (closed) {
          break;
        }
        if (e instanceof GatewayErrorException refused && pauses(refused)) {
          if (refused.detail() == DetailCode.AUTH_DEVICE_TOKEN_MISMATCH && !fastRetryUsed) {
            fastRetryUsed = true;
            sleep(FAST_RETRY);
          } else {
            log.warn(
                "the gateway at {} refused to connect; paused: {}", options.url(), e.getMessage());
            setState(new Paused(refused));
            sleep(policy.pausedRetry());
          }
          continue;
        }
        failures++;
        log.debug(
            "connecting to {} failed (attempt {}): {}", options.url(), failures, e.getMessage());
        Duration backoff = policy.delay(failures, ThreadLocalRandom.current().nextDouble());
        sleep(e.retryAfterMs().map(Duration::ofMillis).orElse(backoff));
        continue;
      }
      failures = 0;
      fastRetryUsed = false;
      setState(new Connected(hello));
      GatewayClient.Disconnect how = connection.disconnected().toCompletableFuture().join();
      current = null;
      if (closed) {
        break;
      }
      String what = ClientErrors.describe(how.statusCode(), how.reason());
      log.info("connection to {} ended ({}); reconnecting", options.url(), what);
      lastError = Optional.of(ClientErrors.connectionLost(options.url(), what));
      setState(new Connecting(1, lastError));
      sleep(policy.delay(1, ThreadLocalRandom.current().nextDouble()));
    }
    setState(new Closed());
  }

  /** A bug must not end the loop: it is reported and retried like any failure. */
  private static ClawgateException asClawgate(RuntimeException failure) {
    if (failure instanceof ClawgateException known) {
      return known;
    }
    log.warn("unexpected failure while connecting", failure);
    return ClawgateException.of(
            ErrorCode.INTERNAL, DetailCode.INTERNAL_ERROR, "unexpected failure: " + failure)
        .cause(failure)
        .build();
  }

  /** Whether a refused connect needs the user rather than another attempt. */
  static boolean pauses(GatewayErrorException refused) {
    String detail = refused.rawDetailCode().orElse("");
    if (detail.isEmpty()) {
      return refused.rawCode().equals("NOT_PAIRED");
    }
    if (detail.equals(DetailCode.AUTH_RATE_LIMITED.name())) {
      return false;
    }
    return detail.startsWith("AUTH_")
        || detail.startsWith("DEVICE_AUTH_")
        || PAUSING_CODES.contains(detail);
  }

  private void setState(ConnectionState next) {
    lock.lock();
    try {
      if (state instanceof Closed || state.equals(next)) {
        return;
      }
      state = next;
      changed.signalAll();
      for (Consumer<ConnectionState> listener : stateListeners) {
        try {
          listener.accept(next);
        } catch (RuntimeException e) {
          log.warn("state listener failed on {}", next, e);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits {@code delay}, or less when closed or woken by {@link #retryNow()}. */
  private void sleep(Duration delay) {
    lock.lock();
    try {
      long remaining = delay.toNanos();
      while (!closed && !wake && remaining > 0) {
        remaining = changed.awaitNanos(remaining);
      }
      wake = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true; // nobody but close() has reason to interrupt this private thread
    } finally {
      lock.unlock();
    }
  }

  private void clearWake() {
    lock.lock();
    try {
      wake = false;
    } finally {
      lock.unlock();
    }
  }

  private static String describe(ConnectionState state) {
    return switch (state) {
      case Connecting c ->
          "reconnecting (attempt "
              + c.attempt()
              + c.lastError().map(e -> "; last error: " + e.getMessage()).orElse("")
              + ")";
      case Connected c -> "connected";
      case Paused p -> "paused: " + p.cause().getMessage();
      case Closed c -> "the client is closed";
    };
  }
}
