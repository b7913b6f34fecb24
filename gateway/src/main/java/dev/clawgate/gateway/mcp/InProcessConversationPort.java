package dev.clawgate.gateway.mcp;

import dev.clawgate.gateway.GatewayEvents;
import dev.clawgate.gateway.GatewayServer;
import dev.clawgate.gateway.MethodCall;
import dev.clawgate.gateway.conversations.RowTexts;
import dev.clawgate.mcp.tools.GatewayMethodPort;
import dev.clawgate.mcp.tools.PortException;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.SerializableString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/**
 * The conversation tools' view of the gateway they run in: {@link ConversationPort} for one
 * authenticated principal, with no socket.
 *
 * <p>Each call runs the method a WebSocket connection of the principal would call ({@code
 * sessions.list}, {@code sessions.describe}, {@code sessions.get}, {@code chat.message.get}, {@code
 * send}, {@code exec|plugin.approval.resolve}) through {@link GatewayServer#invoke}: the same scope
 * check, params validation and handler, so a refusal carries the message a connection would read
 * (thrown as {@link PortException}) and an answer is the same JSON, as a plain tree (rows the
 * gateway keeps pre-serialized are parsed). Calls run on their own virtual thread, as a
 * connection's requests do, and the caller waits interruptibly: an interrupted call throws {@link
 * InterruptedException} at once while the handler finishes on its own, as when a client stops
 * waiting for a response.
 *
 * <p>Events: each {@link #subscribe} attaches an in-process receiver ({@link
 * GatewayServer#attachLocal}) holding the principal's scopes and invokes {@code sessions.subscribe}
 * for it, so it hears what a connection of the principal that subscribed would hear: {@code
 * session.message} when the principal holds {@code operator.read} (or write, admin), {@code
 * exec|plugin.approval.requested|resolved} when it holds {@code operator.approvals} (or admin); the
 * other events are dropped here. They reach the listener in the gateway's order on the
 * subscription's own virtual thread ({@link EventPump}), never blocking the gateway.
 *
 * <p>Thread-safe. {@link #close} ends every subscription and fails later calls; so does the gateway
 * stopping (its in-process receivers are detached as its sockets are closed).
 */
public final class InProcessConversationPort extends GatewayMethodPort implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessConversationPort.class);

  /** Most events one subscription holds undelivered before dropping the oldest. */
  static final int EVENT_QUEUE_CAPACITY = 1_000;

  static final String STOPPING = "Gateway client is not ready: the gateway is stopping";

  private final GatewayServer gateway;
  private volatile McpPrincipal principal;
  private final int eventQueueCapacity;
  private final AtomicLong requests = new AtomicLong();
  private final Map<Subscription, Boolean> subscriptions = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile boolean gatewayStopping; // a subscription heard the gateway's shutdown

  /** A port acting for {@code principal} on {@code gateway} (started). */
  public InProcessConversationPort(GatewayServer gateway, McpPrincipal principal) {
    this(gateway, principal, EVENT_QUEUE_CAPACITY);
  }

  InProcessConversationPort(GatewayServer gateway, McpPrincipal principal, int eventQueueCapacity) {
    this.gateway = Objects.requireNonNull(gateway, "null gateway");
    this.principal = Objects.requireNonNull(principal, "null principal");
    this.eventQueueCapacity = eventQueueCapacity;
  }

  /** Who this port acts for. */
  public McpPrincipal principal() {
    return principal;
  }

  /**
   * Acts for {@code changed} from now on: the same principal (same id) with other scopes, after a
   * step-up authorization or a narrower token. Later calls carry the new scopes, and event
   * subscriptions are attached again with them, so the port never hears more than a connection of
   * the new scopes would.
   */
  public void rebind(McpPrincipal changed) {
    Objects.requireNonNull(changed, "null changed");
    if (!changed.id().equals(principal.id())) {
      throw new IllegalArgumentException("a port keeps its principal; only scopes may change");
    }
    McpPrincipal before = principal;
    principal = changed;
    if (!before.scopes().equals(changed.scopes())) {
      for (Subscription subscription : subscriptions.keySet()) {
        subscription.reattach();
      }
    }
  }

  @Override
  public void awaitReady(Duration timeout) {
    if (closed || gatewayStopping) {
      throw new PortException(STOPPING);
    }
  }

  @Override
  protected boolean offersMessageLookup() {
    return true;
  }

  @Override
  public AutoCloseable subscribe(GatewayEventListener listener) {
    Objects.requireNonNull(listener, "null listener");
    if (closed) {
      return () -> {};
    }
    String connId = "mcp-" + UUID.randomUUID();
    EventPump pump = new EventPump(listener, eventQueueCapacity, principal.name() + "/" + connId);
    Subscription subscription = new Subscription(pump, connId);
    if (!subscription.attach()) {
      return () -> {}; // the gateway is stopping: no events will come
    }
    subscriptions.put(subscription, Boolean.TRUE);
    pump.start();
    if (closed) {
      subscription.close();
    }
    return subscription;
  }

  /**
   * Ends every subscription; later calls fail with {@link #STOPPING}, as they do once a
   * subscription heard the gateway stop. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (Subscription subscription : subscriptions.keySet()) {
      subscription.close();
    }
  }

  private final class Subscription implements AutoCloseable {
    private final EventPump pump;
    private final String connId;
    private volatile GatewayServer.@Nullable LocalAttachment attachment;

    Subscription(EventPump pump, String connId) {
      this.pump = pump;
      this.connId = connId;
    }

    /** Attaches to the event bus with the principal's scopes; false when the gateway stops. */
    synchronized boolean attach() {
      try {
        attachment =
            gateway.attachLocal(
                connId,
                principal.scopes(),
                (event, payload) -> {
                  if (EVENTS.contains(event)) {
                    pump.offer(event, payload);
                  } else if (event.equals(GatewayEvents.SHUTDOWN)) {
                    gatewayStopping = true;
                  }
                });
      } catch (IllegalStateException e) {
        return false;
      }
      try {
        // As a connection of this principal would: without operator.read it is refused, and the
        // subscription hears approval events only.
        var _ =
            gateway.invoke(
                methodCall("sessions.subscribe", Json.mapper().createObjectNode(), connId));
      } catch (ClawgateException e) {
        LOG.debug("{}: no session events ({})", principal.name(), e.getMessage());
      }
      return true;
    }

    /** Attaches again with the principal's current scopes. */
    synchronized void reattach() {
      GatewayServer.LocalAttachment old = attachment;
      if (old != null) {
        old.close();
      }
      attachment = null;
      if (!closed) {
        var _ = attach();
      }
    }

    @Override
    public synchronized void close() {
      pump.close();
      GatewayServer.LocalAttachment current = attachment;
      if (current != null) {
        current.close();
      }
      subscriptions.remove(this);
    }
  }

  private MethodCall methodCall(String method, ObjectNode params, String connId) {
    return new MethodCall(
        method,
        "mcp-" + requests.incrementAndGet(),
        Optional.of(params),
        connId,
        Role.OPERATOR,
        principal.scopes(),
        Optional.empty(),
        principal.remoteAddress(),
        false,
        principal.name());
  }

  @Override
  protected JsonNode call(String method, ObjectNode params) throws InterruptedException {
    if (closed || gatewayStopping) {
      throw new PortException(STOPPING);
    }
    if (Thread.interrupted()) {
      throw new InterruptedException(method + " not called: interrupted");
    }
    MethodCall call = methodCall(method, params, principal.id());
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("clawgate-mcp-req-" + principal.id())
        .start(() -> {
          try {
            answer.complete(plain(gateway.invoke(call)));
          } catch (Throwable e) {
            answer.completeExceptionally(e);
          }
        });
    try {
      return answer.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ClawgateException refused) {
        throw new PortException(refused.getMessage());
      }
      LOG.warn("in-process {} failed", method, cause);
      throw new PortException(
          "gateway request failed: "
              + (cause == null ? "unknown error" : cause.getClass().getSimpleName()));
    }
  }

  /**
   * {@code node} as an ordinary tree: values the gateway embedded as pre-serialized JSON text (raw
   * values) are parsed in place. Nothing is copied when there are none.
   */
  static JsonNode plain(JsonNode node) {
    if (node instanceof POJONode pojo) {
      return parsed(pojo);
    }
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> property : object.properties()) {
        JsonNode value = property.getValue();
        if (value.isContainer() || value instanceof POJONode) {
          JsonNode converted = plain(value);
          if (converted != value) {
            property.setValue(converted);
          }
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode value = array.get(i);
        if (value.isContainer() || value instanceof POJONode) {
          JsonNode converted = plain(value);
          if (converted != value) {
            array.set(i, converted);
          }
        }
      }
    }
    return node;
  }

  private static JsonNode parsed(POJONode pojo) {
    Object value = pojo.getPojo();
    if (value instanceof RawValue raw) {
      Object text = raw.rawValue();
      if (text instanceof RowTexts.RowJson row) {
        return row.tree();
      }
      if (text instanceof SerializableString serializable) {
        text = serializable.getValue();
      }
      if (text instanceof String json) {
        return Json.mapper().readTree(json);
      }
    }
    return Json.mapper().valueToTree(value);
  }
}
