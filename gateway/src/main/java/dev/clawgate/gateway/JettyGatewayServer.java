package dev.clawgate.gateway;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.pairing.ConnectAuthorizer;
import dev.clawgate.gateway.internal.JettyEndpoint;
import dev.clawgate.gateway.metrics.GatewayMetrics;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.ProtocolLimits;
import dev.clawgate.protocol.ScopeSet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@link GatewayServer} on embedded Jetty: core handlers, the core WebSocket API and virtual
 * threads. The handler tree is {@code ContextHandler("/") → WebSocketUpgradeHandler (upgrades at
 * "/" and "/ws") → HttpRoutes (everything else)}.
 */
final class JettyGatewayServer implements GatewayServer {
  private static final Logger LOG = LoggerFactory.getLogger(JettyGatewayServer.class);

  /** Listen backlog (the kernel caps it at net.core.somaxconn). */
  private static final int ACCEPT_QUEUE = 1024;

  private enum Phase {
    NEW,
    STARTED,
    CLOSED
  }

  private final GatewayConfig config;
  private final ConnectAuthorizer authorizer;
  private final ServerSettings settings;
  private final MethodRegistry registry;
  private final Connections connections = new Connections();
  private final Dispatcher dispatcher;
  private final List<HttpRoutes.Mount> httpMounts;
  private final List<HttpRoutes.Route> httpRoutes;

  // Guarded by this.
  private Phase phase = Phase.NEW;
  private @Nullable Server jetty;
  private @Nullable ServerConnector connector;
  private @Nullable ScheduledExecutorService timer;
  private @Nullable ScheduledFuture<?> ticks;

  private volatile long startedAtMs;
  private volatile boolean ready;

  JettyGatewayServer(GatewayServer.Builder builder) {
    this.config = builder.config;
    this.authorizer = builder.authorizer;
    this.settings =
        new ServerSettings(
            builder.clock,
            builder.serverVersion,
            builder.handshakeTimeout,
            builder.tickInterval,
            builder.maxBufferedBytes,
            builder.shutdownGrace);
    List<MethodSpec> all =
        new ArrayList<>(
            BuiltinMethods.of(
                settings.clock(),
                settings.serverVersion(),
                this::uptimeMs,
                this::connectionCount,
                builder.statusDetails));
    all.addAll(builder.methods);
    this.registry = MethodRegistry.of(all);
    GatewayMetrics metrics = builder.metrics;
    if (metrics != null) {
      metrics.attachServer(registry.names(), this::connectionCount);
    }
    this.dispatcher = new Dispatcher(registry, metrics);
    this.httpMounts = List.copyOf(builder.httpMounts);
    this.httpRoutes = List.copyOf(builder.httpRoutes);
  }

  @Override
  public synchronized void start() {
    if (phase != Phase.NEW) {
      throw new IllegalStateException(
          "gateway server already " + phase.name().toLowerCase(Locale.ROOT));
    }
    refuseUnsafeBind();
    ScheduledThreadPoolExecutor newTimer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("clawgate-timer").daemon().factory());
    // Nearly every handshake timeout is cancelled by its hello-ok; without this each one would stay
    // queued for 15 s (tens of thousands of dead tasks under load).
    newTimer.setRemoveOnCancelPolicy(true);
    AuthRateLimiter limiter = new AuthRateLimiter(config.auth().rateLimit(), settings.clock());
    ConnectionServices services =
        new ConnectionServices(
            settings,
            new Handshake(
                authorizer, limiter, config.auth().rateLimit().exemptLoopback(), settings.clock()),
            dispatcher,
            registry,
            connections,
            newTimer);

    VirtualThreadPool threads = new VirtualThreadPool();
    threads.setName("clawgate-jetty");
    // No global cap (Jetty's default is 200 concurrent tasks): a handshake waiting on the store or
    // a connection paused at its in-flight limit holds one task, and must not starve the others.
    // Concurrency is bounded per connection instead (GatewayConnection.MAX_IN_FLIGHT).
    threads.setMaxConcurrentTasks(0);
    Server server = new Server(threads);
    ServerConnector newConnector = new ServerConnector(server);
    // The JDK's default listen backlog of 50 drops SYNs when clients reconnect together (after a
    // restart) or connect in bursts; a dropped SYN costs the client a 1 s retransmit.
    newConnector.setAcceptQueueSize(ACCEPT_QUEUE);
    newConnector.setHost(config.bindHost());
    newConnector.setPort(config.port());
    server.addConnector(newConnector);
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler upgrades =
        WebSocketUpgradeHandler.from(
            server,
            context,
            container -> {
              container.setMaxTextMessageSize(ProtocolLimits.MAX_PAYLOAD_BYTES);
              container.setIdleTimeout(idleTimeout());
              // Two exact paths, "/" and "/ws". (A RegexPathSpec would cost two exceptions per
              // upgrade: Jetty looks up the named groups "name" and "info" it does not have.)
              for (String path : List.of("", "/ws")) {
                container.addMapping(
                    new ServletPathSpec(path),
                    (request, response, callback) ->
                        createEndpoint(services, request, response, callback));
              }
            });
    upgrades.setHandler(
        new HttpRoutes(
            settings.serverVersion(),
            this::uptimeMs,
            () -> ready && !connections.closing(),
            httpMounts,
            httpRoutes,
            config.trustedProxies()));
    context.setHandler(upgrades);
    server.setHandler(context);
    // close() drains WebSockets itself within the grace; Jetty's own graceful stop would only
    // wait for idle HTTP keep-alive connections, so it stops at once.
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      newTimer.shutdownNow();
      phase = Phase.CLOSED;
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.INVALID_CONFIG,
              "cannot listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage())
          .cause(e)
          .build();
    }
    startedAtMs = settings.clock().millis();
    long tickMs = settings.tickInterval().toMillis();
    ticks = newTimer.scheduleAtFixedRate(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    jetty = server;
    connector = newConnector;
    timer = newTimer;
    phase = Phase.STARTED;
    LOG.info("gateway listening on {}:{}", config.bindHost(), newConnector.getLocalPort());
  }

  @Override
  public synchronized int port() {
    ServerConnector current = connector;
    if (current == null) {
      throw new IllegalStateException("gateway server not started");
    }
    return current.getLocalPort();
  }

  @Override
  public EventBus events() {
    return connections;
  }

  @Override
  public int connectionCount() {
    return connections.openCount();
  }

  @Override
  public MethodRegistry methods() {
    return registry;
  }

  @Override
  public void markReady() {
    ready = true;
  }

  @Override
  public JsonNode invoke(MethodCall call) {
    Objects.requireNonNull(call, "null call");
    if (connections.closing()) {
      throw ClawgateException.of(
              ErrorCode.UNAVAILABLE, DetailCode.SHUTTING_DOWN, "the gateway is stopping")
          .build();
    }
    return dispatcher.invoke(call);
  }

  @Override
  public LocalAttachment attachLocal(
      String connId, ScopeSet scopes, BiConsumer<String, JsonNode> receiver) {
    Runnable detach = connections.attachLocal(connId, scopes, receiver);
    return detach::run;
  }

  @Override
  public void close() {
    Server server;
    ScheduledExecutorService currentTimer;
    synchronized (this) {
      if (phase != Phase.STARTED) {
        phase = Phase.CLOSED;
        return;
      }
      phase = Phase.CLOSED;
      server = jetty;
      currentTimer = timer;
      ScheduledFuture<?> currentTicks = ticks;
      if (currentTicks != null) {
        currentTicks.cancel(false);
      }
    }
    connections.shutdown();
    if (!connections.awaitAllClosed(settings.shutdownGrace())) {
      LOG.warn(
          "{} sockets still open after the shutdown grace; stopping anyway",
          connections.socketCount());
    }
    if (server != null) {
      stopQuietly(server);
    }
    if (currentTimer != null) {
      currentTimer.shutdownNow();
    }
    LOG.info("gateway stopped");
  }

  private @Nullable Object createEndpoint(
      ConnectionServices services,
      ServerUpgradeRequest request,
      ServerUpgradeResponse response,
      Callback callback) {
    if (connections.closing()) {
      Response.writeError(
          request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "gateway shutting down");
      return null;
    }
    HttpFields headers = request.getHeaders();
    PeerInfo peer =
        PeerInfo.resolve(
            Request.getRemoteAddr(request), name -> header(headers, name), config.trustedProxies());
    return new JettyEndpoint(new GatewayConnection(services, peer));
  }

  /** All values of a header joined with commas (several X-Forwarded-For lines form one chain). */
  static Optional<String> header(HttpFields headers, String name) {
    List<String> values = headers.getValuesList(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join(",", values));
  }

  private void tick() {
    try {
      connections.tick(settings.clock().millis());
    } catch (RuntimeException e) {
      // A failed tick must not cancel the schedule.
      LOG.warn("tick failed", e);
    }
  }

  private long uptimeMs() {
    long started = startedAtMs;
    return started == 0 ? 0 : Math.max(0, settings.clock().millis() - started);
  }

  /** Jetty's idle timeout must never beat the protocol's own timers. */
  private Duration idleTimeout() {
    Duration idle = Duration.ofMinutes(2);
    Duration ticks3 = settings.tickInterval().multipliedBy(3);
    Duration handshake2 = settings.handshakeTimeout().multipliedBy(2);
    if (ticks3.compareTo(idle) > 0) {
      idle = ticks3;
    }
    return handshake2.compareTo(idle) > 0 ? handshake2 : idle;
  }

  /** Non-loopback binds refuse to start without auth (ARCHITECTURE.md, pairing.md). */
  private void refuseUnsafeBind() {
    if (config.auth().mode() != AuthMode.NONE) {
      return;
    }
    String host = config.bindHost();
    boolean loopback;
    try {
      loopback =
          Arrays.stream(InetAddress.getAllByName(host)).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.INVALID_CONFIG,
              "refusing to start: gateway.bind is "
                  + config.bind().name().toLowerCase(Locale.ROOT)
                  + " ("
                  + host
                  + ") but gateway.auth.mode is none; set gateway.auth.mode to token or"
                  + " password, or bind to loopback")
          .detail("bind", config.bind().name().toLowerCase(Locale.ROOT))
          .detail("host", host)
          .build();
    }
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("jetty did not stop cleanly", e);
    }
  }
}
