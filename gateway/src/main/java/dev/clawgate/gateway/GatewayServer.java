package dev.clawgate.gateway;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.pairing.ConnectAuthorizer;
import dev.clawgate.gateway.metrics.GatewayMetrics;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ProtocolLimits;
import dev.clawgate.protocol.ScopeSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway server: one TCP port ({@code config.bindHost():config.port()}) serving the OpenClaw
 * gateway protocol over WebSocket (at {@code /} and {@code /ws}) and plain HTTP ({@code GET
 * /healthz}).
 *
 * <p>Every WebSocket connection goes through the handshake (challenge, connect, protocol
 * negotiation, rate limiting, device proof, locality, the {@link ConnectAuthorizer}) before it may
 * call the methods of its {@link MethodRegistry} or receive {@link EventBus events}.
 */
public interface GatewayServer extends AutoCloseable {

  /**
   * Starts building a server for {@code config} whose connects are decided by {@code authorizer}.
   */
  static Builder builder(GatewayConfig config, ConnectAuthorizer authorizer) {
    return new Builder(config, authorizer);
  }

  /**
   * Binds the port and starts serving.
   *
   * @throws dev.clawgate.protocol.ClawgateException {@code INVALID_CONFIG} when the bind is not
   *     loopback and auth mode is {@code none}, or when the port cannot be bound
   * @throws IllegalStateException when already started or closed
   */
  void start();

  /**
   * Marks the gateway ready: everything behind it (channels, stores, endpoints) has started, so
   * {@code GET /readyz} answers 200 until {@link #close()} begins. Before this it answers 503.
   */
  void markReady();

  /**
   * The bound port (the ephemeral one when configured with port 0).
   *
   * @throws IllegalStateException before {@link #start()}
   */
  int port();

  /** The event fan-out of this server. */
  EventBus events();

  /** How many connections have completed the handshake and are not closing. */
  int connectionCount();

  /** The methods this server implements (built-ins first, then the builder's, in order). */
  MethodRegistry methods();

  /**
   * Runs one call for an in-process caller (no socket), exactly as a connection's request with
   * {@code call}'s role and scopes would run: the same role and scope checks, then the method's
   * handler, on the calling thread. {@code call.connId()} is whatever the caller goes by (for
   * targeted events, the id of a receiver it {@linkplain #attachLocal attached}).
   *
   * @return the handler's answer, unchanged (it may hold pre-serialized raw JSON values)
   * @throws dev.clawgate.protocol.ClawgateException the error a connection would receive: the
   *     refusal, the handler's own error, {@code INTERNAL} with a reference id for an unexpected
   *     failure, or {@code UNAVAILABLE}/{@code SHUTTING_DOWN} once the server is stopping
   */
  JsonNode invoke(MethodCall call);

  /**
   * Attaches an in-process event receiver under {@code connId}, as if a connection granted {@code
   * scopes} had completed its handshake under that id: it gets every broadcast its scopes allow and
   * the targeted events sent to {@code connId} (for example after {@code sessions.subscribe} is
   * {@linkplain #invoke invoked} with that id), each event as its payload tree (shared with every
   * other receiver: never modify it). The receiver runs on the emitting thread and must not block.
   * {@link LocalAttachment#close()} detaches it and counts as that connection's disconnect, so
   * per-connection state (subscriptions) is dropped.
   *
   * @throws IllegalArgumentException when {@code connId} is in use
   * @throws IllegalStateException when the server is stopping
   */
  LocalAttachment attachLocal(
      String connId, ScopeSet scopes, BiConsumer<String, JsonNode> receiver);

  /** An attached in-process receiver; closing it detaches it (idempotent). */
  interface LocalAttachment extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Stops gracefully: refuses new connections, broadcasts {@code shutdown}, closes every socket
   * with 1001, waits up to the shutdown grace for them to finish, then stops. Idempotent.
   */
  @Override
  void close();

  /** Configures a {@link GatewayServer}; the defaults are the protocol's. */
  final class Builder {
    final GatewayConfig config;
    final ConnectAuthorizer authorizer;
    Duration handshakeTimeout = ProtocolLimits.HANDSHAKE_TIMEOUT;
    Duration tickInterval = ProtocolLimits.TICK_INTERVAL;
    Clock clock = Clock.systemUTC();
    String serverVersion = defaultVersion();
    Duration shutdownGrace = Duration.ofSeconds(5);
    long maxBufferedBytes = ProtocolLimits.MAX_BUFFERED_BYTES;
    final List<MethodSpec> methods = new ArrayList<>();
    final List<HttpRoutes.Mount> httpMounts = new ArrayList<>();
    final List<HttpRoutes.Route> httpRoutes = new ArrayList<>();
    Supplier<ObjectNode> statusDetails = () -> Json.mapper().createObjectNode();
    @Nullable GatewayMetrics metrics;

    private Builder(GatewayConfig config, ConnectAuthorizer authorizer) {
      this.config = Objects.requireNonNull(config, "null config");
      this.authorizer = Objects.requireNonNull(authorizer, "null authorizer");
    }

    /** Time from socket open to a successful connect (default 15 s). */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /**
     * Interval of {@code tick} events, announced in {@code policy.tickIntervalMs} (default 30 s).
     */
    public Builder tickInterval(Duration interval) {
      this.tickInterval = positive(interval, "tickInterval");
      return this;
    }

    /** The clock for challenges, signatures, rate limits and uptime (default: system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "null clock");
      return this;
    }

    /** The version in {@code hello-ok.server.version}, {@code status} and {@code /healthz}. */
    public Builder serverVersion(String version) {
      this.serverVersion = Objects.requireNonNull(version, "null version");
      return this;
    }

    /**
     * What the {@code status} method reports besides the server's own version, uptime, connection
     * count and protocol range: a fresh object per call (default: nothing).
     */
    public Builder status(Supplier<ObjectNode> details) {
      this.statusDetails = Objects.requireNonNull(details, "null details");
      return this;
    }

    /** Adds a method after the built-ins ({@code health}, {@code status}). */
    public Builder method(MethodSpec spec) {
      methods.add(Objects.requireNonNull(spec, "null spec"));
      return this;
    }

    /**
     * Mounts {@code endpoint} for every plain HTTP request whose path starts with {@code prefix}
     * (which must start and end with {@code /}). Bodies longer than {@code maxBodyBytes} are
     * answered 413 without reaching it.
     */
    public Builder http(String prefix, long maxBodyBytes, HttpEndpoint endpoint) {
      Objects.requireNonNull(prefix, "null prefix");
      if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 3) {
        throw new IllegalArgumentException("not a path prefix: " + prefix);
      }
      if (maxBodyBytes <= 0 || maxBodyBytes > ProtocolLimits.MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("maxBodyBytes out of range: " + maxBodyBytes);
      }
      for (HttpRoutes.Mount mount : httpMounts) {
        if (mount.prefix().startsWith(prefix) || prefix.startsWith(mount.prefix())) {
          throw new IllegalArgumentException(prefix + " overlaps " + mount.prefix());
        }
      }
      httpMounts.add(
          new HttpRoutes.Mount(
              prefix, maxBodyBytes, Objects.requireNonNull(endpoint, "null endpoint")));
      return this;
    }

    /**
     * Serves the exact path {@code path} with a Jetty handler of its own (for streaming answers,
     * such as MCP's Streamable HTTP); the handler starts and stops with the server.
     */
    public Builder handler(String path, org.eclipse.jetty.server.Handler handler) {
      Objects.requireNonNull(path, "null path");
      Objects.requireNonNull(handler, "null handler");
      if (!path.startsWith("/") || path.endsWith("/") || path.length() < 2) {
        throw new IllegalArgumentException("not an exact path: " + path);
      }
      for (HttpRoutes.Route route : httpRoutes) {
        if (route.path().equals(path)) {
          throw new IllegalArgumentException(path + " is already routed");
        }
      }
      httpRoutes.add(new HttpRoutes.Route(path, handler));
      return this;
    }

    /**
     * Records every method call (over WebSocket and in process) in {@code metrics}, which also
     * learn the server's method names (the only {@code method} label values besides {@code other})
     * and read its open connection count. Default: no metrics.
     */
    public Builder metrics(GatewayMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "null metrics");
      return this;
    }

    /** How long {@link GatewayServer#close()} waits for sockets to close (default 5 s). */
    public Builder shutdownGrace(Duration grace) {
      Objects.requireNonNull(grace, "null grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace must not be negative");
      }
      this.shutdownGrace = grace;
      return this;
    }

    /**
     * Most bytes queued for one connection before it counts as slow (default 50 MiB, as announced
     * in {@code policy.maxBufferedBytes}).
     */
    public Builder maxBufferedBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxBufferedBytes must be positive");
      }
      this.maxBufferedBytes = bytes;
      return this;
    }

    /**
     * Builds the server (not started).
     *
     * @throws IllegalArgumentException when a method name is declared twice
     */
    public GatewayServer build() {
      return new JettyGatewayServer(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, "null " + name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }

    private static String defaultVersion() {
      String version = GatewayServer.class.getPackage().getImplementationVersion();
      return version == null ? "dev" : version;
    }
  }
}
