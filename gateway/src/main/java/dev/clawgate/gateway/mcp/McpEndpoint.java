package dev.clawgate.gateway.mcp;

import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.gateway.GatewayServer;
import dev.clawgate.gateway.mcp.http.Authentication;
import dev.clawgate.gateway.mcp.http.Authenticator;
import dev.clawgate.gateway.mcp.http.LegacySseHandler;
import dev.clawgate.gateway.mcp.http.SessionFactory;
import dev.clawgate.gateway.mcp.http.StreamableHttpHandler;
import dev.clawgate.gateway.mcp.http.StreamableHttpLimits;
import dev.clawgate.gateway.mcp.http.ToolScopes;
import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.ToolCallObserver;
import dev.clawgate.mcp.tools.BridgeSession;
import dev.clawgate.mcp.tools.ClaudeChannelMode;
import dev.clawgate.mcp.tools.ToolAccess;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ScopeSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own MCP endpoint, {@code /mcp}: the conversation tools of {@code clawgate mcp
 * serve}, in process (no child process, no socket), over Streamable HTTP.
 *
 * <p>Who may use it: with {@code gateway.auth.mode: none} (allowed on a loopback bind only) every
 * request acts as the local owner's client with the bridge's scopes (read, write, approvals); in
 * every other mode requests are answered 401 until they carry a credential this gateway issued for
 * MCP (OAuth and scoped bearer tokens, still to be built). The shared gateway token is not such a
 * credential: device-less connections from elsewhere get no scopes with it (pairing.md), and a
 * reverse proxy makes every request look local.
 *
 * <p>DNS rebinding: without authentication, a browser page whose name resolves to 127.0.0.1 could
 * reach the endpoint; so in mode {@code none} the {@code Host} header must name this machine
 * (localhost, 127.0.0.1, [::1]) and a present {@code Origin} must be a loopback origin or the
 * configured {@code gateway.publicUrl}, else 403.
 */
public final class McpEndpoint {
  /** Where it is mounted. */
  public static final String PATH = "/mcp";

  /** Where its protected-resource metadata is (RFC 9728, the path-inserted form). */
  public static final String RESOURCE_METADATA_PATH =
      "/.well-known/oauth-protected-resource" + PATH;

  /** Where the legacy HTTP+SSE transport (2024-11-05) opens its streams. */
  public static final String SSE_PATH = LegacySseHandler.SSE_PATH;

  /** Where legacy clients post their messages. */
  public static final String MESSAGES_PATH = LegacySseHandler.MESSAGES_PATH;

  private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  private static final String TOOLS_CHANGED = "notifications/tools/list_changed";
  private static final List<String> LOCAL_SCOPES =
      List.of("operator.read", "operator.write", "operator.approvals");

  private final AtomicReference<@Nullable GatewayServer> server = new AtomicReference<>();
  private final StreamableHttpHandler streams;
  private final Handler handler;
  private final LegacySseHandler legacy;
  private final Handler legacyHandler;
  private final Authenticator authenticator;

  /**
   * The endpoint for a gateway with {@code config}; {@link #attach} it once the server exists.
   *
   * @param tokens who a request acts for, from its bearer token (every mode but {@code none})
   * @param baseUrl the gateway's {@link #baseUrl base URL} (known once listening on port 0)
   * @param observer hears how each tool call ended (metrics)
   * @param stepUps runs for every request refused with 403 {@code insufficient_scope} (metrics)
   */
  public McpEndpoint(
      GatewayConfig config,
      Clock clock,
      String version,
      Authenticator tokens,
      Supplier<String> baseUrl,
      ToolCallObserver observer,
      Runnable stepUps) {
    boolean open = config.auth().mode() == AuthMode.NONE;
    McpPrincipal local = McpPrincipal.of("local MCP client", LOCAL_SCOPES, "mcp:local");
    Optional<String> publicOrigin = config.publicUrl().map(McpEndpoint::origin);
    this.authenticator = open ? request -> new Authentication.Granted(local) : tokens;
    Predicate<String> origins =
        origin ->
            isLoopbackOrigin(origin)
                || publicOrigin.map(origin::equals).orElse(false)
                || config.allowedOrigins().contains(origin.toLowerCase(Locale.ROOT));
    Supplier<String> resourceMetadata = () -> baseUrl.get() + RESOURCE_METADATA_PATH;
    SessionFactory sessions = sessions(clock, version, observer);
    ToolScopes toolScopes =
        new ToolScopes() {
          @Override
          public ScopeSet required(String toolName) {
            return ToolAccess.required(toolName);
          }

          @Override
          public void refused(String toolName) {
            stepUps.run();
          }
        };
    StreamableHttpHandler streams =
        new StreamableHttpHandler(
            sessions,
            authenticator,
            toolScopes,
            resourceMetadata,
            origins,
            StreamableHttpLimits.defaults(),
            clock);
    String prefix =
        config.publicUrl().map(url -> stripSlash(URI.create(url).getRawPath())).orElse("");
    LegacySseHandler legacy =
        new LegacySseHandler(
            sessions,
            authenticator,
            toolScopes,
            resourceMetadata,
            origins,
            StreamableHttpLimits.defaults(),
            SSE_PATH,
            MESSAGES_PATH,
            prefix + MESSAGES_PATH);
    this.streams = streams;
    this.legacy = legacy;
    this.handler = localOnly(config, streams);
    this.legacyHandler = localOnly(config, legacy);
  }

  /** The Jetty handler to mount at {@link #PATH}. */
  public Handler handler() {
    return handler;
  }

  /**
   * The Jetty handler of the legacy HTTP+SSE transport: one instance, to mount at both {@link
   * #SSE_PATH} and {@link #MESSAGES_PATH}.
   */
  public Handler legacyHandler() {
    return legacyHandler;
  }

  /** Who a request to this endpoint (or to another protected route of the gateway) acts for. */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** Connects the endpoint to the running gateway: sessions can be opened from now on. */
  public void attach(GatewayServer running) {
    server.set(running);
  }

  /** The MCP sessions open now over HTTP: Streamable HTTP, stateless requests and legacy SSE. */
  public int sessionCount() {
    return streams.sessionCount() + legacy.sessionCount();
  }

  /**
   * {@code handler} as an endpoint of this gateway that may answer without credentials must be: in
   * mode {@code none}, only to requests whose {@code Host} names this machine (DNS rebinding
   * protection); unchanged in every other mode.
   */
  public static Handler localOnly(GatewayConfig config, Handler handler) {
    return config.auth().mode() == AuthMode.NONE ? new LoopbackHostOnly(handler) : handler;
  }

  private SessionFactory sessions(Clock clock, String version, ToolCallObserver observer) {
    Diagnostics diagnostics = new LogDiagnostics();
    return (principal, notifications) -> {
      GatewayServer running = server.get();
      if (running == null) {
        throw new IllegalStateException("the gateway is still starting");
      }
      InProcessConversationPort port = new InProcessConversationPort(running, principal);
      BridgeSession opened =
          BridgeSession.open(
              port,
              ClaudeChannelMode.ON,
              diagnostics,
              clock,
              READY_TIMEOUT,
              version,
              notifications,
              tool -> ToolAccess.allows(port.principal().scopes(), tool),
              observer);
      return new SessionFactory.Opened(
          opened.session(),
          () -> {
            opened.bridge().close();
            port.close();
          },
          changed -> {
            port.rebind(changed);
            // The tools it may see changed with its scopes (step-up, or a narrower token).
            try {
              opened.session().notify(TOOLS_CHANGED, Json.mapper().createObjectNode());
            } catch (java.io.IOException e) {
              LOG.debug("MCP session closed before tools/list_changed: {}", e.getMessage());
            }
          });
    };
  }

  /** {@code scheme://host[:port]} of a URL, lower-cased, as browsers send it in {@code Origin}. */
  static String origin(String url) {
    URI uri = URI.create(url);
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    String host = String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT);
    return scheme + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  static boolean isLoopbackOrigin(String origin) {
    try {
      URI uri = URI.create(origin.trim());
      String scheme = uri.getScheme();
      return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          && uri.getHost() != null
          && ConfigLoader.isLoopback(uri.getHost());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The host part of a {@code Host} header ({@code name[:port]}, {@code [v6][:port]}). */
  static String hostOf(String hostHeader) {
    String h = hostHeader.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  /**
   * The gateway's base URL as clients outside see it: {@code gateway.publicUrl} without a trailing
   * slash, else the loopback address of its port. It is the OAuth issuer, and the base of the
   * resource URL that tokens are bound to.
   */
  public static String baseUrl(GatewayConfig config) {
    return baseUrl(config, config.port());
  }

  /** {@link #baseUrl(GatewayConfig)} for a gateway listening on {@code port}. */
  public static String baseUrl(GatewayConfig config, int port) {
    return stripSlash(config.publicUrl().orElse("http://127.0.0.1:" + port));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Refuses requests whose {@code Host} does not name this machine (mode {@code none} only). */
  private static final class LoopbackHostOnly extends Handler.Wrapper {
    LoopbackHostOnly(Handler inner) {
      super(inner);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String host = request.getHeaders().get(HttpHeader.HOST);
      if (host == null || !ConfigLoader.isLoopback(hostOf(host))) {
        response.setStatus(HttpStatus.FORBIDDEN_403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(
            true,
            java.nio.ByteBuffer.wrap(
                ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":"
                        + "\"Host must name this machine (localhost, 127.0.0.1 or [::1]): the"
                        + " endpoint is unauthenticated (gateway.auth.mode none)\"}}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            callback);
        return true;
      }
      return super.handle(request, response, callback);
    }
  }

  /** Diagnostics of the tools into the gateway's log. */
  private static final class LogDiagnostics implements Diagnostics {
    @Override
    public void line(String text) {
      LOG.warn("{}", text);
    }

    @Override
    public void verbose(String text) {
      LOG.debug("{}", text);
    }

    @Override
    public boolean isVerbose() {
      return LOG.isDebugEnabled();
    }
  }
}
