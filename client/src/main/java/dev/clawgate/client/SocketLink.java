package dev.clawgate.client;

import dev.clawgate.client.WebSocketFrames.Close;
import dev.clawgate.client.WebSocketFrames.Header;
import dev.clawgate.client.WebSocketFrames.ProtocolViolation;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * One client WebSocket (RFC 6455) over a blocking socket, read by its own virtual thread.
 *
 * <p>Why not the JDK's {@code java.net.http.WebSocket}: when the peer's TCP connection ends without
 * a close frame while no frame is requested (for instance between a message and the listener's next
 * {@code request(1)}), the JDK client loses the end of input and the socket stays half-closed with
 * the session reported open (see docs/decisions/0004-websocket-client.md). Here a blocking read
 * sees the end of the stream the moment it reads again, and building a socket costs a fraction of
 * building an HTTP client.
 *
 * <p>Input: the reader thread connects, upgrades, then hands every whole text message to the {@link
 * Handler}, one at a time; when the handler declines more, the reader waits for {@link #request()}
 * (flow control: the socket is not read while the caller catches up). Control frames are handled
 * inline: pings are answered, close frames are echoed. Once a close has started, input is read only
 * to find the peer's close frame. Output: text frames are written by the caller's thread under a
 * lock, whole and in call order.
 */
final class SocketLink {
  /** How long a close waits for the gateway's close reply before dropping the socket. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private static final int READ_BUFFER = 16 * 1024;
  private static final int WRITE_BUFFER = 8 * 1024;

  /** What the connection does with the socket; every call comes from the reader thread. */
  interface Handler {
    /** Connecting, TLS or the upgrade failed; nothing else follows. */
    void unreachable(Throwable failure);

    /** The upgrade succeeded; return false when the connection was closed meanwhile. */
    boolean opened();

    /** A frame arrived (any frame: liveness for the tick watchdog). */
    void heard();

    /** One whole text message; returns whether to read the next one now. */
    boolean message(String text);

    /** A message grew past {@link #maxMessageBytes()}; the link stops delivering. */
    void tooLarge(long bytes, long limit);

    /** The gateway closed: with a close frame, or with code 1006 when the stream just ended. */
    void closedByPeer(int code, String reason);

    /** Reading failed, or the gateway broke the protocol (the link has closed the socket). */
    void failed(Throwable error);
  }

  private final GatewayUrl url;
  private final Duration connectTimeout;
  private final Handler handler;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock demandLock = new ReentrantLock();
  private final Condition demandChanged = demandLock.newCondition();
  private final AtomicBoolean closeStarted = new AtomicBoolean();
  private final CompletableFuture<@Nullable Void> closeReceived = new CompletableFuture<>();
  private final CompletableFuture<@Nullable Void> gone = new CompletableFuture<>();
  private volatile long maxMessageBytes;
  private volatile @Nullable Socket socket;
  private @Nullable OutputStream out; // guarded by writeLock
  private boolean closeSent; // guarded by writeLock
  private boolean demand = true; // guarded by demandLock

  SocketLink(GatewayUrl url, Duration connectTimeout, long maxMessageBytes, Handler handler) {
    this.url = url;
    this.connectTimeout = connectTimeout;
    this.maxMessageBytes = maxMessageBytes;
    this.handler = handler;
  }

  /** Starts connecting on the link's reader thread. */
  void open() {
    Thread.ofVirtual().name("clawgate-ws " + url).start(this::run);
  }

  /** The largest message accepted, in UTF-8 bytes (also the bound senders check). */
  long maxMessageBytes() {
    return maxMessageBytes;
  }

  void maxMessageBytes(long bytes) {
    this.maxMessageBytes = bytes;
  }

  /**
   * Sends one text message as a single frame, after the ones before it.
   *
   * @param utf8 the message's UTF-8 bytes; masked in place, so the caller must not reuse them
   * @return completed when written, failed when the socket is not open or the write failed
   */
  CompletableFuture<@Nullable Void> send(byte[] utf8) {
    writeLock.lock();
    try {
      OutputStream stream = out;
      if (stream == null || closeSent) {
        return CompletableFuture.failedFuture(new SocketException("the socket is not open"));
      }
      WebSocketFrames.write(stream, WebSocketFrames.TEXT, utf8);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Lets the reader deliver the next message (after {@link Handler#message} returned false). */
  void request() {
    demandLock.lock();
    try {
      demand = true;
      demandChanged.signalAll();
    } finally {
      demandLock.unlock();
    }
  }

  /**
   * Starts the closing handshake with {@code code} (codes that may not be sent go out as 1000):
   * sends the close frame, waits at most {@link #CLOSE_GRACE} for the gateway's, then drops the
   * socket. Never blocks; idempotent; {@link #gone()} completes when the socket is closed.
   */
  void close(int code, String reason) {
    if (!closeStarted.compareAndSet(false, true)) {
      return;
    }
    request(); // wake a reader waiting for demand: it now reads only to find the close reply
    if (socket == null) {
      drop(); // not connected yet: nothing to say goodbye to
      return;
    }
    Thread.ofVirtual()
        .name("clawgate-ws-close")
        .start(() -> {
          if (sendClose(code, reason)) {
            closeReceived.completeOnTimeout(null, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            closeReceived.join();
          }
          drop();
        });
  }

  /** Completes when the socket is closed. */
  CompletableFuture<@Nullable Void> gone() {
    return gone;
  }

  // ---- the reader thread ----

  private void run() {
    DataInputStream in;
    try {
      in = connect();
    } catch (IOException | RuntimeException e) {
      drop();
      handler.unreachable(e);
      return;
    }
    if (closeStarted.get() || !handler.opened()) {
      drop();
      return;
    }
    try {
      read(in);
    } catch (ProtocolViolation e) {
      sendClose(e.closeCode, e.reason);
      drop();
      handler.failed(e);
    } catch (EOFException e) {
      drop();
      if (!closeStarted.get()) {
        handler.closedByPeer(
            WebSocketFrames.ABNORMAL, "the connection ended without a close frame");
      }
    } catch (IOException e) {
      drop();
      if (!closeStarted.get()) {
        handler.failed(e);
      }
    } finally {
      closeReceived.complete(null);
    }
  }

  private DataInputStream connect() throws IOException {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    String host =
        url.host().startsWith("[") ? url.host().substring(1, url.host().length() - 1) : url.host();
    InetSocketAddress address = new InetSocketAddress(host, url.port());
    if (address.isUnresolved()) {
      throw new UnknownHostException(host);
    }
    Socket raw = new Socket();
    socket = raw;
    if (closeStarted.get()) {
      raw.close(); // close() ran before it could see this socket
      throw new SocketException("closed before connecting");
    }
    raw.setTcpNoDelay(true);
    raw.connect(address, remainingMillis(deadline));
    Socket connected = raw;
    if (url.secure()) {
      SSLSocket tls =
          (SSLSocket)
              ((SSLSocketFactory) SSLSocketFactory.getDefault())
                  .createSocket(raw, host, url.port(), true);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
      socket = tls;
      tls.setSoTimeout(remainingMillis(deadline));
      tls.startHandshake();
      connected = tls;
    }
    connected.setSoTimeout(remainingMillis(deadline));
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(connected.getInputStream(), READ_BUFFER));
    OutputStream output = new BufferedOutputStream(connected.getOutputStream(), WRITE_BUFFER);
    WebSocketUpgrade.perform(url, in, output);
    connected.setSoTimeout(0);
    writeLock.lock();
    try {
      out = output;
    } finally {
      writeLock.unlock();
    }
    return in;
  }

  private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (remaining <= 0) {
      throw new SocketTimeoutException("connect timed out");
    }
    return (int) Math.min(Integer.MAX_VALUE, remaining);
  }

  /** Reads frames until the gateway's close frame; every other ending is an exception. */
  private void read(DataInputStream in) throws IOException {
    MessageBuffer message = new MessageBuffer();
    int messageOpcode = -1; // the opcode of the message being assembled, -1 between messages
    boolean delivering = true; // false after a message was too large: read only to find a close
    while (true) {
      awaitDemand();
      Header header = WebSocketFrames.readHeader(in);
      handler.heard();
      if (header.control()) {
        byte[] payload = WebSocketFrames.readControlPayload(in, header);
        switch (header.opcode()) {
          case WebSocketFrames.PING -> sendControl(WebSocketFrames.PONG, payload);
          case WebSocketFrames.CLOSE -> {
            peerClosed(Close.parse(payload));
            return;
          }
          default -> {} // a pong: liveness only
        }
        continue;
      }
      if (header.opcode() == WebSocketFrames.CONTINUATION) {
        if (messageOpcode < 0) {
          throw new ProtocolViolation(
              WebSocketFrames.PROTOCOL_ERROR, "a continuation frame outside a message");
        }
      } else if (messageOpcode >= 0) {
        throw new ProtocolViolation(
            WebSocketFrames.PROTOCOL_ERROR, "a new message before the previous one ended");
      } else {
        messageOpcode = header.opcode();
      }
      long total = message.size() + header.length();
      long limit = maxMessageBytes;
      if (!delivering || closeStarted.get() || total > limit) {
        if (delivering && !closeStarted.get()) {
          delivering = false;
          message.clear();
          handler.tooLarge(total, limit);
        }
        in.skipNBytes(header.length());
      } else {
        message.readFrom(in, (int) header.length());
      }
      if (header.fin()) {
        if (delivering && !closeStarted.get() && messageOpcode == WebSocketFrames.TEXT) {
          String text = WebSocketFrames.utf8(message.bytes(), message.size());
          message.clear();
          messageOpcode = -1;
          if (!handler.message(text)) {
            withdrawDemand();
          }
        }
        message.clear(); // a binary message is not part of the protocol: ignored
        messageOpcode = -1;
      }
    }
  }

  private void peerClosed(Close close) {
    closeReceived.complete(null);
    boolean weStarted = !closeStarted.compareAndSet(false, true);
    if (!weStarted) {
      // Echo the code (RFC 6455 §5.5.1); 1005 cannot be sent, so it is answered with 1000.
      sendClose(close.code(), "");
    }
    drop();
    if (!weStarted) {
      handler.closedByPeer(close.code(), close.reason());
    }
  }

  private void awaitDemand() throws IOException {
    demandLock.lock();
    try {
      while (!demand && !closeStarted.get()) {
        demandChanged.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting to read");
    } finally {
      demandLock.unlock();
    }
  }

  private void withdrawDemand() {
    demandLock.lock();
    try {
      demand = false;
    } finally {
      demandLock.unlock();
    }
  }

  // ---- output shared by both sides ----

  /**
   * Sends a close frame unless one was sent; waits at most {@link #CLOSE_GRACE} for a text frame in
   * progress. Returns whether the frame went out.
   */
  private boolean sendClose(int code, String reason) {
    try {
      if (!writeLock.tryLock(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        return false; // a large write is stuck: dropping the socket ends it
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      OutputStream stream = out;
      if (stream == null || closeSent) {
        return false;
      }
      closeSent = true;
      WebSocketFrames.write(
          stream, WebSocketFrames.CLOSE, WebSocketFrames.closePayload(code, reason));
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      writeLock.unlock();
    }
  }

  /** A pong, written now when the output is free, else on its own thread after the text frame. */
  private void sendControl(int opcode, byte[] payload) {
    byte[] copy = Arrays.copyOf(payload, payload.length);
    Runnable write =
        () -> {
          writeLock.lock();
          try {
            OutputStream stream = out;
            if (stream != null && !closeSent) {
              WebSocketFrames.write(stream, opcode, copy);
            }
          } catch (IOException e) {
            // the reader sees the broken socket next
          } finally {
            writeLock.unlock();
          }
        };
    if (writeLock.tryLock()) {
      try {
        write.run();
      } finally {
        writeLock.unlock();
      }
    } else {
      Thread.ofVirtual().name("clawgate-ws-pong").start(write);
    }
  }

  private void drop() {
    Socket current = socket;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        // closing is all that is left to do
      }
    }
    gone.complete(null);
  }

  /** The payload of the message being assembled; grows as frames arrive, never ahead of them. */
  private static final class MessageBuffer {
    private static final int CHUNK = 64 * 1024;
    private byte[] bytes = new byte[1024];
    private int size;

    int size() {
      return size;
    }

    byte[] bytes() {
      return bytes;
    }

    /** Reads {@code length} bytes; the buffer grows by at most a chunk ahead of what arrived. */
    void readFrom(DataInputStream in, int length) throws IOException {
      int remaining = length;
      while (remaining > 0) {
        int step = Math.min(remaining, CHUNK);
        if (size + step > bytes.length) {
          bytes =
              Arrays.copyOf(
                  bytes, Math.max(size + step, Math.min(bytes.length * 2, size + remaining)));
        }
        in.readFully(bytes, size, step);
        size += step;
        remaining -= step;
      }
    }

    void clear() {
      size = 0;
      if (bytes.length > CHUNK) {
        bytes = new byte[1024]; // do not keep a large message's buffer for an idle connection
      }
    }
  }
}
