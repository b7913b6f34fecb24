package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Streamable HTTP session: the {@link McpSession}, the principal it is bound to, its GET
 * stream's {@link EventLog}, and the POSTs still waiting for answers. Thread-safe.
 */
final class HttpSession extends McpHttpSession {
  private static final Logger LOG = LoggerFactory.getLogger(HttpSession.class);

  final McpSession mcp;
  final EventLog events;

  private final Set<PostExchange> exchanges = ConcurrentHashMap.newKeySet();
  private final AtomicInteger streams = new AtomicInteger(); // open POST exchanges and GET streams
  private final AtomicInteger streamNumbers = new AtomicInteger(); // 0 is the GET stream
  private volatile long lastActiveMillis;

  HttpSession(
      String id,
      McpPrincipal principal,
      SessionFactory.Opened opened,
      EventLog events,
      long nowMillis) {
    super(id, principal, LOG, "MCP session");
    bind(opened);
    this.mcp = opened.session();
    this.events = events;
    this.lastActiveMillis = nowMillis;
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
      if (isClosed()) {
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

  /** Ends the GET stream and every waiting POST with what it has. */
  @Override
  void closeStreams() {
    events.close();
    for (PostExchange exchange : List.copyOf(exchanges)) {
      exchange.sessionClosed();
    }
  }
}
