package dev.clawgate.gateway.metrics;

import dev.clawgate.core.oauth.OAuthEvents;
import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.gateway.mcp.http.Authenticator;
import dev.clawgate.gateway.mcp.http.BearerChallenges;
import dev.clawgate.gateway.mcp.http.BearerGate;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the {@link GatewayMetrics} scrape for callers granted {@code
 * operator.read}.
 *
 * <ul>
 *   <li>a method other than GET or HEAD: 405 with {@code Allow: GET, HEAD} (before authentication)
 *   <li>refused by the {@link Authenticator}: its status (401 or 400) with the {@code
 *       WWW-Authenticate: Bearer} challenge
 *   <li>granted without {@code operator.read} (nor a scope implying it): 403 with an {@code
 *       insufficient_scope} challenge asking for the scopes held plus {@code operator.read},
 *       counted as the OAuth event {@code insufficient_scope}
 *   <li>otherwise: 200, {@code text/plain; version=0.0.4; charset=utf-8}
 * </ul>
 *
 * <p>Answers are never cached ({@code Cache-Control: no-store}). Nothing of the request's headers
 * is logged.
 */
public final class MetricsHandler extends Handler.Abstract {
  /** Where the gateway mounts it. */
  public static final String PATH = "/metrics";

  /** The {@code Content-Type} of a scrape. */
  public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);

  private final GatewayMetrics metrics;
  private final BearerGate gate;

  /**
   * @param metrics what a scrape answers
   * @param authenticator who a request acts for (the bearer token of {@code Authorization})
   * @param challenges the {@code WWW-Authenticate} challenges naming this resource's metadata (its
   *     URL is read for each challenge, so it may be known only once the gateway listens)
   */
  public MetricsHandler(
      GatewayMetrics metrics, Authenticator authenticator, BearerChallenges challenges) {
    super(InvocationType.BLOCKING);
    this.metrics = Objects.requireNonNull(metrics, "null metrics");
    this.gate = new BearerGate(authenticator, challenges);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      serve(request, response, callback);
    } catch (RuntimeException e) {
      // Only the type: the message could echo something of the request.
      LOG.warn("GET {} failed: {}", PATH, e.getClass().getName());
      if (response.isCommitted()) {
        callback.failed(e);
      } else {
        response.getHeaders().clear();
        text(response, HttpStatus.INTERNAL_SERVER_ERROR_500, "internal error", callback);
      }
    }
    return true;
  }

  private void serve(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    boolean head = HttpMethod.HEAD.is(method);
    if (!head && !HttpMethod.GET.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      text(response, HttpStatus.METHOD_NOT_ALLOWED_405, "method not allowed", callback);
      return;
    }
    McpPrincipal principal =
        gate.authenticate(
            request,
            response,
            callback,
            (refusing, refused, refusedCallback) ->
                text(
                    refusing,
                    refused.status(),
                    (refused.status() == HttpStatus.UNAUTHORIZED_401
                            ? "unauthorized: "
                            : "bad request: ")
                        + refused.description(),
                    refusedCallback));
    if (principal == null) {
      return;
    }
    if (!principal.scopes().allows(Scope.READ)) {
      metrics.oauthEvent(OAuthEvents.Event.INSUFFICIENT_SCOPE);
      gate.challengeInsufficientScope(
          response,
          principal.scopes().union(ScopeSet.of(Scope.READ)),
          "metrics require " + Scope.READ.name());
      text(
          response,
          HttpStatus.FORBIDDEN_403,
          "forbidden: metrics require " + Scope.READ.name(),
          callback);
      return;
    }
    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (head) {
      response.write(true, ByteBuffer.allocate(0), callback);
    } else {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

  private static void text(Response response, int status, String message, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
