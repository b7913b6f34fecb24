package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.ErrorShape;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ProtocolVersions;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.ResponseFrame;
import dev.clawgate.protocol.device.DeviceProofVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small gateway that speaks the handshake and a few test methods, on Jetty's WebSocket server on
 * loopback. It sends {@code connect.challenge}, verifies a device signature against that nonce like
 * the real gateway, and answers the connect as {@link #connectPolicy} says.
 *
 * <p>Methods: {@code echo} (payload = params), {@code slowEcho} (after {@code params.delayMs}),
 * {@code fail} (error = {@code params.error} verbatim), {@code never} (no answer), {@code partial}
 * (payload {@code {"text": params.text}} sent in {@code params.parts} partial frames), {@code
 * strayFirst} (an answer to an unknown id first, then the echo), {@code emit} ({@code params.count}
 * events {@code test.event} with seq 1..count, then an empty answer), {@code big} (a payload of
 * {@code params.bytes} characters).
 */
public final class TestGateway implements AutoCloseable {
  /** What the gateway answers to a connect. */
  sealed interface ConnectReply {
    /** Accept, issuing {@code deviceToken} if present. */
    record Accept(Optional<String> deviceToken) implements ConnectReply {}

    /** Refuse with {@code error}, then close with {@code closeCode}. */
    record Refuse(ErrorShape error, int closeCode) implements ConnectReply {}
  }

  volatile Function<ConnectParams, ConnectReply> connectPolicy =
      params -> new ConnectReply.Accept(Optional.empty());
  volatile long tickIntervalMs = 30_000;
  volatile long maxPayload = 25L * 1024 * 1024;
  volatile boolean sendChallenge = true;

  final AtomicInteger connects = new AtomicInteger();
  final List<ConnectParams> connectRequests = new CopyOnWriteArrayList<>();
  final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
  final Set<Conn> open = ConcurrentHashMap.newKeySet();

  private volatile @Nullable Server server;
  private volatile int port;

  private TestGateway() {}

  static TestGateway start() throws Exception {
    TestGateway gateway = new TestGateway();
    gateway.startServer(0);
    return gateway;
  }

  GatewayUrl url() {
    return GatewayUrl.parse("ws://127.0.0.1:" + port);
  }

  /** Drops every connection without a close frame and stops listening (a crash). */
  void stop() throws Exception {
    open.forEach(c -> c.session().disconnect());
    Server current = server;
    if (current != null) {
      current.stop();
    }
  }

  /** Starts again on the same port. */
  void restart() throws Exception {
    startServer(port);
  }

  /** Sends an event to every open connection. */
  void broadcast(EventFrame event) {
    open.forEach(c -> c.send(event));
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  private void startServer(int wantedPort) throws Exception {
    Server next = new Server();
    ServerConnector connector = new ServerConnector(next);
    connector.setHost("127.0.0.1");
    connector.setPort(wantedPort);
    next.addConnector(connector);
    next.setHandler(
        WebSocketUpgradeHandler.from(
            next,
            container -> {
              container.setIdleTimeout(Duration.ofMinutes(5));
              container.setMaxTextMessageSize(64L * 1024 * 1024);
              container.addMapping("/", (request, response, callback) -> new Conn());
            }));
    next.setStopTimeout(0);
    next.start();
    port = connector.getLocalPort();
    server = next;
  }

  /** One client connection. */
  public final class Conn implements Session.Listener.AutoDemanding {
    private final ReentrantLock sendLock = new ReentrantLock();
    private final String nonce = UUID.randomUUID().toString();
    private volatile @Nullable Session session;
    private volatile boolean connected;

    Session session() {
      Session current = session;
      if (current == null) {
        throw new IllegalStateException("not open");
      }
      return current;
    }

    @Override
    public void onWebSocketOpen(Session opened) {
      session = opened;
      open.add(this);
      if (sendChallenge) {
        ObjectNode payload = Json.mapper().createObjectNode();
        payload.put("nonce", nonce);
        payload.put("ts", System.currentTimeMillis());
        send(EventFrame.of("connect.challenge", payload, 0));
      }
    }

    @Override
    public void onWebSocketText(String text) {
      Frame frame = Frames.parse(text);
      if (!(frame instanceof RequestFrame request)) {
        throw new IllegalStateException("clients send requests only: " + text);
      }
      if (!connected) {
        handleConnect(request);
      } else {
        handle(request);
      }
    }

    @Override
    public void onWebSocketClose(int statusCode, @Nullable String reason, Callback callback) {
      closeCodes.add(statusCode);
      open.remove(this);
      callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      // a client that went away mid-send; the close callback records it
    }

    private void handleConnect(RequestFrame request) {
      if (!request.method().equals("connect")) {
        throw new IllegalStateException("first frame must be connect, was " + request.method());
      }
      ConnectParams params = ConnectParams.parse(request.params());
      connectRequests.add(params);
      connects.incrementAndGet();
      if (params.device().isPresent()) {
        try {
          DeviceProofVerifier.verify(params, nonce, System.currentTimeMillis());
        } catch (ClawgateException e) {
          refuse(request.id(), e.toErrorShape(), 1008);
          return;
        }
      }
      switch (connectPolicy.apply(params)) {
        case ConnectReply.Accept accept -> {
          connected = true;
          send(ResponseFrame.success(request.id(), hello(params, accept.deviceToken()).toNode()));
        }
        case ConnectReply.Refuse refuse -> refuse(request.id(), refuse.error(), refuse.closeCode());
      }
    }

    private void refuse(String id, ErrorShape error, int closeCode) {
      send(ResponseFrame.failure(id, error));
      session().close(closeCode, "connect refused", Callback.NOOP);
    }

    private HelloOk hello(ConnectParams params, Optional<String> deviceToken) {
      return new HelloOk(
          Math.min(params.maxProtocol(), ProtocolVersions.MAX),
          "test-gateway",
          UUID.randomUUID().toString(),
          List.of("echo", "slowEcho", "fail", "never", "partial", "strayFirst", "emit", "big"),
          List.of("tick", "test.event"),
          Optional.empty(),
          new HelloOk.Auth(
              Optional.of(deviceToken.isPresent() ? "device-token" : "token"),
              params.role(),
              params.scopeNames(),
              deviceToken,
              deviceToken.map(t -> System.currentTimeMillis())),
          new HelloOk.Policy(maxPayload, 2 * maxPayload, tickIntervalMs));
    }

    private void handle(RequestFrame request) {
      JsonNode params = request.params().orElseGet(() -> Json.mapper().createObjectNode());
      String id = request.id();
      switch (request.method()) {
        case "echo" -> send(ResponseFrame.success(id, params));
        case "slowEcho" ->
            Thread.ofVirtual()
                .start(() -> {
                  sleep(params.path("delayMs").asLong(0));
                  send(ResponseFrame.success(id, params));
                });
        case "fail" -> sendRaw(failure(id, params.path("error")));
        case "never" -> {}
        case "partial" -> {
          ObjectNode payload = Json.mapper().createObjectNode();
          payload.put("text", params.path("text").asString(""));
          sendInParts(
              Frames.write(ResponseFrame.success(id, payload)), params.path("parts").asInt(2));
        }
        case "strayFirst" -> {
          send(ResponseFrame.success("999:not-a-request-of-yours", params));
          send(ResponseFrame.success(id, params));
        }
        case "emit" -> {
          for (int seq = 1; seq <= params.path("count").asInt(1); seq++) {
            ObjectNode payload = Json.mapper().createObjectNode();
            payload.put("n", seq);
            send(EventFrame.of("test.event", payload, seq));
          }
          send(ResponseFrame.success(id, Json.mapper().createObjectNode()));
        }
        case "big" -> {
          ObjectNode payload = Json.mapper().createObjectNode();
          payload.put("text", "x".repeat(params.path("bytes").asInt(0)));
          send(ResponseFrame.success(id, payload));
        }
        default -> throw new IllegalStateException("unknown test method " + request.method());
      }
    }

    void send(Frame frame) {
      sendRaw(Frames.write(frame));
    }

    void sendRaw(String text) {
      sendLock.lock();
      try {
        Callback.Completable done = new Callback.Completable();
        session().sendText(text, done);
        done.get();
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException(e);
      } finally {
        sendLock.unlock();
      }
    }

    private void sendInParts(String text, int parts) {
      sendLock.lock();
      try {
        int size = (text.length() + parts - 1) / parts;
        for (int start = 0; start < text.length(); start += size) {
          int end = Math.min(text.length(), start + size);
          Callback.Completable done = new Callback.Completable();
          session().sendPartialText(text.substring(start, end), end == text.length(), done);
          done.get();
        }
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException(e);
      } finally {
        sendLock.unlock();
      }
    }
  }

  private static String failure(String id, JsonNode error) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("type", "res");
    node.put("id", id);
    node.put("ok", false);
    node.set("error", error);
    return node.toString();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
