package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Streamable HTTP session: the {@link McpSession}, the principal it is bound to, its GET
 * stream's {@link EventLog}, and the POSTs still waiting for answers. Thread-safe.
 */
final class HttpSession {
  private static final Logger LOG = LoggerFactory.getLogger(HttpSession.class);

  final String id;
  final McpPrincipal principal;
  final McpSession mcp;
  final EventLog events;
  private final AutoCloseable resources;
  private final Consumer<McpPrincipal> principalChanged;
  private final AtomicReference<McpPrincipal> lastSeen;

  private final Set<PostExchange> exchanges = ConcurrentHashMap.newKeySet();
  private final AtomicInteger streams = new AtomicInteger(); // open POST exchanges and GET streams
  private final AtomicInteger streamNumbers = new AtomicInteger(); // 0 is the GET stream
  private volatile long lastActiveMillis;

  // Guarded by this.
  private boolean closed;

  HttpSession(
      String id,
      McpPrincipal principal,
      SessionFactory.Opened opened,
      EventLog events,
      long nowMillis) {
    this.id = id;
    this.principal = principal;
    this.mcp = opened.session();
    this.resources = opened.resources();
    this.principalChanged = opened.principalChanged();
    this.lastSeen = new AtomicReference<>(principal);
    this.events = events;
    this.lastActiveMillis = nowMillis;
  }

  /** Whether {@code principal} may use this session: the one that created it. */
  boolean ownedBy(McpPrincipal other) {
    return principal.id().equals(other.id());
  }

  /**
   * Notes the principal of a request of the owner: when its scopes differ from the last seen (a
   * step-up, or a narrower token), tells the factory's {@code principalChanged} hook, once per
   * change even when requests race.
   */
  void observe(McpPrincipal current) {
    while (true) {
      McpPrincipal last = lastSeen.get();
      if (last.scopes().equals(current.scopes())) {
        return;
      }
      if (lastSeen.compareAndSet(last, current)) {
        break;
      }
    }
    LOG.debug(
        "MCP session {}: {} now holds {} (was other scopes)",
        logId(),
        current.id(),
        current.scopes().names());
    try {
      principalChanged.accept(current);
    } catch (RuntimeException e) {
      LOG.warn("MCP session {}: adjusting to new scopes failed", logId(), e);
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** The number of a new POST stream, for its event ids. */
  int nextStreamNumber() {
    return streamNumbers.incrementAndGet();
  }

  void touch(long nowMillis) {
    lastActiveMillis = nowMillis;
  }

  /** Idle: no stream open and no request since {@code ttlMillis}. */
  boolean idleSince(long nowMillis, long ttlMillis) {
    return streams.get() == 0 && nowMillis - lastActiveMillis > ttlMillis;
  }

  /** Registers a waiting POST; false when the session is closed. */
  boolean register(PostExchange exchange) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      exchanges.add(exchange);
    }
    streams.incrementAndGet();
    return true;
  }

  /** A POST got all its answers, or was cancelled or cut off. */
  void finished(PostExchange exchange, long nowMillis) {
    if (exchanges.remove(exchange)) {
      streams.decrementAndGet();
      touch(nowMillis);
    }
  }

  /** Counts a GET stream as open. */
  void streamOpened() {
    streams.incrementAndGet();
  }

  /** Counts a GET stream as closed. */
  void streamClosed(long nowMillis) {
    streams.decrementAndGet();
    touch(nowMillis);
  }

  /** A client's {@code notifications/cancelled}: stop waiting for those requests' answers. */
  void abandon(List<String> requestKeys) {
    for (PostExchange exchange : exchanges) {
      exchange.abandon(requestKeys);
    }
  }

  /**
   * Closes the MCP session (cancelling its tool calls), ends the GET stream and every waiting POST
   * with what it has, and releases the factory's resources. Idempotent.
   */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      mcp.close();
    } catch (RuntimeException e) {
      LOG.warn("MCP session {}: close failed", logId(), e);
    }
    events.close();
    for (PostExchange exchange : List.copyOf(exchanges)) {
      exchange.sessionClosed();
    }
    try {
      resources.close();
    } catch (Exception e) {
      LOG.warn("MCP session {}: releasing its resources failed", logId(), e);
    }
  }

  /** A prefix of the id, enough to tell sessions apart in logs without leaking the credential. */
  String logId() {
    return id.substring(0, Math.min(6, id.length()));
  }
}
