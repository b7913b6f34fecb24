package dev.clawgate.gateway.mcp.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.jspecify.annotations.Nullable;

/**
 * A response body written in pieces, asynchronously: an SSE stream, or a JSON answer that may be
 * preceded by whitespace keep-alives. Pieces are queued from any thread and written one at a time,
 * each write started when the previous one completed. Nothing is written before {@link #start}, so
 * the status and headers can still change until then (and after it, until the first write).
 *
 * <p>The body completes the request's callback exactly once: successfully after {@link #end} and
 * the last write, or with the failure when a write fails, the backlog overflows, or {@link #abort}
 * is called (the request failed); then {@link #onDone}'s action runs with the failure (null on
 * success).
 */
final class StreamedBody extends IteratingCallback {
  /** Queued bytes beyond which the peer is too slow and the body is failed. */
  static final long MAX_BACKLOG_BYTES = 8L << 20;

  private record Piece(ByteBuffer bytes, boolean last) {}

  private final Response response;
  private final Callback callback;
  private volatile Consumer<@Nullable Throwable> onDone = failure -> {};
  private volatile @Nullable ScheduledFuture<?> keepAlive;

  // Guarded by queue.
  private final ArrayDeque<Piece> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean started;
  private boolean ending;
  private boolean done;

  private volatile long lastSendNanos = System.nanoTime();

  StreamedBody(Response response, Callback callback) {
    this.response = response;
    this.callback = callback;
  }

  /** What runs once the body is done, with the failure or null; set it before {@link #start}. */
  void onDone(Consumer<@Nullable Throwable> action) {
    this.onDone = action;
  }

  /** Queues {@code bytes} whenever nothing else was queued for {@code interval}, until done. */
  void keepAliveEvery(ScheduledExecutorService scheduler, Duration interval, byte[] bytes) {
    long nanos = interval.toNanos();
    keepAlive =
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (System.nanoTime() - lastSendNanos >= nanos - nanos / 10) {
                send(bytes);
              }
            },
            nanos,
            nanos,
            TimeUnit.NANOSECONDS);
  }

  /**
   * Starts writing the queue; with {@code commit}, first commits the headers (so an SSE client sees
   * its stream open before any event).
   */
  void start(boolean commit) {
    synchronized (queue) {
      if (started) {
        return;
      }
      started = true;
      if (commit) {
        queue.addFirst(new Piece(BufferUtil.EMPTY_BUFFER, false));
      }
    }
    iterate();
  }

  /** Queues bytes; false when the body is ending or done. */
  boolean send(byte[] bytes) {
    boolean overflow;
    boolean go;
    synchronized (queue) {
      if (ending || done) {
        return false;
      }
      overflow = queuedBytes + bytes.length > MAX_BACKLOG_BYTES;
      if (!overflow) {
        queue.add(new Piece(ByteBuffer.wrap(bytes), false));
        queuedBytes += bytes.length;
      }
      go = started;
    }
    if (overflow) {
      abort(new IOException("the client reads too slowly: backlog over the limit"));
      return false;
    }
    lastSendNanos = System.nanoTime();
    if (go) {
      iterate();
    }
    return true;
  }

  /** Ends the body once everything queued is written. */
  void end() {
    boolean go;
    synchronized (queue) {
      if (ending) {
        return;
      }
      ending = true;
      queue.add(new Piece(BufferUtil.EMPTY_BUFFER, true));
      go = started;
    }
    if (go) {
      iterate();
    }
  }

  @Override
  protected Action process() {
    Piece piece;
    synchronized (queue) {
      piece = queue.poll();
      if (piece == null) {
        return ending ? Action.SUCCEEDED : Action.IDLE;
      }
      queuedBytes -= piece.bytes().remaining();
    }
    response.write(piece.last(), piece.bytes(), this);
    return Action.SCHEDULED;
  }

  @Override
  protected void onCompleteSuccess() {
    synchronized (queue) {
      done = true;
    }
    stopKeepAlive();
    callback.succeeded();
    onDone.accept(null);
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    synchronized (queue) {
      done = true;
      queue.clear();
      queuedBytes = 0;
    }
    stopKeepAlive();
    callback.failed(cause);
    onDone.accept(cause);
  }

  private void stopKeepAlive() {
    ScheduledFuture<?> task = keepAlive;
    if (task != null) {
      task.cancel(false);
    }
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  /** A one-thread daemon scheduler for keep-alives and stream callbacks; cancelled tasks leave. */
  static ScheduledThreadPoolExecutor scheduler(String threadName) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
