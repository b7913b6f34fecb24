package dev.clawgate.gateway;

import dev.clawgate.core.approvals.ApprovalService;
import dev.clawgate.core.config.ChannelsConfig;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.oauth.OAuthEvents;
import dev.clawgate.core.oauth.OAuthServer;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.runtime.GatewayRuntime;
import dev.clawgate.core.runtime.StateDirLock;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.gateway.approvals.ApprovalEvents;
import dev.clawgate.gateway.approvals.ApprovalMethods;
import dev.clawgate.gateway.channels.ChannelFactory;
import dev.clawgate.gateway.channels.ChannelHub;
import dev.clawgate.gateway.conversations.SessionMethods;
import dev.clawgate.gateway.conversations.StatusSummary;
import dev.clawgate.gateway.conversations.Subscriptions;
import dev.clawgate.gateway.mcp.McpEndpoint;
import dev.clawgate.gateway.mcp.http.Authenticator;
import dev.clawgate.gateway.mcp.http.BearerChallenges;
import dev.clawgate.gateway.metrics.GatewayMetrics;
import dev.clawgate.gateway.metrics.MetricsHandler;
import dev.clawgate.gateway.oauth.HttpClientDocuments;
import dev.clawgate.gateway.oauth.OAuthEndpoints;
import dev.clawgate.gateway.oauth.TokenAuthenticator;
import dev.clawgate.gateway.oauth.TokenMethods;
import dev.clawgate.gateway.pairing.PairingEvents;
import dev.clawgate.gateway.pairing.PairingMethods;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway as {@code clawgate gateway run} runs it: the state store, the pairing service
 * (announcing requests through the server's event bus), the server with the pairing methods, and a
 * periodic sweep of expired pairing requests. This is the one place these parts are wired together,
 * so tests that start it run exactly what production runs.
 *
 * <p>Life cycle: {@link #start} opens the store, sweeps once, binds the port and starts the
 * sweeper; {@link #close} stops them in the reverse order (sweeper, then server, whose open
 * connections may still use the store, then store).
 */
public final class GatewayApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

  /** How often expired pairing requests are swept and old records pruned. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);

  /**
   * How long a starting gateway waits for an owner command that is applying a change to the state
   * dir directly (one short transaction) before giving up.
   */
  static final Duration LOCK_PATIENCE = Duration.ofSeconds(15);

  private final GatewayConfig config;
  private final StateDirLock lock;
  private final StateStore store;
  private final GatewayServer server;
  private final ChannelHub hub;
  private final ScheduledExecutorService sweeper;
  private final HttpClientDocuments clientDocuments;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GatewayApp(
      GatewayConfig config,
      StateDirLock lock,
      StateStore store,
      GatewayServer server,
      ChannelHub hub,
      ScheduledExecutorService sweeper,
      HttpClientDocuments clientDocuments) {
    this.config = config;
    this.lock = lock;
    this.store = store;
    this.server = server;
    this.hub = hub;
    this.sweeper = sweeper;
    this.clientDocuments = clientDocuments;
  }

  /**
   * Opens the state store of {@code config}, starts the gateway on its port and returns once it is
   * listening.
   *
   * @param clock the clock of pairing (TTLs, token times) and of the server (challenges,
   *     signatures, rate limits); production uses {@link Clock#systemUTC()}
   * @throws dev.clawgate.protocol.ClawgateException {@code STORE_UNAVAILABLE} when another gateway
   *     runs on the state dir or the store cannot be opened, {@code INVALID_CONFIG} when the port
   *     cannot be bound; nothing is left open
   */
  public static GatewayApp start(GatewayConfig config, Clock clock) {
    Objects.requireNonNull(config, "null config");
    Objects.requireNonNull(clock, "null clock");
    StateDirLock lock =
        StateDirLock.acquire(config.stateDir(), StateDirLock.Holder.GATEWAY, LOCK_PATIENCE);
    StateStore store;
    try {
      store = StateStore.open(config.databaseFile());
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    @Nullable ChannelHub hub = null;
    // Nothing is opened before its first fetch.
    HttpClientDocuments clientDocuments = HttpClientDocuments.publicInternet();
    try {
      // The service needs its listener before the server exists; it is attached once started.
      PairingEvents events = PairingEvents.detached();
      PairingService pairing =
          PairingService.create(store, config.auth(), config.pairing(), clock, events);
      pairing.sweep();
      ApprovalEvents approvalEvents = ApprovalEvents.detached();
      ApprovalService approvals = ApprovalService.create(store, clock, approvalEvents);
      approvals.sweep();
      ConversationService conversations = ConversationService.open(store, clock);
      hub = ChannelHub.of(ChannelFactory.create(config.channels(), clock), conversations);
      Subscriptions subscriptions = Subscriptions.detached();
      GatewayMetrics metrics = GatewayMetrics.create(version());
      GatewayServer.Builder builder =
          GatewayServer.builder(config, pairing)
              .clock(clock)
              .status(new StatusSummary(conversations, hub, clock, config.databaseFile()));
      PairingMethods.specs(pairing).forEach(builder::method);
      ApprovalMethods.specs(approvals).forEach(builder::method);
      SessionMethods.specs(conversations, hub, subscriptions, clock, config.databaseFile())
          .forEach(builder::method);
      if (hub.hasHooks()) {
        builder.http(ChannelHub.HOOKS_PREFIX, hooksBodyLimit(config), hub.hooks());
      }
      // Known only once listening when the port is ephemeral (0).
      AtomicInteger boundPort = new AtomicInteger(config.port());
      OAuthServer oauth =
          new OAuthServer(
              store,
              pairing,
              clock,
              () -> McpEndpoint.baseUrl(config, boundPort.get()),
              McpEndpoint.PATH,
              clientDocuments,
              metrics::oauthEvent);
      oauth.sweep();
      TokenMethods.specs(oauth).forEach(builder::method);
      OAuthEndpoints oauthEndpoints = new OAuthEndpoints(oauth, config.auth(), clock);
      builder.http(OAuthEndpoints.OAUTH_PREFIX, OAuthEndpoints.MAX_BODY, oauthEndpoints.oauth());
      builder.http(
          OAuthEndpoints.WELL_KNOWN_PREFIX, OAuthEndpoints.MAX_BODY, oauthEndpoints.wellKnown());
      McpEndpoint mcp =
          new McpEndpoint(
              config,
              clock,
              version(),
              new TokenAuthenticator(oauth, oauth::resource, config.trustedProxies()),
              oauth::issuer,
              metrics.toolCallObserver(),
              () -> metrics.oauthEvent(OAuthEvents.Event.INSUFFICIENT_SCOPE));
      metrics.mcpSessions(mcp::sessionCount);
      builder.metrics(metrics);
      // Static tokens work here; access tokens were issued for /mcp and are refused.
      Authenticator scrapers =
          config.auth().mode() == GatewayConfig.AuthMode.NONE
              ? mcp.authenticator()
              : new TokenAuthenticator(
                  oauth, () -> oauth.issuer() + MetricsHandler.PATH, config.trustedProxies());
      builder.handler(
          MetricsHandler.PATH,
          McpEndpoint.localOnly(
              config,
              new MetricsHandler(
                  metrics,
                  scrapers,
                  new BearerChallenges(
                      () -> oauth.issuer() + McpEndpoint.RESOURCE_METADATA_PATH))));
      builder.handler(McpEndpoint.PATH, mcp.handler());
      builder.handler(McpEndpoint.SSE_PATH, mcp.legacyHandler());
      builder.handler(McpEndpoint.MESSAGES_PATH, mcp.legacyHandler());
      GatewayServer server = builder.build();
      server.start();
      boundPort.set(server.port());
      mcp.attach(server);
      events.attach(server.events(), pairing::device);
      subscriptions.attach(server.events());
      approvalEvents.attach(server.events());
      hub.start();
      ScheduledExecutorService sweeper =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofVirtual().name("clawgate-sweeper").factory());
      long everyMs = SWEEP_INTERVAL.toMillis();
      // Failures are handled inside the task; shutdownNow() in close() ends the schedule.
      var _ =
          sweeper.scheduleWithFixedDelay(
              () -> sweepQuietly(pairing, oauth), everyMs, everyMs, TimeUnit.MILLISECONDS);
      // Cheap when nothing is due (one indexed read); operators hear of an expiry within a second.
      var _ =
          sweeper.scheduleWithFixedDelay(
              () -> sweepApprovalsQuietly(approvals), 1, 1, TimeUnit.SECONDS);
      GatewayApp app = new GatewayApp(config, lock, store, server, hub, sweeper, clientDocuments);
      server.markReady();
      app.announce(clock);
      return app;
    } catch (RuntimeException e) {
      if (hub != null) {
        hub.close();
      }
      clientDocuments.close();
      store.close();
      lock.close();
      throw e;
    }
  }

  /** The body limit of {@code /hooks/}: the largest any webhook account allows. */
  private static long hooksBodyLimit(GatewayConfig config) {
    return config.channels().webhook().stream()
        .mapToLong(ChannelsConfig.WebhookAccount::maxBodyBytes)
        .max()
        .orElse(ChannelsConfig.WebhookAccount.DEFAULT_MAX_BODY_BYTES);
  }

  /** The URL a client on this machine reaches the gateway at. */
  public String localUrl() {
    String host = config.bindHost().equals("0.0.0.0") ? "127.0.0.1" : config.bindHost();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "ws://" + host + ":" + port();
  }

  private void announce(Clock clock) {
    GatewayRuntime runtime =
        new GatewayRuntime(
            ProcessHandle.current().pid(), localUrl(), port(), clock.millis(), version());
    try {
      runtime.write(config.stateDir());
    } catch (IOException e) {
      // Commands then find the gateway on the configured port only; it still runs.
      LOG.warn(
          "cannot write {}: {}",
          config.stateDir().resolve(GatewayRuntime.FILE_NAME),
          e.getMessage());
    }
  }

  /** The clawgate version, from the jar manifest ("dev" when run from classes). */
  public static String version() {
    String version = GatewayApp.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** The bound port (the ephemeral one when configured with port 0). */
  public int port() {
    return server.port();
  }

  /** The state store, for reading: every change goes through the pairing service. */
  public StateStore store() {
    return store;
  }

  /**
   * Stops the sweeper, then the server (gracefully: {@code shutdown} event, close 1001), then the
   * store. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sweeper.shutdownNow();
    // Channels first: no new inbound message may arrive while the server drains.
    hub.close();
    server.close();
    clientDocuments.close();
    store.close();
    GatewayRuntime.deleteIfOwnedBy(config.stateDir(), ProcessHandle.current().pid());
    lock.close();
  }

  private static void sweepApprovalsQuietly(ApprovalService approvals) {
    try {
      approvals.sweep();
    } catch (RuntimeException e) {
      LOG.warn("approval sweep failed: {}", e.getMessage());
    }
  }

  private static void sweepQuietly(PairingService pairing, OAuthServer oauth) {
    try {
      pairing.sweep();
      oauth.sweep();
    } catch (RuntimeException e) {
      // A failed sweep must not cancel the schedule; the next one retries.
      LOG.warn("pairing sweep failed: {}", e.getMessage());
    }
  }
}
