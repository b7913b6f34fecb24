package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP's Streamable HTTP transport on one endpoint, whatever path it is mounted at: {@code POST}
 * carries client messages, {@code GET} opens the server-to-client event stream, {@code DELETE} ends
 * a session.
 *
 * <p>Every request is checked in this order: {@code Origin} (absent is fine, present and not
 * allowed is 403), authentication (401 with a {@code WWW-Authenticate: Bearer resource_metadata}
 * challenge), then the session: an {@code initialize} without {@code Mcp-Session-Id} opens one,
 * anything else needs the id (400 without it) of a live session of the same principal (404
 * otherwise, so clients re-initialize), and a {@code MCP-Protocol-Version} header, if present, that
 * this transport speaks (400 otherwise).
 *
 * <p>A POST of notifications and responses only gets 202. A POST with requests waits for their
 * answers: as an SSE stream when the client accepts {@code text/event-stream} (keep-alive comments
 * while waiting, ended after the last answer), else as one JSON body (preceded by whitespace
 * keep-alives when it is slow). If the request fails while waiting (the client went away, noticed
 * at the latest by a keep-alive write), its unanswered requests are cancelled in the session.
 *
 * <p>The handler is a Jetty life cycle: it must be started (as a handler in the tree, or a managed
 * bean) before use; stopping it closes every session.
 */
public final class StreamableHttpHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpHandler.class);

  /** The session header, as the spec spells it. */
  public static final String SESSION_HEADER = "Mcp-Session-Id";

  /** The protocol version header, as the spec spells it. */
  public static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";

  /** The revisions of this transport; the header may name any of them. */
  public static final Set<String> TRANSPORT_VERSIONS =
      Set.of("2025-03-26", "2025-06-18", "2025-11-25");

  /** GET-stream events kept for {@code Last-Event-ID} and for delivery when a stream opens. */
  static final int REPLAY_EVENTS = 1000;

  static final long REPLAY_BYTES = 4L << 20;

  private static final String RETRY_AFTER_SECONDS = "30";
  private static final String TEXT_EVENT_STREAM = "text/event-stream";
  private static final byte[] SSE_KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

  private final SessionFactory factory;
  private final Authenticator authenticator;
  private final String challenge;
  private final Predicate<String> allowedOrigin;
  private final StreamableHttpLimits limits;
  private final Clock clock;

  private final ConcurrentHashMap<String, HttpSession> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger sessionCount = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private volatile @Nullable ScheduledExecutorService scheduler;
  private volatile @Nullable ScheduledFuture<?> sweeper;

  /**
   * A handler.
   *
   * @param factory builds the MCP session behind each new HTTP session
   * @param authenticator who a request acts for; empty is answered with 401
   * @param resourceMetadataUrl the protected-resource metadata URL named in the 401 challenge
   * @param allowedOrigin whether a present {@code Origin} header may use the endpoint
   * @param limits body, session, idle and keep-alive bounds
   * @param clock for session idleness
   */
  public StreamableHttpHandler(
      SessionFactory factory,
      Authenticator authenticator,
      String resourceMetadataUrl,
      Predicate<String> allowedOrigin,
      StreamableHttpLimits limits,
      Clock clock) {
    super(InvocationType.BLOCKING); // reads the (bounded) body with blocking reads
    this.factory = Objects.requireNonNull(factory, "null factory");
    this.authenticator = Objects.requireNonNull(authenticator, "null authenticator");
    Objects.requireNonNull(resourceMetadataUrl, "null resourceMetadataUrl");
    if (resourceMetadataUrl.indexOf('"') >= 0 || resourceMetadataUrl.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("resourceMetadataUrl must not hold quotes or backslashes");
    }
    this.challenge = "Bearer resource_metadata=\"" + resourceMetadataUrl + "\"";
    this.allowedOrigin = Objects.requireNonNull(allowedOrigin, "null allowedOrigin");
    this.limits = Objects.requireNonNull(limits, "null limits");
    this.clock = Objects.requireNonNull(clock, "null clock");
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
              Thread thread = new Thread(runnable, "clawgate-mcp-http");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    long sweepNanos =
        Math.max(
            Duration.ofMillis(50).toNanos(),
            Math.min(Duration.ofSeconds(30).toNanos(), limits.idleSessionTtl().toNanos() / 4));
    sweeper =
        executor.scheduleWithFixedDelay(
            this::sweepSafely, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
    scheduler = executor;
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    for (HttpSession session : List.copyOf(sessions.values())) {
      closeSession(session);
    }
    ScheduledExecutorService executor = scheduler;
    scheduler = null;
    ScheduledFuture<?> sweeping = sweeper;
    if (sweeping != null) {
      sweeping.cancel(false);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    super.doStop();
  }

  /** Closes the sessions idle longer than the TTL: no request and no open stream. */
  void sweepIdleSessions() {
    long now = clock.millis();
    long ttl = limits.idleSessionTtl().toMillis();
    for (HttpSession session : sessions.values()) {
      if (session.idleSince(now, ttl)) {
        LOG.debug("MCP session {} idle, closing it", session.logId());
        closeSession(session);
      }
    }
  }

  private void sweepSafely() {
    try {
      sweepIdleSessions();
    } catch (RuntimeException e) {
      LOG.warn("sweeping idle MCP sessions failed", e);
    }
  }

  @Override
  public boolean handle(Request request, Response jettyResponse, Callback jettyCallback) {
    Callback callback = new OnceCallback(jettyCallback);
    try {
      serve(request, jettyResponse, callback);
    } catch (RuntimeException e) {
      LOG.error("MCP {} failed", request.getMethod(), e);
      if (jettyResponse.isCommitted()) {
        callback.failed(e);
      } else {
        jettyResponse.getHeaders().clear();
        writeError(
            jettyResponse,
            HttpStatus.INTERNAL_SERVER_ERROR_500,
            Messages.SERVER_ERROR,
            "Internal error",
            callback);
      }
    }
    return true;
  }

  private void serve(Request request, Response response, Callback callback) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !allowedOrigin.test(origin)) {
      writeError(
          response,
          HttpStatus.FORBIDDEN_403,
          Messages.SERVER_ERROR,
          "Forbidden: origin not allowed",
          callback);
      return;
    }
    Optional<McpPrincipal> principal = authenticator.authenticate(request.getHeaders());
    if (principal.isEmpty()) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, challenge);
      writeError(
          response,
          HttpStatus.UNAUTHORIZED_401,
          Messages.SERVER_ERROR,
          "Unauthorized: a valid bearer token is required",
          callback);
      return;
    }
    ScheduledExecutorService executor = scheduler;
    if (executor == null) {
      writeError(
          response,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          Messages.SERVER_ERROR,
          "Service unavailable",
          callback);
      return;
    }
    String method = request.getMethod();
    if (HttpMethod.POST.is(method)) {
      post(request, response, callback, principal.get(), executor);
    } else if (HttpMethod.GET.is(method)) {
      get(request, response, callback, principal.get(), executor);
    } else if (HttpMethod.DELETE.is(method)) {
      delete(request, response, callback, principal.get());
    } else {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
      writeError(
          response,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          Messages.SERVER_ERROR,
          "Method not allowed",
          callback);
    }
  }

  // ---- POST ----

  private void post(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType == null || !mediaType(contentType).equals("application/json")) {
      writeError(
          response,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
          Messages.SERVER_ERROR,
          "Unsupported Media Type: Content-Type must be application/json",
          callback);
      return;
    }
    long max = limits.maxBodyBytes();
    byte[] body;
    try {
      body = request.getLength() > max ? null : readCapped(request, max);
    } catch (IOException e) {
      writeError(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          "Bad Request: could not read the body",
          callback);
      return;
    }
    if (body == null || body.length > max) {
      writeError(
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
      writeError(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.PARSE_ERROR,
          "Parse error: the body is not a JSON-RPC message",
          callback);
      return;
    }
    Messages.Analysis analysis = Messages.analyze(message);
    boolean sse = accepts(request, TEXT_EVENT_STREAM);
    String sessionId = request.getHeaders().get(SESSION_HEADER);
    HttpSession session = sessionId == null ? null : find(sessionId, principal);
    if (analysis.isInitialize() && session == null) {
      // No session, or a stale one: a new session (clients re-initialize after a 404).
      initialize(message, response, callback, principal, sse);
      return;
    }
    if (sessionId == null) {
      writeError(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          analysis.initializes() > 0
              ? "Bad Request: initialize must not be batched"
              : "Bad Request: Mcp-Session-Id header is required",
          callback);
      return;
    }
    if (session == null) {
      sessionNotFound(response, callback);
      return;
    }
    if (!protocolVersionOk(request, session, response, callback)) {
      return;
    }
    session.touch(clock.millis());
    if (analysis.expectedAnswers() == 0) {
      session.mcp.handle(message, answer -> {});
      session.abandon(analysis.cancelledKeys());
      response.setStatus(HttpStatus.ACCEPTED_202);
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return;
    }
    if (sse) {
      sseHeaders(response);
    } else {
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }
    StreamedBody out = new StreamedBody(response, callback);
    PostExchange exchange = new PostExchange(session, analysis, response, out, sse, clock::millis);
    if (!session.register(exchange)) {
      response.getHeaders().clear();
      sessionNotFound(response, callback);
      return;
    }
    out.onDone(failure -> dispatch(executor, () -> exchange.bodyDone(failure)));
    request.addFailureListener(out::abort);
    exchange.keepAliveEvery(executor, limits.keepAliveInterval());
    session.mcp.handle(message, exchange::reply);
    session.abandon(analysis.cancelledKeys());
    exchange.start();
  }

  private void initialize(
      JsonNode message, Response response, Callback callback, McpPrincipal principal, boolean sse) {
    if (sessionCount.incrementAndGet() > limits.maxSessions()) {
      sessionCount.decrementAndGet();
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      writeError(
          response,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          Messages.SERVER_ERROR,
          "Service unavailable: too many MCP sessions",
          callback);
      return;
    }
    HttpSession session;
    try {
      EventLog events = new EventLog(REPLAY_EVENTS, REPLAY_BYTES);
      SessionFactory.Opened opened = factory.open(principal, events);
      session = new HttpSession(newSessionId(), principal, opened, events, clock.millis());
    } catch (RuntimeException e) {
      sessionCount.decrementAndGet();
      throw e;
    }
    List<ObjectNode> answers = Collections.synchronizedList(new ArrayList<>());
    session.mcp.handle(message, answers::add);
    McpSession mcp = session.mcp;
    if (mcp.isInitialized()) {
      sessions.put(session.id, session);
      response.getHeaders().put(SESSION_HEADER, session.id);
      LOG.debug(
          "MCP session {} opened for {} (protocol {})",
          session.logId(),
          principal.id(),
          mcp.protocolVersion().orElse("?"));
    } else {
      session.close();
      sessionCount.decrementAndGet();
    }
    if (answers.isEmpty()) {
      throw new IllegalStateException("initialize was not answered");
    }
    ObjectNode answer = answers.get(0);
    if (sse) {
      sseHeaders(response);
      byte[] event = EventLog.event(session.nextStreamNumber() + "-1", answer.toString());
      response.write(true, ByteBuffer.wrap(event), callback);
    } else {
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, ByteBuffer.wrap(Json.mapper().writeValueAsBytes(answer)), callback);
    }
  }

  // ---- GET ----

  private void get(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    if (!accepts(request, TEXT_EVENT_STREAM)) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST, DELETE");
      writeError(
          response,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          Messages.SERVER_ERROR,
          "Method Not Allowed: GET needs Accept: text/event-stream",
          callback);
      return;
    }
    HttpSession session = requireSession(request, response, callback, principal);
    if (session == null || !protocolVersionOk(request, session, response, callback)) {
      return;
    }
    session.touch(clock.millis());
    StreamedBody stream = new StreamedBody(response, callback);
    stream.onDone(failure ->
        dispatch(
            executor,
            () -> {
              session.events.detach(stream);
              session.streamClosed(clock.millis());
            }));
    sseHeaders(response);
    session.streamOpened();
    if (!session.events.attach(stream, request.getHeaders().get("Last-Event-ID"))) {
      session.streamClosed(clock.millis());
      response.getHeaders().remove(HttpHeader.CACHE_CONTROL);
      response.getHeaders().remove("X-Accel-Buffering");
      writeError(
          response,
          HttpStatus.CONFLICT_409,
          Messages.SERVER_ERROR,
          "Conflict: this session already has a GET stream open",
          callback);
      return;
    }
    request.addFailureListener(stream::abort);
    stream.keepAliveEvery(executor, limits.keepAliveInterval(), SSE_KEEP_ALIVE);
    stream.start(true);
  }

  // ---- DELETE ----

  private void delete(
      Request request, Response response, Callback callback, McpPrincipal principal) {
    HttpSession session = requireSession(request, response, callback, principal);
    if (session == null) {
      return;
    }
    closeSession(session);
    LOG.debug("MCP session {} deleted by the client", session.logId());
    response.setStatus(HttpStatus.NO_CONTENT_204);
    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
  }

  // ---- helpers ----

  /** The live session of this id and principal, or null after answering 400 or 404. */
  private @Nullable HttpSession requireSession(
      Request request, Response response, Callback callback, McpPrincipal principal) {
    String sessionId = request.getHeaders().get(SESSION_HEADER);
    if (sessionId == null) {
      writeError(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          "Bad Request: Mcp-Session-Id header is required",
          callback);
      return null;
    }
    HttpSession session = find(sessionId, principal);
    if (session == null) {
      sessionNotFound(response, callback);
    }
    return session;
  }

  /** The live session of this id, if {@code principal} owns it: another's is not found either. */
  private @Nullable HttpSession find(String sessionId, McpPrincipal principal) {
    HttpSession session = sessions.get(sessionId);
    if (session == null || !session.ownedBy(principal) || session.isClosed()) {
      return null;
    }
    return session;
  }

  private boolean protocolVersionOk(
      Request request, HttpSession session, Response response, Callback callback) {
    String version = request.getHeaders().get(PROTOCOL_VERSION_HEADER);
    // Absent: the spec says to assume 2025-03-26, which this transport serves the same way.
    if (version == null
        || TRANSPORT_VERSIONS.contains(version)
        || version.equals(session.mcp.protocolVersion().orElse(null))) {
      return true;
    }
    writeError(
        response,
        HttpStatus.BAD_REQUEST_400,
        Messages.INVALID_REQUEST,
        "Bad Request: unsupported MCP-Protocol-Version",
        callback);
    return false;
  }

  private void closeSession(HttpSession session) {
    if (sessions.remove(session.id, session)) {
      sessionCount.decrementAndGet();
    }
    session.close();
  }

  private String newSessionId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void sessionNotFound(Response response, Callback callback) {
    writeError(
        response,
        HttpStatus.NOT_FOUND_404,
        Messages.SESSION_NOT_FOUND,
        "Session not found",
        callback);
  }

  private static void sseHeaders(Response response) {
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Accel-Buffering", "no");
  }

  /** Whether any {@code Accept} value names {@code mediaType} (parameters and case ignored). */
  private static boolean accepts(Request request, String mediaType) {
    for (String value : request.getHeaders().getValuesList(HttpHeader.ACCEPT)) {
      for (String range : value.split(",")) {
        if (mediaType(range).equals(mediaType)) {
          return true;
        }
      }
    }
    return false;
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

  /** A small JSON-RPC error body; never a stack trace. */
  static void writeError(
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
