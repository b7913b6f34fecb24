package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ScopeSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP's deprecated HTTP+SSE transport (protocol revision 2024-11-05), for clients that predate
 * Streamable HTTP. One handler serves two exact paths, told apart by {@link
 * Request#getPathInContext}: {@code GET} {@value #SSE_PATH} opens a session and its event stream,
 * {@code POST} {@value #MESSAGES_PATH}{@code ?sessionId=<id>} carries the client's messages. Mount
 * the same instance at both paths.
 *
 * <p>Every request is checked like on the Streamable HTTP endpoint: {@code Origin} (absent is fine,
 * present and not allowed is 403; an allowed one gets the CORS headers, and an {@code OPTIONS}
 * preflight is answered before authentication), then authentication (refusals with a {@code
 * WWW-Authenticate: Bearer} challenge). A session id alone never authenticates: a POST must come
 * from the principal that opened the stream, else the session is not found (404), like an unknown
 * or closed one. A POST of the owner holding other scopes than the last one is reported to the
 * session ({@link SessionFactory.Opened#principalChanged}); one calling a tool whose {@link
 * ToolScopes scopes} the caller lacks is refused with 403 and an {@code insufficient_scope}
 * challenge, nothing of it being dispatched.
 *
 * <p>The stream's first event is {@code endpoint}, whose data is where to POST (a URI relative to
 * the host root); then every answer and notification of the session is a {@code message} event,
 * with comment keep-alives in between. A POST is answered 202 at once, without waiting for the
 * answers: they come on the stream. The session lives as long as its stream: when the client goes
 * away (noticed at the latest by a keep-alive write) the MCP session is closed, cancelling its tool
 * calls.
 *
 * <p>The handler is a Jetty life cycle: it must be started (as a handler in the tree, or a managed
 * bean) before use; stopping it ends every stream and closes every session.
 */
public final class LegacySseHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(LegacySseHandler.class);

  /** Where the event stream is opened, by default. */
  public static final String SSE_PATH = "/sse";

  /** Where messages are posted, by default. */
  public static final String MESSAGES_PATH = "/messages";

  /** The query parameter naming the session in a POST. */
  public static final String SESSION_PARAMETER = "sessionId";

  private static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
  private static final String CORS_ALLOW_HEADERS =
      "Authorization, Content-Type, Accept, Last-Event-ID";
  private static final String CORS_MAX_AGE_SECONDS = "600";
  private static final String RETRY_AFTER_SECONDS = "30";
  private static final byte[] SSE_KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

  /** What a session id may look like: base64url, not absurdly long. Ours are 22 characters. */
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /** A path the endpoint event may name: absolute, no query, fragment, space or line break. */
  private static final Pattern ENDPOINT_PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

  private final SessionFactory factory;
  private final Authenticator authenticator;
  private final ToolScopes toolScopes;
  private final BearerChallenges challenges;
  private final Predicate<String> allowedOrigin;
  private final StreamableHttpLimits limits;
  private final String ssePath;
  private final String messagesPath;
  private final String endpointPath;

  private final ConcurrentHashMap<String, LegacySseSession> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger sessionCount = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private volatile @Nullable ScheduledExecutorService scheduler;

  /**
   * A handler at {@value #SSE_PATH} and {@value #MESSAGES_PATH} of a gateway served from the root
   * of its host, where no tool needs a scope.
   *
   * @param factory builds the MCP session behind each new stream
   * @param authenticator who a request acts for; refusals are answered with their status
   * @param resourceMetadataUrl the protected-resource metadata URL named in the challenges
   * @param allowedOrigin whether a present {@code Origin} header may use the endpoint
   * @param limits body, session and keep-alive bounds (the idle TTL does not apply: a session lives
   *     as long as its stream)
   */
  public LegacySseHandler(
      SessionFactory factory,
      Authenticator authenticator,
      String resourceMetadataUrl,
      Predicate<String> allowedOrigin,
      StreamableHttpLimits limits) {
    this(factory, authenticator, ToolScopes.NONE, resourceMetadataUrl, allowedOrigin, limits);
  }

  /**
   * A handler at {@value #SSE_PATH} and {@value #MESSAGES_PATH} of a gateway served from the root
   * of its host.
   *
   * @param factory builds the MCP session behind each new stream
   * @param authenticator who a request acts for; refusals are answered with their status
   * @param toolScopes the scopes each tool needs; a POST calling one without them is answered with
   *     403
   * @param resourceMetadataUrl the protected-resource metadata URL named in the challenges
   * @param allowedOrigin whether a present {@code Origin} header may use the endpoint
   * @param limits body, session and keep-alive bounds (the idle TTL does not apply: a session lives
   *     as long as its stream)
   */
  public LegacySseHandler(
      SessionFactory factory,
      Authenticator authenticator,
      ToolScopes toolScopes,
      String resourceMetadataUrl,
      Predicate<String> allowedOrigin,
      StreamableHttpLimits limits) {
    this(
        factory,
        authenticator,
        toolScopes,
        () -> resourceMetadataUrl,
        allowedOrigin,
        limits,
        SSE_PATH,
        MESSAGES_PATH,
        MESSAGES_PATH);
  }

  /**
   * A handler.
   *
   * @param factory builds the MCP session behind each new stream
   * @param authenticator who a request acts for; refusals are answered with their status
   * @param toolScopes the scopes each tool needs; a POST calling one without them is answered with
   *     403
   * @param resourceMetadataUrl the protected-resource metadata URL named in the challenges
   * @param allowedOrigin whether a present {@code Origin} header may use the endpoint
   * @param limits body, session and keep-alive bounds (the idle TTL does not apply: a session lives
   *     as long as its stream)
   * @param ssePath the path (in context) that opens streams
   * @param messagesPath the path (in context) that takes messages
   * @param endpointPath the path the {@code endpoint} event tells clients to POST to: {@code
   *     messagesPath} as the client sees it, from the host root (with the prefix of a reverse proxy
   *     that strips one, e.g. {@code /gw/messages})
   */
  public LegacySseHandler(
      SessionFactory factory,
      Authenticator authenticator,
      ToolScopes toolScopes,
      Supplier<String> resourceMetadataUrl,
      Predicate<String> allowedOrigin,
      StreamableHttpLimits limits,
      String ssePath,
      String messagesPath,
      String endpointPath) {
    super(InvocationType.BLOCKING); // reads the (bounded) POST body with blocking reads
    this.factory = Objects.requireNonNull(factory, "null factory");
    this.authenticator = Objects.requireNonNull(authenticator, "null authenticator");
    this.toolScopes = Objects.requireNonNull(toolScopes, "null toolScopes");
    this.challenges = new BearerChallenges(resourceMetadataUrl);
    this.allowedOrigin = Objects.requireNonNull(allowedOrigin, "null allowedOrigin");
    this.limits = Objects.requireNonNull(limits, "null limits");
    this.ssePath = exactPath(ssePath, "ssePath");
    this.messagesPath = exactPath(messagesPath, "messagesPath");
    this.endpointPath = exactPath(endpointPath, "endpointPath");
    if (ssePath.equals(messagesPath)) {
      throw new IllegalArgumentException("ssePath and messagesPath must differ: " + ssePath);
    }
  }

  /** The path (in context) that opens streams: mount the handler here. */
  public String ssePath() {
    return ssePath;
  }

  /** The path (in context) that takes messages: mount the handler here too. */
  public String messagesPath() {
    return messagesPath;
  }

  /** Open sessions. */
  public int sessionCount() {
    return sessions.size();
  }

  @Override
  protected void doStart() throws Exception {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "clawgate-mcp-sse");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    scheduler = executor;
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    ScheduledExecutorService executor = scheduler;
    scheduler = null; // from now on, new requests get 503
    for (LegacySseSession session : List.copyOf(sessions.values())) {
      closeSession(session);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    super.doStop();
  }

  @Override
  public boolean handle(Request request, Response jettyResponse, Callback jettyCallback) {
    Callback callback = new OnceCallback(jettyCallback);
    try {
      serve(request, jettyResponse, callback);
    } catch (RuntimeException e) {
      LOG.error("MCP SSE {} failed", request.getMethod(), e);
      if (jettyResponse.isCommitted()) {
        callback.failed(e);
      } else {
        jettyResponse.getHeaders().clear();
        error(jettyResponse, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal error", callback);
      }
    }
    return true;
  }

  private void serve(Request request, Response response, Callback callback) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !allowedOrigin.test(origin)) {
      error(response, HttpStatus.FORBIDDEN_403, "Forbidden: origin not allowed", callback);
      return;
    }
    String method = request.getMethod();
    if (origin != null) {
      response.getHeaders().put("Access-Control-Allow-Origin", origin);
      response.getHeaders().add(HttpHeader.VARY, "Origin");
      response.getHeaders().put("Access-Control-Expose-Headers", "WWW-Authenticate");
    }
    if (HttpMethod.OPTIONS.is(method)) {
      // A CORS preflight carries no credentials: it is answered before authentication.
      response.setStatus(HttpStatus.NO_CONTENT_204);
      response.getHeaders().put(HttpHeader.ALLOW, ALLOWED_METHODS);
      if (origin != null) {
        response.getHeaders().put("Access-Control-Allow-Methods", ALLOWED_METHODS);
        response.getHeaders().put("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
        response.getHeaders().put("Access-Control-Max-Age", CORS_MAX_AGE_SECONDS);
      }
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return;
    }
    McpPrincipal principal;
    switch (authenticator.authenticate(request)) {
      case Authentication.Granted granted -> principal = granted.principal();
      case Authentication.Refused refused -> {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, challenges.refused(refused));
        error(
            response,
            refused.status(),
            (refused.status() == 401 ? "Unauthorized: " : "Bad Request: ") + refused.description(),
            callback);
        return;
      }
    }
    ScheduledExecutorService executor = scheduler;
    if (executor == null) {
      error(response, HttpStatus.SERVICE_UNAVAILABLE_503, "Service unavailable", callback);
      return;
    }
    String path = Request.getPathInContext(request);
    if (path.equals(ssePath)) {
      if (HttpMethod.GET.is(method)) {
        openStream(request, response, callback, principal, executor);
      } else {
        response.getHeaders().put(HttpHeader.ALLOW, "GET");
        error(response, HttpStatus.METHOD_NOT_ALLOWED_405, "Method not allowed", callback);
      }
    } else if (path.equals(messagesPath)) {
      if (HttpMethod.POST.is(method)) {
        post(request, response, callback, principal);
      } else {
        response.getHeaders().put(HttpHeader.ALLOW, "POST");
        error(response, HttpStatus.METHOD_NOT_ALLOWED_405, "Method not allowed", callback);
      }
    } else {
      error(response, HttpStatus.NOT_FOUND_404, "Not found", callback);
    }
  }

  // ---- GET: the stream ----

  private void openStream(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    if (sessionCount.incrementAndGet() > limits.maxSessions()) {
      sessionCount.decrementAndGet();
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      error(
          response,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          "Service unavailable: too many MCP sessions",
          callback);
      return;
    }
    StreamedBody stream = new StreamedBody(response, callback);
    LegacySseSession session = new LegacySseSession(newSessionId(), principal, stream);
    // Queued first: whatever the session writes while it opens comes after it.
    String endpoint = endpointPath + "?" + SESSION_PARAMETER + "=" + session.id;
    stream.send(LegacySseSession.event("endpoint", endpoint));
    try {
      session.open(factory.open(principal, session));
    } catch (RuntimeException e) {
      sessionCount.decrementAndGet();
      throw e;
    }
    sessions.put(session.id, session);
    stream.onDone(failure -> dispatch(executor, () -> ended(session, failure)));
    if (scheduler == null) { // stopped while opening: doStop may not have seen this session
      closeSession(session);
      error(response, HttpStatus.SERVICE_UNAVAILABLE_503, "Service unavailable", callback);
      return;
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Accel-Buffering", "no");
    request.addFailureListener(stream::abort);
    try {
      stream.keepAliveEvery(executor, limits.keepAliveInterval(), SSE_KEEP_ALIVE);
    } catch (RejectedExecutionException e) {
      closeSession(session); // stopping: the stream ends after the endpoint event
    }
    LOG.debug("MCP SSE session {} opened for {}", session.logId(), principal.id());
    stream.start(true);
  }

  private void ended(LegacySseSession session, @Nullable Throwable failure) {
    if (failure != null && !session.isClosed()) {
      LOG.debug("MCP SSE session {}: the stream failed ({})", session.logId(), failure.toString());
    }
    closeSession(session);
  }

  // ---- POST: client messages ----

  private void post(Request request, Response response, Callback callback, McpPrincipal principal) {
    String sessionId = sessionId(request);
    if (sessionId == null) {
      error(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          "Bad Request: one " + SESSION_PARAMETER + " query parameter is required",
          callback);
      return;
    }
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType == null || !mediaType(contentType).equals("application/json")) {
      error(
          response,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
          "Unsupported Media Type: Content-Type must be application/json",
          callback);
      return;
    }
    long max = limits.maxBodyBytes();
    byte[] body;
    try {
      body = request.getLength() > max ? null : readCapped(request, max);
    } catch (IOException e) {
      error(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          "Bad Request: could not read the body",
          callback);
      return;
    }
    if (body == null || body.length > max) {
      error(
          response,
          HttpStatus.PAYLOAD_TOO_LARGE_413,
          Messages.INVALID_REQUEST,
          "Payload Too Large: the body exceeds " + max + " bytes",
          callback);
      return;
    }
    JsonNode message;
    try {
      message = Json.mapper().readTree(body);
    } catch (JacksonException e) {
      message = null;
    }
    if (message == null || !(message.isObject() || message.isArray())) {
      error(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.PARSE_ERROR,
          "Parse error: the body is not a JSON-RPC message",
          callback);
      return;
    }
    LegacySseSession session = sessions.get(sessionId);
    // Another principal's session is "not found" too: its existence is not revealed.
    if (session == null || !session.ownedBy(principal) || session.isClosed()) {
      sessionNotFound(response, callback);
      return;
    }
    session.observe(principal);
    if (!scopesSuffice(message, principal, response, callback)) {
      return;
    }
    if (!session.handle(message)) { // closed meanwhile
      sessionNotFound(response, callback);
      return;
    }
    // The answers, if any, come on the stream (tool calls later, from their own threads).
    response.setStatus(HttpStatus.ACCEPTED_202);
    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
  }

  /** The one well-formed {@code sessionId} query parameter, or null. */
  private static @Nullable String sessionId(Request request) {
    String query = request.getHttpURI().getQuery();
    if (query == null) {
      return null;
    }
    String found = null;
    String prefix = SESSION_PARAMETER + "=";
    for (String part : query.split("&", -1)) {
      if (part.startsWith(prefix)) {
        if (found != null) {
          return null; // two: ambiguous
        }
        found = part.substring(prefix.length());
      }
    }
    return found != null && SESSION_ID.matcher(found).matches() ? found : null;
  }

  /**
   * Whether the principal holds the scopes of every tool the message calls; otherwise answers 403
   * with an {@code insufficient_scope} challenge asking for what it holds plus what the calls need,
   * and a JSON-RPC error for the first refused call, and returns false: nothing is dispatched.
   */
  private boolean scopesSuffice(
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
      if (!held.covers(required)) {
        needed = needed.union(required);
        if (firstId == null) {
          firstId = element.path("id");
          firstTool = name.stringValue();
        }
      }
    }
    if (firstId == null) {
      return true;
    }
    ScopeSet missing = held.missing(needed);
    String description =
        "calling " + firstTool + " needs the scope " + String.join(" ", missing.names());
    response
        .getHeaders()
        .put(
            HttpHeader.WWW_AUTHENTICATE,
            challenges.insufficientScope(held.union(needed), description));
    ObjectNode data = Json.mapper().createObjectNode();
    ArrayNode scopes = data.putArray("requiredScopes");
    missing.names().forEach(scopes::add);
    response.setStatus(HttpStatus.FORBIDDEN_403);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(
        true,
        ByteBuffer.wrap(
            Messages.error(firstId, Messages.SERVER_ERROR, "Forbidden: " + description, data)
                .getBytes(StandardCharsets.UTF_8)),
        callback);
    return false;
  }

  // ---- helpers ----

  private static void sessionNotFound(Response response, Callback callback) {
    error(
        response,
        HttpStatus.NOT_FOUND_404,
        Messages.SESSION_NOT_FOUND,
        "Session not found",
        callback);
  }

  private void closeSession(LegacySseSession session) {
    if (sessions.remove(session.id, session)) {
      sessionCount.decrementAndGet();
      LOG.debug("MCP SSE session {} closed", session.logId());
    }
    session.close();
  }

  private String newSessionId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String exactPath(String path, String name) {
    Objects.requireNonNull(path, "null " + name);
    if (!ENDPOINT_PATH.matcher(path).matches() || path.length() < 2 || path.endsWith("/")) {
      throw new IllegalArgumentException(name + " is not an exact path: " + path);
    }
    return path;
  }

  private static String mediaType(String value) {
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** Reads at most {@code max + 1} bytes, so an over-long body is detected without keeping it. */
  private static byte[] readCapped(Request request, long max) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      return in.readNBytes((int) (max + 1));
    }
  }

  private static void dispatch(ScheduledExecutorService executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // stopping: run it here
    }
  }

  private static void error(Response response, int status, String message, Callback callback) {
    error(response, status, Messages.SERVER_ERROR, message, callback);
  }

  /** A small JSON-RPC error body; never a stack trace. */
  private static void error(
      Response response, int status, int code, String message, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(
        true,
        ByteBuffer.wrap(Messages.error(code, message).getBytes(StandardCharsets.UTF_8)),
        callback);
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
