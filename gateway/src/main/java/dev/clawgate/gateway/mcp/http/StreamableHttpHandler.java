package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ScopeSet;
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
import java.util.function.Supplier;
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
  static final String CORS_MAX_AGE_SECONDS = "600";

  /** The first revision whose clients take SSE events with empty data (priming events). */
  private static final String PRIMING_SINCE = "2025-11-25";

  private static final String RETRY_AFTER_SECONDS = "30";
  private static final String TEXT_EVENT_STREAM = "text/event-stream";
  private static final byte[] SSE_KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

  private final SessionFactory factory;
  private final Authenticator authenticator;
  private final ToolScopes toolScopes;
  private final BearerChallenges challenges;
  private final Predicate<String> allowedOrigin;
  private final StreamableHttpLimits limits;
  private final Clock clock;

  private final ConcurrentHashMap<String, HttpSession> sessions = new ConcurrentHashMap<>();
  private final Set<HttpSession> statelessSessions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessionCount = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
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
    this.authenticator = Objects.requireNonNull(authenticator, "null authenticator");
    this.toolScopes = Objects.requireNonNull(toolScopes, "null toolScopes");
    this.challenges = new BearerChallenges(resourceMetadataUrl);
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
        cors(request, jettyResponse);
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
    cors(request, response);
    String method = request.getMethod();
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
        writeError(
            response,
            refused.status(),
            Messages.SERVER_ERROR,
            (refused.status() == 401 ? "Unauthorized: " : "Bad Request: ") + refused.description(),
            callback);
        return;
      }
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
      writeError(
          response,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          Messages.SERVER_ERROR,
          "Method Not Allowed: " + StatelessRequests.VERSION + " has no GET stream and no sessions",
          callback);
    } else if (HttpMethod.GET.is(method)) {
      get(request, response, callback, principal, executor);
    } else if (HttpMethod.DELETE.is(method)) {
      delete(request, response, callback, principal);
    } else {
      response.getHeaders().put(HttpHeader.ALLOW, ALLOWED_METHODS);
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
    JsonNode message = readMessage(request, response, callback);
    if (message == null) {
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
    session.observe(principal);
    if (!scopesSuffice(message, principal, response, callback)) {
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
      cors(request, response);
      sessionNotFound(response, callback);
      return;
    }
    if (sse && primes(session.mcp)) {
      exchange.prime(limits.sseRetry());
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

  // ---- POST, 2026-07-28 stateless form ----

  private void stateless(
      Request request,
      Response response,
      Callback callback,
      McpPrincipal principal,
      ScheduledExecutorService executor) {
    JsonNode message = readMessage(request, response, callback);
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
      response.setStatus(HttpStatus.ACCEPTED_202);
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return;
    }
    if (!scopesSuffice(message, principal, response, callback)) {
      return;
    }
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
      // Nothing of a session outlives the request: its unsolicited messages go nowhere.
      SessionFactory.Opened opened = factory.open(principal, dropped -> {});
      session =
          new HttpSession(newSessionId(), principal, opened, new EventLog(1, 1), clock.millis());
    } catch (RuntimeException e) {
      sessionCount.decrementAndGet();
      throw e;
    }
    statelessSessions.add(session);
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            statelessSessions.remove(session);
            session.close();
            sessionCount.decrementAndGet();
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
      boolean sse = accepts(request, TEXT_EVENT_STREAM);
      if (method.equals("server/discover")) {
        writeAnswer(response, StatelessRequests.discover(id, initialized), sse, callback);
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
          dispatch(
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

  /** One answer, as a JSON body or as a one-event SSE stream without an event id. */
  private static void writeAnswer(
      Response response, ObjectNode answer, boolean sse, Callback callback) {
    byte[] json = Json.mapper().writeValueAsBytes(answer);
    if (sse) {
      sseHeaders(response);
      byte[] event =
          ("event: message\ndata: " + new String(json, StandardCharsets.UTF_8) + "\n\n")
              .getBytes(StandardCharsets.UTF_8);
      response.write(true, ByteBuffer.wrap(event), callback);
    } else {
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, ByteBuffer.wrap(json), callback);
    }
  }

  // ---- POST helpers ----

  /**
   * The POSTed JSON-RPC message (an object or an array), or null after answering 415 (not JSON),
   * 413 (too large) or 400 (unreadable, not JSON-RPC).
   */
  private @Nullable JsonNode readMessage(Request request, Response response, Callback callback) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType == null || !mediaType(contentType).equals("application/json")) {
      writeError(
          response,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
          Messages.SERVER_ERROR,
          "Unsupported Media Type: Content-Type must be application/json",
          callback);
      return null;
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
      return null;
    }
    if (body == null || body.length > max) {
      writeError(
          response,
          HttpStatus.PAYLOAD_TOO_LARGE_413,
          Messages.INVALID_REQUEST,
          "Payload Too Large: the body exceeds " + max + " bytes",
          callback);
      return null;
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
      return null;
    }
    return message;
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
    String description =
        "calling " + firstTool + " needs the scope " + String.join(" ", missing.names());
    String challenge = challenges.insufficientScope(held.union(needed), description);
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, challenge);
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
    response.setStatus(refusal.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(
        true, ByteBuffer.wrap(refusal.body().getBytes(StandardCharsets.UTF_8)), callback);
  }

  /**
   * The CORS response headers for a request from an allowed browser origin (the caller checked it):
   * that origin, never {@code *}, and the headers a script may read. None without {@code Origin}.
   */
  private void cors(Request request, Response response) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null || !allowedOrigin.test(origin)) {
      return;
    }
    response.getHeaders().put("Access-Control-Allow-Origin", origin);
    response.getHeaders().add(HttpHeader.VARY, "Origin");
    response.getHeaders().put("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
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
    session.observe(principal);
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
    refuse(response, StatelessRequests.unsupportedVersion(null, version), callback);
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
