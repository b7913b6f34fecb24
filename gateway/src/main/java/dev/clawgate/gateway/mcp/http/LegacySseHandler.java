package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

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
  private static final String CORS_EXPOSE_HEADERS = "WWW-Authenticate";

  /** What a session id may look like: base64url, not absurdly long. Ours are 22 characters. */
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /** A path the endpoint event may name: absolute, no query, fragment, space or line break. */
  private static final Pattern ENDPOINT_PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

  private final SessionFactory factory;
  private final RequestGate gate;
  private final StreamableHttpLimits limits;
  private final String ssePath;
  private final String messagesPath;
  private final String endpointPath;

  private final SessionTable<LegacySseSession> sessions;
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
    this.gate =
        new RequestGate(
            authenticator,
            toolScopes,
            resourceMetadataUrl,
            allowedOrigin,
            ALLOWED_METHODS,
            CORS_ALLOW_HEADERS,
            CORS_EXPOSE_HEADERS);
    this.limits = Objects.requireNonNull(limits, "null limits");
    this.sessions = new SessionTable<>(limits.maxSessions());
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
    ScheduledThreadPoolExecutor executor = StreamedBody.scheduler("clawgate-mcp-sse");
    scheduler = executor;
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    ScheduledExecutorService executor = scheduler;
    scheduler = null; // from now on, new requests get 503
    for (LegacySseSession session : sessions.all()) {
      closeSession(session);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    super.doStop();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    gate.handle(request, response, callback, LOG, "MCP SSE", scheduler, this::serve);
    return true;
  }

  private void serve(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    String method = request.getMethod();
    String path = Request.getPathInContext(request);
    if (path.equals(ssePath)) {
      if (HttpMethod.GET.is(method)) {
        openStream(request, response, callback, principal, executor);
      } else {
        methodNotAllowed(response, "GET", callback);
      }
    } else if (path.equals(messagesPath)) {
      if (HttpMethod.POST.is(method)) {
        post(request, response, callback, principal);
      } else {
        methodNotAllowed(response, "POST", callback);
      }
    } else {
      Replies.error(response, HttpStatus.NOT_FOUND_404, "Not found", callback);
    }
  }

  // ---- GET: the stream ----

  private void openStream(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    StreamedBody stream = new StreamedBody(response, callback);
    LegacySseSession session =
        sessions.open(
            response,
            callback,
            () -> {
              LegacySseSession opening = new LegacySseSession(sessions.newId(), principal, stream);
              // Queued first: whatever the session writes while it opens comes after it.
              String endpoint = endpointPath + "?" + SESSION_PARAMETER + "=" + opening.id;
              stream.send(LegacySseSession.event("endpoint", endpoint));
              opening.bind(factory.open(principal, opening));
              return opening;
            });
    if (session == null) {
      return;
    }
    sessions.put(session);
    stream.onDone(failure -> Replies.dispatch(executor, () -> ended(session, failure)));
    if (scheduler == null) { // stopped while opening: doStop may not have seen this session
      closeSession(session);
      Replies.error(response, HttpStatus.SERVICE_UNAVAILABLE_503, "Service unavailable", callback);
      return;
    }
    Replies.sseHeaders(response, "no-store");
    request.addFailureListener(stream::abort);
    try {
      stream.keepAliveEvery(executor, limits.keepAliveInterval(), Replies.SSE_KEEP_ALIVE);
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
      Replies.error(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          "Bad Request: one " + SESSION_PARAMETER + " query parameter is required",
          callback);
      return;
    }
    JsonNode message = Replies.readMessage(request, response, limits.maxBodyBytes(), callback);
    if (message == null) {
      return;
    }
    // Another principal's session is "not found" too: its existence is not revealed.
    LegacySseSession session = sessions.find(sessionId, principal);
    if (session == null) {
      Replies.sessionNotFound(response, callback);
      return;
    }
    session.observe(principal);
    if (!gate.scopesSuffice(message, principal, response, callback)) {
      return;
    }
    if (!session.handle(message)) { // closed meanwhile
      Replies.sessionNotFound(response, callback);
      return;
    }
    // The answers, if any, come on the stream (tool calls later, from their own threads).
    Replies.empty(response, HttpStatus.ACCEPTED_202, callback);
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

  // ---- helpers ----

  private static void methodNotAllowed(Response response, String allow, Callback callback) {
    response.getHeaders().put(HttpHeader.ALLOW, allow);
    Replies.error(response, HttpStatus.METHOD_NOT_ALLOWED_405, "Method not allowed", callback);
  }

  private void closeSession(LegacySseSession session) {
    if (sessions.close(session)) {
      LOG.debug("MCP SSE session {} closed", session.logId());
    }
  }

  private static String exactPath(String path, String name) {
    Objects.requireNonNull(path, "null " + name);
    if (!ENDPOINT_PATH.matcher(path).matches() || path.length() < 2 || path.endsWith("/")) {
      throw new IllegalArgumentException(name + " is not an exact path: " + path);
    }
    return path;
  }
}
