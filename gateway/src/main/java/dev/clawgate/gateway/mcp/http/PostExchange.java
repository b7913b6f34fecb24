package dev.clawgate.gateway.mcp.http;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One POST that holds requests, waiting for their answers: the session writes each answer here
 * (some later, from tool threads), and the exchange either streams it as an SSE event or collects
 * it for one JSON body. It finishes when every request is answered or cancelled by the client, or
 * when the session closes; if the HTTP request fails first (the client went away), it cancels the
 * requests still running, as a client's {@code notifications/cancelled} would.
 *
 * <p>In JSON mode a slow answer is preceded by a space every keep-alive interval (JSON allows
 * leading whitespace): that keeps proxies from cutting the idle request and is how a vanished
 * client is noticed. Until the first space the status can still change (202, 404).
 *
 * <p>SSE events carry ids {@code <stream>-<n>}, unique in the session, unless the exchange is of
 * the stateless 2026-07-28 form (which has neither ids nor resumption). Thread-safe.
 */
final class PostExchange {
  private static final byte[] SSE_KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] JSON_KEEP_ALIVE = {' '};

  private final HttpSession session;
  private final boolean batch;
  private final Response response;
  private final StreamedBody body;
  private final boolean sse;
  private final boolean eventIds;
  private final UnaryOperator<ObjectNode> decorate;
  private final int streamNumber;
  private final LongSupplier clockMillis;
  private volatile @Nullable ScheduledFuture<?> padding;

  // Guarded by this.
  private final Map<String, JsonNode> unanswered = new HashMap<>();
  private final Map<String, Integer> duplicates = new HashMap<>();
  private int remaining;
  private int otherAnswers;
  private final List<ObjectNode> collected = new ArrayList<>();
  private long seq;
  private boolean started;
  private boolean padded;
  private boolean finished;

  /**
   * An exchange answering on {@code body}: as SSE events when {@code sse}, else as one JSON body.
   * The response's status and headers are set for that mode by the caller.
   */
  PostExchange(
      HttpSession session,
      Messages.Analysis analysis,
      Response response,
      StreamedBody body,
      boolean sse,
      LongSupplier clockMillis) {
    this(session, analysis, response, body, sse, clockMillis, true, UnaryOperator.identity());
  }

  /**
   * An exchange whose SSE events carry no id when {@code eventIds} is false, and whose answers are
   * passed through {@code decorate} (on the thread that writes them) before they are sent.
   */
  PostExchange(
      HttpSession session,
      Messages.Analysis analysis,
      Response response,
      StreamedBody body,
      boolean sse,
      LongSupplier clockMillis,
      boolean eventIds,
      UnaryOperator<ObjectNode> decorate) {
    this.session = session;
    this.batch = analysis.batch();
    this.response = response;
    this.body = body;
    this.sse = sse;
    this.eventIds = eventIds;
    this.decorate = decorate;
    this.streamNumber = session.nextStreamNumber();
    this.clockMillis = clockMillis;
    for (JsonNode id : analysis.requestIds()) {
      String key = Messages.key(id);
      if (key != null && unanswered.putIfAbsent(key, id) != null) {
        duplicates.merge(key, 1, Integer::sum);
      }
    }
    this.remaining = analysis.expectedAnswers();
    this.otherAnswers = analysis.otherAnswers();
  }

  /** Keeps the response alive while answers are awaited: SSE comments, or JSON whitespace. */
  void keepAliveEvery(ScheduledExecutorService scheduler, Duration interval) {
    if (sse) {
      body.keepAliveEvery(scheduler, interval, SSE_KEEP_ALIVE);
    } else {
      long nanos = interval.toNanos();
      padding = scheduler.scheduleWithFixedDelay(this::pad, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Queues the priming event of an SSE stream (2025-11-25): an event id and empty data, so a client
   * whose stream breaks knows where it was, and the {@code retry} it should wait before it
   * reconnects. Call it before the message is handed to the session, so it comes first.
   */
  void prime(Duration retry) {
    if (!sse || !eventIds) {
      return;
    }
    body.send(
        ("id: " + streamNumber + "-0\nretry: " + retry.toMillis() + "\ndata: \n\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** The session's answers go here. */
  void reply(ObjectNode answer) throws IOException {
    ObjectNode message = decorate.apply(answer);
    // JSON answers are written together when the last has come (writeJson); only SSE writes each.
    String json = sse ? Replies.encode(message, "an answer") : "";
    boolean complete;
    synchronized (this) {
      if (finished) {
        throw new IOException("the HTTP request this answer belongs to is finished");
      }
      count(message.path("id"));
      if (sse) {
        body.send(Replies.event(eventIds ? streamNumber + "-" + ++seq : null, "message", json));
      } else {
        collected.add(message);
      }
      complete = started && remaining <= 0;
    }
    if (complete) {
      finish(false);
    }
  }

  /** Starts responding, after the message was handed to the session. */
  void start() {
    boolean complete;
    synchronized (this) {
      started = true;
      complete = remaining <= 0;
    }
    body.start(sse);
    if (complete) {
      finish(false);
    }
  }

  /** The client cancelled these requests: they will not be answered, so stop waiting for them. */
  void abandon(List<String> keys) {
    boolean complete;
    synchronized (this) {
      if (finished) {
        return;
      }
      for (String key : keys) {
        if (take(key)) {
          remaining--;
        }
      }
      complete = started && remaining <= 0;
    }
    if (complete) {
      finish(false);
    }
  }

  /** The session closed: end with the answers there are (no more will come). */
  void sessionClosed() {
    finish(true);
  }

  /**
   * The body is done; after a failure (the client went away, a write failed) cancels the requests
   * still running in the session so nothing keeps working for a reader that left.
   */
  void bodyDone(@Nullable Throwable failure) {
    List<JsonNode> pending;
    synchronized (this) {
      boolean wasFinished = finished;
      finished = true;
      if (wasFinished || failure == null) {
        pending = List.of();
      } else {
        pending = List.copyOf(unanswered.values());
        unanswered.clear();
      }
    }
    stopPadding();
    for (JsonNode id : pending) {
      session.mcp.handle(Messages.cancelled(id, "the HTTP request was closed"), message -> {});
    }
    session.finished(this, clockMillis.getAsLong());
  }

  private void pad() {
    synchronized (this) {
      if (finished || !started) {
        return;
      }
      padded = true;
      body.send(JSON_KEEP_ALIVE);
    }
  }

  private void finish(boolean sessionClosed) {
    List<ObjectNode> answers;
    boolean committed;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      answers = List.copyOf(collected);
      committed = padded;
    }
    stopPadding();
    session.finished(this, clockMillis.getAsLong());
    if (!sse) {
      writeJson(answers, committed, sessionClosed);
    }
    body.end();
  }

  private void writeJson(List<ObjectNode> answers, boolean committed, boolean sessionClosed) {
    byte[] json;
    if (!answers.isEmpty()) {
      JsonNode value;
      if (!batch && answers.size() == 1) {
        value = answers.get(0);
      } else {
        ArrayNode array = Json.mapper().createArrayNode();
        answers.forEach(array::add);
        value = array;
      }
      json = Json.mapper().writeValueAsBytes(value);
    } else if (sessionClosed) {
      if (!committed) {
        response.setStatus(HttpStatus.NOT_FOUND_404);
      }
      json =
          Messages.error(Messages.SESSION_NOT_FOUND, "Session not found: it was closed")
              .getBytes(StandardCharsets.UTF_8);
    } else if (!committed) { // the client cancelled every request: nothing to answer
      response.setStatus(HttpStatus.ACCEPTED_202);
      response.getHeaders().remove("Content-Type");
      return;
    } else {
      json =
          Messages.error(Messages.REQUEST_CANCELLED, "Request cancelled")
              .getBytes(StandardCharsets.UTF_8);
    }
    body.send(json);
  }

  private void stopPadding() {
    ScheduledFuture<?> task = padding;
    if (task != null) {
      task.cancel(false);
    }
  }

  /** Counts one answer against the request it answers, or against the malformed elements. */
  private void count(JsonNode id) {
    String key = Messages.key(id);
    if (key != null && take(key)) {
      remaining--;
    } else if (otherAnswers > 0) {
      otherAnswers--;
      remaining--;
    }
  }

  /** Removes one pending request with this key; false when none is pending. */
  private boolean take(String key) {
    Integer more = duplicates.get(key);
    if (more != null) {
      if (more == 1) {
        duplicates.remove(key);
      } else {
        duplicates.put(key, more - 1);
      }
      return true;
    }
    return unanswered.remove(key) != null;
  }
}
