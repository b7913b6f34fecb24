package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.RequestBodies;
import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ScopeSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The front door both MCP HTTP transports put before their sessions, in this order: {@code Origin}
 * (absent is fine, present and not allowed is 403; an allowed one gets the CORS headers), the
 * {@code OPTIONS} preflight (answered before authentication: it carries no credentials), then
 * authentication (a refusal with its status and a {@code WWW-Authenticate: Bearer} challenge). Past
 * the door, {@link #scopesSuffice} is the tool-scope gate of a POSTed message.
 */
final class RequestGate {
  private static final String CORS_MAX_AGE_SECONDS = "600";

  /**
   * Serves one admitted request of a running transport, with a callback completing at most once.
   */
  @FunctionalInterface
  interface Serving {
    void serve(
        Request request,
        Response response,
        Callback callback,
        McpPrincipal principal,
        ScheduledExecutorService executor);
  }

  private final BearerGate bearer;
  private final ToolScopes toolScopes;
  private final Predicate<String> allowedOrigin;
  private final String allowedMethods;
  private final String corsAllowHeaders;
  private final String corsExposeHeaders;

  /**
   * @param allowedMethods {@code Allow} of a preflight, and its {@code
   *     Access-Control-Allow-Methods}
   * @param corsAllowHeaders the request headers a browser script may send
   * @param corsExposeHeaders the response headers a browser script may read
   */
  RequestGate(
      Authenticator authenticator,
      ToolScopes toolScopes,
      Supplier<String> resourceMetadataUrl,
      Predicate<String> allowedOrigin,
      String allowedMethods,
      String corsAllowHeaders,
      String corsExposeHeaders) {
    Objects.requireNonNull(authenticator, "null authenticator");
    this.toolScopes = Objects.requireNonNull(toolScopes, "null toolScopes");
    this.bearer = new BearerGate(authenticator, new BearerChallenges(resourceMetadataUrl));
    this.allowedOrigin = Objects.requireNonNull(allowedOrigin, "null allowedOrigin");
    this.allowedMethods = allowedMethods;
    this.corsAllowHeaders = corsAllowHeaders;
    this.corsExposeHeaders = corsExposeHeaders;
  }

  /**
   * Serves a request through the front door: {@link #admit} (answered here when refused), then 503
   * while the transport is stopped ({@code executor} null), then {@code serving}. Jetty's callback
   * completes at most once. A RuntimeException escaping is logged and, unless the response is
   * committed, answered with a bare 500 JSON-RPC error that keeps the CORS headers; a committed one
   * fails the callback.
   */
  void handle(
      Request request,
      Response response,
      Callback jettyCallback,
      Logger log,
      String transport,
      @Nullable ScheduledExecutorService executor,
      Serving serving) {
    Callback callback = new OnceCallback(jettyCallback);
    try {
      McpPrincipal principal = admit(request, response, callback);
      if (principal == null) {
        return;
      }
      if (executor == null) {
        Replies.error(
            response, HttpStatus.SERVICE_UNAVAILABLE_503, "Service unavailable", callback);
        return;
      }
      serving.serve(request, response, callback, principal, executor);
    } catch (RuntimeException e) {
      log.error("{} {} failed", transport, request.getMethod(), e);
      if (response.isCommitted()) {
        callback.failed(e);
      } else {
        response.getHeaders().clear();
        cors(request, response);
        Replies.error(response, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal error", callback);
      }
    }
  }

  /**
   * The principal a request acts for, or null once it was answered: 403 for an origin not allowed,
   * 204 for a preflight, the refusal of the authenticator. Puts the CORS headers for an allowed
   * origin.
   */
  private @Nullable McpPrincipal admit(Request request, Response response, Callback callback) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !allowedOrigin.test(origin)) {
      RequestBodies.discard(request, response);
      Replies.error(response, HttpStatus.FORBIDDEN_403, "Forbidden: origin not allowed", callback);
      return null;
    }
    if (origin != null) {
      corsHeaders(origin, response);
    }
    if (HttpMethod.OPTIONS.is(request.getMethod())) {
      // A CORS preflight carries no credentials: it is answered before authentication.
      response.getHeaders().put(HttpHeader.ALLOW, allowedMethods);
      if (origin != null) {
        response.getHeaders().put("Access-Control-Allow-Methods", allowedMethods);
        response.getHeaders().put("Access-Control-Allow-Headers", corsAllowHeaders);
        response.getHeaders().put("Access-Control-Max-Age", CORS_MAX_AGE_SECONDS);
      }
      Replies.empty(response, HttpStatus.NO_CONTENT_204, callback);
      return null;
    }
    return bearer.authenticate(
        request,
        response,
        callback,
        (refusing, refused, refusedCallback) -> {
          // A client whose token expired must read this 401 to refresh it, whatever it posted.
          RequestBodies.discard(request, refusing);
          Replies.error(
              refusing,
              refused.status(),
              (refused.status() == HttpStatus.UNAUTHORIZED_401 ? "Unauthorized: " : "Bad Request: ")
                  + refused.description(),
              refusedCallback);
        });
  }

  /**
   * The CORS response headers for a request from an allowed browser origin: that origin, never
   * {@code *}, and the headers a script may read. None without {@code Origin}, nor for one not
   * allowed. For a response whose headers were cleared after {@link #admit}.
   */
  void cors(Request request, Response response) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && allowedOrigin.test(origin)) {
      corsHeaders(origin, response);
    }
  }

  private void corsHeaders(String origin, Response response) {
    response.getHeaders().put("Access-Control-Allow-Origin", origin);
    response.getHeaders().add(HttpHeader.VARY, "Origin");
    response.getHeaders().put("Access-Control-Expose-Headers", corsExposeHeaders);
  }

  /**
   * Whether the principal holds the scopes of every tool the message calls; otherwise answers 403
   * with an {@code insufficient_scope} challenge asking for what it holds plus what the calls need,
   * and a JSON-RPC error for the first refused call, and returns false: nothing is dispatched.
   */
  boolean scopesSuffice(
      JsonNode message, McpPrincipal principal, Response response, Callback callback) {
    ScopeSet held = principal.scopes();
    ScopeSet needed = ScopeSet.empty();
    JsonNode firstId = null;
    String firstTool = null;
    for (JsonNode element : message.isArray() ? message : List.of(message)) {
      JsonNode method = element.path("method");
      JsonNode name = element.path("params").path("name");
      if (!method.isString()
          || !method.stringValue().equals("tools/call")
          || Messages.key(element.path("id")) == null
          || !name.isString()) {
        continue;
      }
      ScopeSet required = toolScopes.required(name.stringValue());
      if (held.covers(required)) {
        continue;
      }
      needed = needed.union(required);
      if (firstId == null) {
        firstId = element.path("id");
        firstTool = name.stringValue();
      }
    }
    if (firstId == null) {
      return true;
    }
    ScopeSet missing = held.missing(needed);
    String description = "calling " + firstTool + " needs the scope " + missing.spaceSeparated();
    bearer.challengeInsufficientScope(response, held.union(needed), description);
    toolScopes.refused(String.valueOf(firstTool));
    ObjectNode data = Json.mapper().createObjectNode();
    ArrayNode scopes = data.putArray("requiredScopes");
    missing.names().forEach(scopes::add);
    Replies.json(
        response,
        HttpStatus.FORBIDDEN_403,
        Messages.error(firstId, Messages.SERVER_ERROR, "Forbidden: " + description, data),
        callback);
    return false;
  }

  /** Completes the request's callback at most once, whoever gets there first. */
  private static final class OnceCallback implements Callback {
    private final Callback delegate;
    private final AtomicBoolean done = new AtomicBoolean();

    OnceCallback(Callback delegate) {
      this.delegate = delegate;
    }

    @Override
    public void succeeded() {
      if (done.compareAndSet(false, true)) {
        delegate.succeeded();
      }
    }

    @Override
    public void failed(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        delegate.failed(failure);
      }
    }

    @Override
    public InvocationType getInvocationType() {
      return delegate.getInvocationType();
    }
  }
}
