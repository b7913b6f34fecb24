package dev.clawgate.cli;

import dev.clawgate.client.ConnectionState;
import dev.clawgate.client.ConnectionState.Closed;
import dev.clawgate.client.ConnectionState.Connected;
import dev.clawgate.client.ConnectionState.Connecting;
import dev.clawgate.client.ConnectionState.Paused;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.client.ReconnectingGatewayClient;
import dev.clawgate.mcp.tools.GatewayMethodPort;
import dev.clawgate.mcp.tools.PortException;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation tools' view of a gateway, over a {@link ReconnectingGatewayClient}: {@code mcp
 * serve}'s side of {@link ConversationPort}.
 *
 * <p>Ready means connected and subscribed: after every {@code hello-ok} the port calls {@code
 * sessions.subscribe}, and only its answer makes the connection ready, so a tool never reads from a
 * connection that would miss the events it then waits for. The client is attached once it has been
 * created ({@link #attach}); until then, and while reconnecting, tools wait in {@link #awaitReady}
 * up to their bound. A paused client (refused token, pairing required) fails them at once with the
 * gateway's own explanation, which names the approve command.
 */
final class GatewayConversationPort extends GatewayMethodPort implements Consumer<EventFrame> {
  private static final String NOT_READY = "Gateway client is not ready";

  private final Duration requestTimeout;
  private final List<GatewayEventListener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private @Nullable ReconnectingGatewayClient client; // guarded by lock
  private @Nullable HelloOk ready; // guarded by lock: the hello-ok whose subscribe succeeded
  private @Nullable String failure; // guarded by lock: why the client cannot be created

  GatewayConversationPort(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  /**
   * Attaches the running client; from now on its states drive readiness. Register this port as the
   * client's event listener when starting it ({@link #accept}), so no event is missed.
   */
  void attach(ReconnectingGatewayClient started) {
    lock.lock();
    try {
      client = started;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    started.onState(state -> onState(started, state));
  }

  /** Records that no client will come (the options could not be resolved): tools say why. */
  void failed(String reason) {
    lock.lock();
    try {
      failure = reason;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void onState(ReconnectingGatewayClient owner, ConnectionState state) {
    lock.lock();
    try {
      ready = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (state instanceof Connected connected) {
      HelloOk hello = connected.hello();
      owner
          .request("sessions.subscribe", Json.mapper().createObjectNode(), requestTimeout)
          .whenComplete((payload, error) -> {
            if (error == null) {
              markReady(owner, hello);
            }
            // A failed subscribe leaves the connection not ready; the next hello-ok (after the
            // client reconnects) tries again.
          });
    }
  }

  private void markReady(ReconnectingGatewayClient owner, HelloOk hello) {
    lock.lock();
    try {
      if (owner.state() instanceof Connected now && now.hello() == hello) {
        ready = hello;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void accept(EventFrame frame) {
    if (!EVENTS.contains(frame.event())) {
      return;
    }
    JsonNode payload = frame.payload().orElse(Json.mapper().createObjectNode());
    for (GatewayEventListener listener : listeners) {
      listener.onEvent(frame.event(), payload);
    }
  }

  @Override
  public AutoCloseable subscribe(GatewayEventListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void awaitReady(Duration timeout) throws InterruptedException {
    readyClient(timeout);
  }

  private ReconnectingGatewayClient readyClient(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        if (failure != null) {
          throw new PortException(NOT_READY + ": " + failure);
        }
        ReconnectingGatewayClient current = client;
        if (current != null) {
          ConnectionState state = current.state();
          if (ready != null && state instanceof Connected) {
            return current;
          }
          if (state instanceof Paused paused) {
            throw new PortException(NOT_READY + ": " + paused.cause().getMessage());
          }
          if (state instanceof Closed) {
            throw new PortException(NOT_READY + ": the bridge is shutting down");
          }
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new PortException(
              NOT_READY + ": " + describe(current) + " (waited " + timeout.toMillis() + " ms)");
        }
        changed.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  /** What the connection is doing, for a "not ready" answer. */
  private static String describe(@Nullable ReconnectingGatewayClient current) {
    if (current == null) {
      return "still starting";
    }
    return switch (current.state()) {
      case Connecting c ->
          c.lastError()
              .map(e ->
                  "connecting (attempt " + c.attempt() + "; last error: " + e.getMessage() + ")")
              .orElse("connecting");
      case Connected c -> "connected, subscribing to events";
      case Paused p -> p.cause().getMessage();
      case Closed c -> "closed";
    };
  }

  @Override
  protected boolean offersMessageLookup() throws InterruptedException {
    return readyClient(requestTimeout)
        .hello()
        .map(h -> h.methods().contains("chat.message.get"))
        .orElse(false);
  }

  @Override
  protected JsonNode call(String method, ObjectNode params) throws InterruptedException {
    return call(readyClient(requestTimeout), method, params);
  }

  private JsonNode call(ReconnectingGatewayClient current, String method, ObjectNode params)
      throws InterruptedException {
    CompletableFuture<JsonNode> answer = current.request(method, params, requestTimeout);
    try {
      // The client enforces the request timeout; the extra second only guards against a lost
      // completion.
      return answer.get(requestTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      answer.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      throw portFailure(e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException | CancellationException e) {
      throw new PortException("gateway request timeout for " + method);
    }
  }

  private static PortException portFailure(Throwable cause) {
    if (cause instanceof GatewayErrorException gateway) {
      return new PortException(gateway.error().message());
    }
    if (cause instanceof ClawgateException clawgate) {
      return new PortException(clawgate.getMessage());
    }
    return new PortException("gateway request failed: " + cause.getClass().getSimpleName());
  }
}
