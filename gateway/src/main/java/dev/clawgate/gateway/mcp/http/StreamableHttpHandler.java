package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.protocol.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP's Streamable HTTP transport on one endpoint, whatever path it is mounted at: {@code POST}
 * carries client messages, {@code GET} opens the server-to-client event stream, {@code DELETE} ends
 * a session.
 *
 * <p>Every request is checked in this order: {@code Origin} (absent is fine, present and not
 * allowed is 403; an allowed one gets the CORS headers, and an {@code OPTIONS} preflight is
 * answered here, before authentication), authentication (401 with a {@code WWW-Authenticate: Bearer
 * resource_metadata} challenge), then the session: an {@code initialize} without {@code
 * Mcp-Session-Id} opens one, anything else needs the id (400 without it) of a live session of the
 * same principal (404 otherwise, so clients re-initialize), and a {@code MCP-Protocol-Version}
 * header, if present, that this transport speaks (400 with {@code UnsupportedProtocolVersionError}
 * otherwise). A request of the session's owner holding other scopes than the last one is reported
 * to the session ({@link SessionFactory.Opened#principalChanged}). A {@code tools/call} of a tool
 * whose {@link ToolScopes scopes} the caller lacks is refused with 403 and an {@code
 * insufficient_scope} challenge (step-up), nothing of that POST being dispatched.
 *
 * <p>A POST carrying {@code MCP-Protocol-Version: 2026-07-28} is of that revision's stateless form
 * (see {@link StatelessRequests}): no session, {@code Mcp-Session-Id} and {@code Last-Event-ID}
 * ignored; it is served by a fresh session opened for it alone, initialized internally and closed
 * once its answer is written or its stream closed (which cancels it). GET and DELETE of that
 * revision are 405.
 *
 * <p>A POST of notifications and responses only gets 202. A POST with requests waits for their
 * answers: as an SSE stream when the client accepts {@code text/event-stream} (keep-alive comments
 * while waiting, ended after the last answer; for 2025-11-25 sessions first a priming event with an
 * id and a {@code retry}), else as one JSON body (preceded by whitespace keep-alives when it is
 * slow). If the request fails while waiting (the client went away, noticed at the latest by a
 * keep-alive write), its unanswered requests are cancelled in the session.
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

  /** What the endpoint answers; {@code Allow} of 405 and of {@code OPTIONS}. */
  static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";

  static final String CORS_ALLOW_HEADERS =
      "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID,"
          + " Mcp-Method, Mcp-Name";
  static final String CORS_EXPOSE_HEADERS =
      "Mcp-Session-Id, WWW-Authenticate, MCP-Protocol-Version";

  /** The first revision whose clients take SSE events with empty data (priming events). */
  private static final String PRIMING_SINCE = "2025-11-25";

  private static final String TEXT_EVENT_STREAM = Replies.TEXT_EVENT_STREAM;

  private final SessionFactory factory;
  private final RequestGate gate;
  private final StreamableHttpLimits limits;
  private final Clock clock;

  private final SessionTable<HttpSession> sessions;
  private final Set<HttpSession> statelessSessions = ConcurrentHashMap.newKeySet();
  private volatile @Nullable ScheduledExecutorService scheduler;
  private volatile @Nullable ScheduledFuture<?> sweeper;

  /** A handler where no tool needs a scope. */
  public StreamableHttpHandler(
      SessionFactory factory,
      Authenticator authenticator,
      String resourceMetadataUrl,
      Predicate<String> allowedOrigin,
      StreamableHttpLimits limits,
      Clock clock) {
    this(
        factory,
        authenticator,
        ToolScopes.NONE,
        () -> resourceMetadataUrl,
        allowedOrigin,
        limits,
        clock);
  }

  /**
   * A handler.
   *
   * @param factory builds the MCP session behind each new HTTP session
   * @param authenticator who a request acts for; a refusal is answered with 401 or 400
   * @param toolScopes the scopes each tool needs; a call without them is answered with 403
   * @param resourceMetadataUrl the protected-resource metadata URL named in the challenges
   * @param allowedOrigin whether a present {@code Origin} header may use the endpoint (also from a
   *     browser, with CORS)
   * @param limits body, session, idle, keep-alive and SSE retry bounds
   * @param clock for session idleness
   */
  public StreamableHttpHandler(
      SessionFactory factory,
      Authenticator authenticator,
      ToolScopes toolScopes,
      Supplier<String> resourceMetadataUrl,
      Predicate<String> allowedOrigin,
      StreamableHttpLimits limits,
      Clock clock) {
    super(InvocationType.BLOCKING); // reads the (bounded) body with blocking reads
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
    this.clock = Objects.requireNonNull(clock, "null clock");
    this.sessions = new SessionTable<>(limits.maxSessions());
  }

  /**
   * Open sessions, counting the one-request sessions of stateless (2026-07-28) requests being
   * answered, which hold a place under the session limit too.
   */
  public int sessionCount() {
    return sessions.size() + statelessSessions.size();
  }

  @Override
  protected void doStart() throws Exception {
    ScheduledThreadPoolExecutor executor = StreamedBody.scheduler("clawgate-mcp-http");
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
    for (HttpSession session : sessions.all()) {
      closeSession(session);
    }
    for (HttpSession session : List.copyOf(statelessSessions)) {
      session.close();
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
    for (HttpSession session : sessions.all()) {
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
  public boolean handle(Request request, Response response, Callback callback) {
    gate.handle(request, response, callback, LOG, "MCP", scheduler, this::serve);
    return true;
  }

  private void serve(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    String method = request.getMethod();
    boolean stateless =
        StatelessRequests.VERSION.equals(request.getHeaders().get(PROTOCOL_VERSION_HEADER));
    if (HttpMethod.POST.is(method)) {
      if (stateless) {
        stateless(request, response, callback, principal, executor);
      } else {
        post(request, response, callback, principal, executor);
      }
    } else if (stateless && (HttpMethod.GET.is(method) || HttpMethod.DELETE.is(method))) {
      response.getHeaders().put(HttpHeader.ALLOW, ALLOWED_METHODS);
      Replies.error(
          response,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          "Method Not Allowed: " + StatelessRequests.VERSION + " has no GET stream and no sessions",
          callback);
    } else if (HttpMethod.GET.is(method)) {
      get(request, response, callback, principal, executor);
    } else if (HttpMethod.DELETE.is(method)) {
      delete(request, response, callback, principal);
    } else {
      response.getHeaders().put(HttpHeader.ALLOW, ALLOWED_METHODS);
      Replies.error(response, HttpStatus.METHOD_NOT_ALLOWED_405, "Method not allowed", callback);
    }
  }

  // ---- POST ----

  private void post(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    JsonNode message = Replies.readMessage(request, response, limits.maxBodyBytes(), callback);
    if (message == null) {
      return;
    }
    Messages.Analysis analysis = Messages.analyze(message);
    boolean sse = Replies.accepts(request, TEXT_EVENT_STREAM);
    String sessionId = request.getHeaders().get(SESSION_HEADER);
    HttpSession session = sessionId == null ? null : sessions.find(sessionId, principal);
    if (analysis.isInitialize() && session == null) {
      // No session, or a stale one: a new session (clients re-initialize after a 404).
      initialize(message, response, callback, principal, sse);
      return;
    }
    String version = request.getHeaders().get(PROTOCOL_VERSION_HEADER);
    if (version != null && !knownVersion(version)) {
      refuse(response, StatelessRequests.unsupportedVersion(firstId(message), version), callback);
      return;
    }
    if (sessionId == null && version == null && declaresModernVersion(message)) {
      refuse(
          response,
          StatelessRequests.mismatch(
              firstId(message), "the MCP-Protocol-Version header is required"),
          callback);
      return;
    }
    if (sessionId == null) {
      Replies.error(
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
      Replies.sessionNotFound(response, callback);
      return;
    }
    if (!protocolVersionOk(request, session, response, callback)) {
      return;
    }
    session.observe(principal);
    if (!gate.scopesSuffice(message, principal, response, callback)) {
      return;
    }
    session.touch(clock.millis());
    if (analysis.expectedAnswers() == 0) {
      session.mcp.handle(message, answer -> {});
      session.abandon(analysis.cancelledKeys());
      Replies.empty(response, HttpStatus.ACCEPTED_202, callback);
      return;
    }
    answerHeaders(response, sse);
    StreamedBody out = new StreamedBody(response, callback);
    PostExchange exchange = new PostExchange(session, analysis, response, out, sse, clock::millis);
    if (!session.register(exchange)) {
      response.getHeaders().clear();
      gate.cors(request, response);
      Replies.sessionNotFound(response, callback);
      return;
    }
    if (sse && primes(session.mcp)) {
      exchange.prime(limits.sseRetry());
    }
    out.onDone(failure -> Replies.dispatch(executor, () -> exchange.bodyDone(failure)));
    request.addFailureListener(out::abort);
    exchange.keepAliveEvery(executor, limits.keepAliveInterval());
    session.mcp.handle(message, exchange::reply);
    session.abandon(analysis.cancelledKeys());
    exchange.start();
  }

  private void initialize(
      JsonNode message, Response response, Callback callback, McpPrincipal principal, boolean sse) {
    HttpSession session =
        sessions.open(
            response,
            callback,
            () -> {
              EventLog events = new EventLog(REPLAY_EVENTS, REPLAY_BYTES);
              SessionFactory.Opened opened = factory.open(principal, events);
              return new HttpSession(sessions.newId(), principal, opened, events, clock.millis());
            });
    if (session == null) {
      return;
    }
    List<ObjectNode> answers = Collections.synchronizedList(new ArrayList<>());
    session.mcp.handle(message, answers::add);
    McpSession mcp = session.mcp;
    if (mcp.isInitialized()) {
      sessions.put(session);
      response.getHeaders().put(SESSION_HEADER, session.id);
      LOG.debug(
          "MCP session {} opened for {} (protocol {})",
          session.logId(),
          principal.id(),
          mcp.protocolVersion().orElse("?"));
    } else {
      session.close();
      sessions.release();
    }
    if (answers.isEmpty()) {
      throw new IllegalStateException("initialize was not answered");
    }
    String eventId = sse ? session.nextStreamNumber() + "-1" : null;
    writeAnswer(response, answers.get(0), sse, eventId, callback);
  }

  // ---- POST, 2026-07-28 stateless form ----

  private void stateless(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    JsonNode message = Replies.readMessage(request, response, limits.maxBodyBytes(), callback);
    if (message == null) {
      return;
    }
    StatelessRequests.Refusal refusal = StatelessRequests.check(message, request.getHeaders());
    if (refusal != null) {
      refuse(response, refusal, callback);
      return;
    }
    JsonNode id = StatelessRequests.idOf(message);
    if (id == null) { // a notification: this revision defines none a client sends over HTTP
      Replies.empty(response, HttpStatus.ACCEPTED_202, callback);
      return;
    }
    if (!gate.scopesSuffice(message, principal, response, callback)) {
      return;
    }
    HttpSession session =
        sessions.open(
            response,
            callback,
            () -> {
              // Nothing of a session outlives the request: its unsolicited messages go nowhere.
              SessionFactory.Opened opened = factory.open(principal, dropped -> {});
              return new HttpSession(
                  sessions.newId(), principal, opened, new EventLog(1, 1), clock.millis());
            });
    if (session == null) {
      return;
    }
    statelessSessions.add(session);
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            statelessSessions.remove(session);
            session.close();
            sessions.release();
          }
        };
    boolean handedOver = false;
    try {
      List<ObjectNode> answers = Collections.synchronizedList(new ArrayList<>());
      session.mcp.handle(StatelessRequests.initialize(message), answers::add);
      if (!session.mcp.isInitialized() || answers.isEmpty()) {
        throw new IllegalStateException("the session refused its internal initialize");
      }
      session.mcp.handle(StatelessRequests.initialized(), ignored -> {});
      JsonNode initialized = answers.get(0).path("result");
      String method = message.path("method").stringValue();
      boolean sse = Replies.accepts(request, TEXT_EVENT_STREAM);
      if (method.equals("server/discover")) {
        writeAnswer(response, StatelessRequests.discover(id, initialized), sse, null, callback);
        return;
      }
      answerHeaders(response, sse);
      StreamedBody out = new StreamedBody(response, callback);
      PostExchange exchange =
          new PostExchange(
              session,
              Messages.analyze(message),
              response,
              out,
              sse,
              clock::millis,
              false,
              StatelessRequests.decorator(method, initialized.path("serverInfo")));
      if (!session.register(exchange)) {
        throw new IllegalStateException("a new stateless session is closed");
      }
      handedOver = true;
      // Closing the stream (or the JSON response) cancels the request: bodyDone cancels what is
      // unanswered, and closing the session stops its tool calls.
      out.onDone(failure ->
          Replies.dispatch(
              executor,
              () -> {
                exchange.bodyDone(failure);
                release.run();
              }));
      request.addFailureListener(out::abort);
      exchange.keepAliveEvery(executor, limits.keepAliveInterval());
      session.mcp.handle(message, exchange::reply);
      exchange.start();
    } finally {
      if (!handedOver) {
        release.run();
      }
    }
  }

  /** 200 and the headers of answers: an SSE stream, or one JSON body. */
  private static void answerHeaders(Response response, boolean sse) {
    if (sse) {
      Replies.sseHeaders(response, "no-cache");
    } else {
      Replies.jsonHeaders(response, HttpStatus.OK_200);
    }
  }

  /** One answer, as a JSON body or as a one-event SSE stream (with {@code eventId}, if any). */
  private static void writeAnswer(
      Response response,
      ObjectNode answer,
      boolean sse,
      @Nullable String eventId,
      Callback callback) {
    byte[] json = Json.mapper().writeValueAsBytes(answer);
    answerHeaders(response, sse);
    byte[] body =
        sse ? Replies.event(eventId, "message", new String(json, StandardCharsets.UTF_8)) : json;
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  // ---- POST helpers ----

  /** Whether a session of 2025-11-25 or later was negotiated: its client takes priming events. */
  private static boolean primes(McpSession mcp) {
    String version = mcp.protocolVersion().orElse(null);
    return version != null
        && McpSession.PROTOCOL_VERSIONS.contains(version)
        && version.compareTo(PRIMING_SINCE) >= 0;
  }

  /** A revision a session-era request may name in {@code MCP-Protocol-Version}. */
  private static boolean knownVersion(String version) {
    return TRANSPORT_VERSIONS.contains(version) || McpSession.PROTOCOL_VERSIONS.contains(version);
  }

  /** Whether the message declares a 2026-07-28 style protocol version in {@code params._meta}. */
  private static boolean declaresModernVersion(JsonNode message) {
    return message.isObject()
        && message
            .path("params")
            .path("_meta")
            .path(StatelessRequests.META_PROTOCOL_VERSION)
            .isString();
  }

  /** The id of a single request, for an error answering it; null for anything else. */
  private static @Nullable JsonNode firstId(JsonNode message) {
    return message.isObject() ? StatelessRequests.idOf(message) : null;
  }

  private static void refuse(
      Response response, StatelessRequests.Refusal refusal, Callback callback) {
    Replies.json(response, refusal.status(), refusal.body(), callback);
  }

  // ---- GET ----

  private void get(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    if (!Replies.accepts(request, TEXT_EVENT_STREAM)) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST, DELETE");
      Replies.error(
          response,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          "Method Not Allowed: GET needs Accept: text/event-stream",
          callback);
      return;
    }
    HttpSession session = requireSession(request, response, callback, principal);
    if (session == null || !protocolVersionOk(request, session, response, callback)) {
      return;
    }
    session.observe(principal);
    session.touch(clock.millis());
    StreamedBody stream = new StreamedBody(response, callback);
    stream.onDone(failure ->
        Replies.dispatch(
            executor,
            () -> {
              session.events.detach(stream);
              session.streamClosed(clock.millis());
            }));
    Replies.sseHeaders(response, "no-cache");
    session.streamOpened();
    if (!session.events.attach(stream, request.getHeaders().get("Last-Event-ID"))) {
      session.streamClosed(clock.millis());
      response.getHeaders().remove(HttpHeader.CACHE_CONTROL);
      response.getHeaders().remove("X-Accel-Buffering");
      Replies.error(
          response,
          HttpStatus.CONFLICT_409,
          "Conflict: this session already has a GET stream open",
          callback);
      return;
    }
    request.addFailureListener(stream::abort);
    stream.keepAliveEvery(executor, limits.keepAliveInterval(), Replies.SSE_KEEP_ALIVE);
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
    Replies.empty(response, HttpStatus.NO_CONTENT_204, callback);
  }

  // ---- helpers ----

  /** The live session of this id and principal, or null after answering 400 or 404. */
  private @Nullable HttpSession requireSession(
      Request request, Response response, Callback callback, McpPrincipal principal) {
    String sessionId = request.getHeaders().get(SESSION_HEADER);
    if (sessionId == null) {
      Replies.error(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          "Bad Request: Mcp-Session-Id header is required",
          callback);
      return null;
    }
    HttpSession session = sessions.find(sessionId, principal);
    if (session == null) {
      Replies.sessionNotFound(response, callback);
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
    refuse(response, StatelessRequests.unsupportedVersion(null, version), callback);
    return false;
  }

  private void closeSession(HttpSession session) {
    sessions.close(session);
  }
}
