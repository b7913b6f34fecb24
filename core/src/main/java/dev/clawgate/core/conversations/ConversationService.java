package dev.clawgate.core.conversations;

import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Sessions and their transcripts: the one place they change. Appends are durable when a method
 * returns (one write transaction each, or one per inbound batch); listeners hear of them after the
 * commit.
 *
 * <p>Session rows are served from an in-memory index kept exact by the writer (see {@link
 * SessionIndex}); transcripts are read from the database, paged by seq.
 */
public final class ConversationService {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationService.class);

  /** The largest message content accepted, in UTF-8 bytes of its JSON form. */
  public static final int MAX_CONTENT_BYTES = 256 * 1024;

  /** The roles a transcript message may have. */
  public static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");

  private final StateStore store;
  private final Clock clock;
  private final SessionIndex index = new SessionIndex();
  private volatile ConversationListener listener = ConversationListener.none();

  private ConversationService(StateStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Opens the conversations of {@code store}: loads the session index and marks deliveries left in
   * flight by a previous process as interrupted (they may be retried with the same key).
   */
  public static ConversationService open(StateStore store, Clock clock) {
    Objects.requireNonNull(store, "null store");
    Objects.requireNonNull(clock, "null clock");
    ConversationService service = new ConversationService(store, clock);
    store.execute(tx -> {
      int interrupted =
          tx.update(
              "UPDATE deliveries SET state = 'interrupted', updated_at_ms = ?"
                  + " WHERE state = 'sending'",
              clock.millis());
      if (interrupted > 0) {
        LOG.warn(
            "{} deliveries were in flight when the gateway stopped; marked interrupted",
            interrupted);
      }
    });
    service.index.load(
        store.read(
            tx -> tx.list("SELECT " + Codec.SESSION_COLUMNS + " FROM sessions", Codec::session)));
    return service;
  }

  /** Sends committed changes to {@code listener} from now on (replacing the previous one). */
  public void listen(ConversationListener listener) {
    this.listener = Objects.requireNonNull(listener, "null listener");
  }

  // ---- reads -------------------------------------------------------------------------------

  /** A page of sessions, most recently updated first. */
  public SessionPage list(SessionQuery query) {
    return index.page(query);
  }

  /** The most recently updated session whose reply route is {@code route}, if any. */
  public Optional<SessionRow> findByRoute(Route route) {
    return index.findByRoute(route);
  }

  /** How many sessions there are. */
  public int sessionCount() {
    return index.size();
  }

  /** The session {@code key}, if it exists. */
  public Optional<SessionRow> describe(String key) {
    return index.get(key);
  }

  /**
   * The session {@code key}.
   *
   * @throws ClawgateException {@code SESSION_NOT_FOUND}
   */
  public SessionRow require(String key) {
    return index.get(key).orElseThrow(() -> notFound(key));
  }

  /**
   * The latest {@code limit} messages of the session's current transcript before {@code beforeSeq}
   * (all when empty), oldest first.
   *
   * @throws ClawgateException {@code SESSION_NOT_FOUND}
   */
  public List<TranscriptMessage> history(String key, int limit, Optional<Long> beforeSeq) {
    SessionRow row = require(key);
    List<TranscriptMessage> latest =
        store.read(tx ->
            tx.list(
                "SELECT "
                    + Codec.MESSAGE_COLUMNS
                    + " FROM transcript"
                    + " WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                Codec::message,
                row.sessionId(),
                beforeSeq.orElse(Long.MAX_VALUE),
                limit));
    List<TranscriptMessage> ordered = new ArrayList<>(latest);
    Collections.reverse(ordered);
    return ordered;
  }

  /**
   * The message {@code messageId} of the session's current transcript, if it is there.
   *
   * @throws ClawgateException {@code SESSION_NOT_FOUND}
   */
  public Optional<TranscriptMessage> message(String key, String messageId) {
    SessionRow row = require(key);
    return store.read(tx ->
        tx.first(
            "SELECT "
                + Codec.MESSAGE_COLUMNS
                + " FROM transcript"
                + " WHERE session_id = ? AND message_id = ?",
            Codec::message,
            row.sessionId(),
            messageId));
  }

  /** The saved cursor {@code name} of a channel account, if any. */
  public Optional<String> cursor(String channel, String accountId, String name) {
    return store.read(tx ->
        tx.first(
            "SELECT value FROM channel_cursors WHERE channel = ? AND account_id = ? AND name = ?",
            rs -> rs.getString(1),
            channel,
            accountId,
            name));
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Appends inbound channel messages to their sessions (creating them) and saves {@code cursor}, in
   * one transaction. Messages already received (same channel, account and external id) are skipped.
   *
   * @return how many messages were new
   */
  public int receive(List<InboundMessage> messages, Optional<ChannelCursor> cursor) {
    List<InboundMessage> batch = List.copyOf(messages);
    Objects.requireNonNull(cursor, "null cursor");
    for (InboundMessage m : batch) {
      checkContent(Json.mapper().getNodeFactory().stringNode(m.text()));
    }
    List<Appended> appended =
        writeIndexed(tx -> {
          List<Appended> done = new ArrayList<>();
          long now = clock.millis();
          for (InboundMessage m : batch) {
            boolean seen =
                tx.first(
                        "SELECT 1 FROM inbound_seen WHERE channel = ? AND account_id = ?"
                            + " AND external_id = ?",
                        rs -> Boolean.TRUE,
                        m.channel(),
                        m.accountId(),
                        m.externalId())
                    .isPresent();
            if (seen) {
              continue;
            }
            Appended a = appendInbound(tx, m, now);
            tx.update(
                "INSERT INTO inbound_seen (channel, account_id, external_id, session_key,"
                    + " message_id, received_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                m.channel(),
                m.accountId(),
                m.externalId(),
                a.session().key(),
                a.message().id(),
                now);
            done.add(a);
          }
          cursor.ifPresent(c ->
              tx.update(
                  "INSERT INTO channel_cursors (channel, account_id, name, value, updated_at_ms)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, account_id, name)"
                      + " DO UPDATE SET value = excluded.value,"
                      + " updated_at_ms = excluded.updated_at_ms",
                  c.channel(),
                  c.accountId(),
                  c.name(),
                  c.value(),
                  now));
          return done;
        });
    appended.forEach(this::announce);
    return appended.size();
  }

  /**
   * Appends {@code message} to its session's transcript. The session must exist, except the main
   * session of an agent ({@code agent:<id>:main}), which is created on first use.
   *
   * @throws ClawgateException {@code SESSION_NOT_FOUND}, {@code MESSAGE_TOO_LARGE}, {@code
   *     INVALID_PARAMS} for an unknown role
   */
  public Appended append(NewMessage message) {
    checkRole(message.role());
    checkContent(message.content());
    Appended appended =
        writeIndexed(
                tx -> {
                  long now = clock.millis();
                  Optional<SessionRow> existing = index.get(message.sessionKey());
                  SessionRow row;
                  boolean created = false;
                  if (existing.isPresent()) {
                    row = existing.get();
                  } else if (isMainKey(message.sessionKey())) {
                    row = createMain(tx, message.sessionKey(), now);
                    created = true;
                  } else {
                    throw notFound(message.sessionKey());
                  }
                  if (message.idempotencyKey().isPresent()) {
                    Optional<TranscriptMessage> earlier =
                        tx.first(
                            "SELECT "
                                + Codec.MESSAGE_COLUMNS
                                + " FROM transcript WHERE session_id = ? AND idempotency_key = ?"
                                + " AND source = ?",
                            Codec::message,
                            row.sessionId(),
                            message.idempotencyKey().get(),
                            message.source());
                    if (earlier.isPresent()) {
                      return List.of(new Appended(row, earlier.get(), false, true));
                    }
                  }
                  return List.of(appendTo(tx, row, message, Optional.empty(), now, created));
                })
            .getFirst();
    if (!appended.duplicate()) {
      announce(appended);
    }
    return appended;
  }

  /**
   * Starts a new transcript for {@code key}: a new session id, no messages. The old transcript is
   * kept in the database under its old id.
   *
   * @throws ClawgateException {@code SESSION_NOT_FOUND}
   */
  public SessionRow reset(String key) {
    SessionRow row =
        writeIndexed(
                tx -> {
                  SessionRow old = index.get(key).orElseThrow(() -> notFound(key));
                  long now = clock.millis();
                  String sessionId = UUID.randomUUID().toString();
                  tx.update(
                      "UPDATE sessions SET session_id = ?, message_count = 0, derived_title = NULL,"
                          + " last_preview = NULL, updated_at_ms = ? WHERE session_key = ?",
                      sessionId,
                      now,
                      key);
                  SessionRow fresh =
                      new SessionRow(
                          old.key(),
                          sessionId,
                          old.agentId(),
                          old.kind(),
                          old.channel(),
                          old.label(),
                          old.displayName(),
                          Optional.empty(),
                          Optional.empty(),
                          old.origin(),
                          old.deliveryContext(),
                          old.lastRoute(),
                          0,
                          old.createdAtMs(),
                          now);
                  index.put(fresh);
                  return List.of(fresh);
                })
            .getFirst();
    listener.sessionChanged(key, "reset", Optional.of(row));
    return row;
  }

  /**
   * Deletes the session {@code key} with every transcript it had.
   *
   * @throws ClawgateException {@code SESSION_NOT_FOUND}
   */
  public void delete(String key) {
    writeIndexed(tx -> {
      if (index.get(key).isEmpty()) {
        throw notFound(key);
      }
      tx.update("DELETE FROM transcript WHERE session_key = ?", key);
      tx.update("DELETE FROM inbound_seen WHERE session_key = ?", key);
      tx.update("DELETE FROM sessions WHERE session_key = ?", key);
      index.remove(key);
      return List.of(key);
    });
    listener.sessionChanged(key, "deleted", Optional.empty());
  }

  // ---- outbound deliveries -------------------------------------------------------------------

  /**
   * Claims {@code request.idempotencyKey()} for a delivery.
   *
   * @return {@link DeliveryClaim.Claimed} when the caller should deliver now (first use of the key,
   *     or a retry after a failed or interrupted attempt), {@link DeliveryClaim.Delivered} with the
   *     recorded result when it was delivered before, {@link DeliveryClaim.InFlight} while another
   *     call is delivering it
   * @throws ClawgateException {@code IDEMPOTENCY_KEY_REUSED} when the key was used for a different
   *     message or route
   */
  public DeliveryClaim claimDelivery(DeliveryRequest request) {
    return Deliveries.claim(store, clock, request);
  }

  /**
   * Records a delivery as done and mirrors it into the session's transcript as an assistant
   * message, in one transaction.
   *
   * @return the mirrored message, when the delivery belongs to a session
   */
  public Optional<Appended> completeDelivery(
      DeliveryRequest request, List<String> platformIds, int attempts) {
    Optional<SessionRow> session = request.sessionKey().flatMap(index::get);
    List<Appended> mirrored =
        writeIndexed(tx -> {
          long now = clock.millis();
          List<Appended> done = new ArrayList<>();
          Optional<String> messageId = Optional.empty();
          if (session.isPresent()) {
            SessionRow row = index.get(session.get().key()).orElse(session.get());
            NewMessage mirror =
                new NewMessage(
                    row.key(),
                    "assistant",
                    Json.mapper().getNodeFactory().stringNode(request.text()),
                    List.of(),
                    Optional.empty(),
                    Optional.of(request.idempotencyKey()),
                    "send");
            Appended a = appendTo(tx, row, mirror, Optional.of(request.route()), now, false);
            messageId = Optional.of(a.message().id());
            done.add(a);
          }
          Deliveries.complete(tx, request, platformIds, attempts, messageId, now);
          return done;
        });
    mirrored.forEach(this::announce);
    return mirrored.stream().findFirst();
  }

  /** Records a failed delivery attempt; the key may be retried. */
  public void failDelivery(DeliveryRequest request, String error, int attempts) {
    store.execute(tx -> Deliveries.fail(tx, request, error, attempts, clock.millis()));
  }

  // ---- internals ---------------------------------------------------------------------------

  /**
   * Runs {@code work} as one write transaction whose index changes (made inside it, on the writer
   * thread) are undone by reloading the touched rows if the transaction does not commit.
   */
  private <T> List<T> writeIndexed(StateStore.Work<List<T>> work) {
    try {
      return store.write(work);
    } catch (RuntimeException e) {
      // A rollback after the work updated the index (rare: a failed COMMIT) leaves the index
      // ahead of the table; reload every row so it matches again.
      try {
        index.load(
            store.read(tx ->
                tx.list("SELECT " + Codec.SESSION_COLUMNS + " FROM sessions", Codec::session)));
      } catch (RuntimeException reload) {
        e.addSuppressed(reload);
      }
      throw e;
    }
  }

  private Appended appendInbound(Tx tx, InboundMessage m, long now) {
    Route route = m.replyRoute();
    Optional<SessionRow> existing = index.get(m.sessionKey());
    SessionRow row;
    boolean created = false;
    Optional<String> name =
        m.chatType() == ChatType.GROUP ? m.chatTitle().or(m::senderName) : m.senderName();
    if (existing.isEmpty()) {
      Origin origin =
          new Origin(
              m.channel(),
              Optional.of(m.accountId()),
              m.threadId(),
              name,
              Optional.of(m.senderId()),
              Optional.of(m.chatId()));
      String sessionId = UUID.randomUUID().toString();
      String agentId = SessionKeys.agentOf(m.sessionKey()).orElse(SessionKeys.DEFAULT_AGENT);
      tx.update(
          "INSERT INTO sessions (session_key, session_id, agent_id, kind, channel, display_name,"
              + " origin_json, delivery_json, created_at_ms, updated_at_ms)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          m.sessionKey(),
          sessionId,
          agentId,
          m.chatType().kind(),
          m.channel(),
          name,
          Codec.originJson(origin),
          Codec.routeJson(route),
          now,
          now);
      row =
          new SessionRow(
              m.sessionKey(),
              sessionId,
              agentId,
              m.chatType().kind(),
              Optional.of(m.channel()),
              Optional.empty(),
              name,
              Optional.empty(),
              Optional.empty(),
              Optional.of(origin),
              Optional.of(route),
              Optional.empty(),
              0,
              now,
              now);
      created = true;
    } else {
      row = existing.get();
      if (name.isPresent() && !name.equals(row.displayName())) {
        tx.update(
            "UPDATE sessions SET display_name = ? WHERE session_key = ?", name.get(), row.key());
        row = withDisplayName(row, name);
      }
    }
    NewMessage message =
        new NewMessage(
            m.sessionKey(),
            "user",
            Json.mapper().getNodeFactory().stringNode(m.text()),
            m.media(),
            Optional.of(m.senderIsOwner()),
            Optional.empty(),
            "inbound");
    return appendTo(tx, row, message, Optional.of(route), now, created);
  }

  /**
   * Inserts {@code message} at the next seq of {@code row}'s transcript and updates the row (count,
   * title, preview, routes, time) in the table and the index.
   */
  private Appended appendTo(
      Tx tx, SessionRow row, NewMessage message, Optional<Route> route, long now, boolean created) {
    long seq = row.messageCount() + 1;
    String id = UUID.randomUUID().toString();
    String text = Texts.of(message.content());
    tx.update(
        "INSERT INTO transcript (session_id, seq, session_key, message_id, role, content_json,"
            + " media_json, sender_is_owner, idempotency_key, source, timestamp_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row.sessionId(),
        seq,
        row.key(),
        id,
        message.role(),
        message.content().toString(),
        message.media().isEmpty() ? null : Codec.mediaJson(message.media()),
        message.senderIsOwner().map(b -> b ? 1 : 0),
        message.idempotencyKey(),
        message.source(),
        now);
    Optional<String> title = row.derivedTitle();
    if (title.isEmpty() && message.role().equals("user") && !text.isBlank()) {
      title = Optional.of(Texts.summary(text, Texts.TITLE_MAX));
    }
    Optional<String> preview =
        text.isBlank()
            ? message.media().isEmpty()
                ? row.lastMessagePreview()
                : Optional.of("[" + message.media().getFirst().kind() + "]")
            : Optional.of(Texts.summary(text, Texts.PREVIEW_MAX));
    Optional<Route> last = route.or(row::lastRoute);
    Optional<Route> delivery = route.or(row::deliveryContext);
    tx.update(
        "UPDATE sessions SET message_count = ?, derived_title = ?, last_preview = ?,"
            + " delivery_json = ?, last_channel = ?, last_to = ?, last_account_id = ?,"
            + " last_thread_id = ?, updated_at_ms = ? WHERE session_key = ?",
        seq,
        title,
        preview,
        delivery.map(Codec::routeJson),
        last.map(Route::channel),
        last.map(Route::to),
        last.flatMap(Route::accountId),
        last.flatMap(Route::threadId),
        now,
        row.key());
    SessionRow updated =
        new SessionRow(
            row.key(),
            row.sessionId(),
            row.agentId(),
            row.kind(),
            row.channel(),
            row.label(),
            row.displayName(),
            title,
            preview,
            row.origin(),
            delivery,
            last,
            seq,
            row.createdAtMs(),
            now);
    index.put(updated);
    TranscriptMessage stored =
        new TranscriptMessage(
            row.key(),
            row.sessionId(),
            seq,
            id,
            message.role(),
            message.content(),
            now,
            message.media(),
            message.senderIsOwner(),
            message.idempotencyKey(),
            message.source());
    return new Appended(updated, stored, created, false);
  }

  private SessionRow createMain(Tx tx, String key, long now) {
    String sessionId = UUID.randomUUID().toString();
    String agentId = SessionKeys.agentOf(key).orElse(SessionKeys.DEFAULT_AGENT);
    tx.update(
        "INSERT INTO sessions (session_key, session_id, agent_id, kind, created_at_ms,"
            + " updated_at_ms) VALUES (?, ?, ?, 'direct', ?, ?)",
        key,
        sessionId,
        agentId,
        now,
        now);
    SessionRow row =
        new SessionRow(
            key,
            sessionId,
            agentId,
            "direct",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            0,
            now,
            now);
    index.put(row);
    return row;
  }

  private static SessionRow withDisplayName(SessionRow row, Optional<String> name) {
    return new SessionRow(
        row.key(),
        row.sessionId(),
        row.agentId(),
        row.kind(),
        row.channel(),
        row.label(),
        name,
        row.derivedTitle(),
        row.lastMessagePreview(),
        row.origin(),
        row.deliveryContext(),
        row.lastRoute(),
        row.messageCount(),
        row.createdAtMs(),
        row.updatedAtMs());
  }

  private void announce(Appended appended) {
    try {
      listener.appended(appended);
    } catch (RuntimeException e) {
      LOG.warn("listener failed for a message in {}", appended.session().key(), e);
    }
  }

  private static boolean isMainKey(String key) {
    return key.matches("agent:[^:]+:main");
  }

  private static void checkRole(String role) {
    if (!ROLES.contains(role)) {
      throw ClawgateException.invalidParams(
          "role", "must be one of user, assistant, system, tool (got " + role + ")");
    }
  }

  /**
   * @throws ClawgateException {@code MESSAGE_TOO_LARGE} when the content exceeds {@link
   *     #MAX_CONTENT_BYTES}
   */
  public static void checkContent(JsonNode content) {
    int bytes = content.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_CONTENT_BYTES) {
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.MESSAGE_TOO_LARGE,
              "message is " + bytes + " bytes; the limit is " + MAX_CONTENT_BYTES + " bytes")
          .detail("limitBytes", MAX_CONTENT_BYTES)
          .detail("sizeBytes", bytes)
          .build();
    }
  }

  static ClawgateException notFound(String key) {
    return ClawgateException.of(
            ErrorCode.NOT_FOUND, DetailCode.SESSION_NOT_FOUND, "no session " + key)
        .detail("sessionKey", key)
        .build();
  }
}
