package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The live sessions of one handler, by id, and the slots that bound how many are open at once (a
 * slot is taken before a session is opened, and may be held by one never listed, like a stateless
 * request's). Session ids are random, unguessable, base64url. Thread-safe.
 */
final class SessionTable<S extends McpHttpSession> {
  private static final String RETRY_AFTER_SECONDS = "30";

  private final int maxSessions;
  private final ConcurrentHashMap<String, S> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger slots = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();

  SessionTable(int maxSessions) {
    this.maxSessions = maxSessions;
  }

  /** A new session id: 16 random bytes, 22 characters. */
  String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Takes a slot and opens a session in it; null after answering 503 with {@code Retry-After} when
   * none is free. A RuntimeException of {@code open} gives the slot back and is rethrown.
   */
  <T> @Nullable T open(Response response, Callback callback, Supplier<T> open) {
    if (slots.incrementAndGet() > maxSessions) {
      slots.decrementAndGet();
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
      Replies.error(
          response,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          "Service unavailable: too many MCP sessions",
          callback);
      return null;
    }
    try {
      return open.get();
    } catch (RuntimeException e) {
      slots.decrementAndGet();
      throw e;
    }
  }

  /** Gives back the slot of a session that is not listed (never was, or never will be). */
  void release() {
    slots.decrementAndGet();
  }

  /** Lists a session opened in a slot. */
  void put(S session) {
    sessions.put(session.id, session);
  }

  /** The live session of this id, if {@code principal} owns it: another's is not found either. */
  @Nullable S find(String id, McpPrincipal principal) {
    S session = sessions.get(id);
    if (session == null || !session.ownedBy(principal) || session.isClosed()) {
      return null;
    }
    return session;
  }

  /**
   * Closes a session and, if it is listed, unlists it and frees its slot.
   *
   * @return whether it was listed
   */
  boolean close(S session) {
    boolean listed = sessions.remove(session.id, session);
    if (listed) {
      slots.decrementAndGet();
    }
    session.close();
    return listed;
  }

  /** The listed sessions, now. */
  List<S> all() {
    return List.copyOf(sessions.values());
  }

  /** How many sessions are listed. */
  int size() {
    return sessions.size();
  }
}
