package dev.clawgate.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of RFC 6455 on a blocking {@link Socket}, as small as a load generator can make
 * it: text, close, ping and pong frames; client frames masked; server frames reassembled from
 * fragments. Meant for virtual threads (a blocked read parks the thread, not a carrier).
 *
 * <p>Reads are for one thread at a time; writes may come from several (each frame is written
 * whole).
 *
 * <p>Every connection sends the same {@code Sec-WebSocket-Key} (the RFC's sample), so the expected
 * {@code Sec-WebSocket-Accept} is a constant and checking it costs a string search rather than a
 * SHA-1 per connection. The gateway does not depend on keys being unique; a real client must use a
 * fresh random key.
 */
final class RawWebSocket {
  static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  static final int TEXT = 0x1;
  static final int CLOSE = 0x8;
  private static final int CONTINUATION = 0x0;
  private static final int PING = 0x9;
  private static final int PONG = 0xA;

  /** Largest message accepted (hello-ok is about 1 KiB). */
  private static final int MAX_MESSAGE = 1 << 20;

  private static final int MAX_HEAD = 8 * 1024;

  /** Bound on frames read while looking for one message (pings, pongs, ticks). */
  private static final int MAX_FRAMES_PER_READ = 1_000;

  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private byte[] buffer = new byte[4 * 1024];
  private int start;
  private int end;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** The upgrade request for {@code host:port} and {@code path}. */
  static byte[] upgradeRequest(String host, int port, String path) {
    return ("GET "
            + path
            + " HTTP/1.1\r\n"
            + "Host: "
            + host
            + ":"
            + port
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + KEY
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Connects and completes the upgrade; the socket is closed if anything fails. */
  static RawWebSocket open(InetSocketAddress address, byte[] upgradeRequest, Duration timeout)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      RawWebSocket ws = new RawWebSocket(socket);
      ws.out.write(upgradeRequest);
      ws.readUpgradeResponse();
      return ws;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void readUpgradeResponse() throws IOException {
    int headEnd = -1;
    for (int scanned = 0; headEnd < 0; ) {
      headEnd = indexOf(HEAD_END, scanned);
      if (headEnd < 0) {
        if (end - start >= MAX_HEAD) {
          throw new HandshakeFailure("upgrade response head too large");
        }
        scanned = Math.max(0, end - start - HEAD_END.length);
        fill(end - start + 1);
      }
    }
    String head = new String(buffer, start, headEnd - start, StandardCharsets.ISO_8859_1);
    start = headEnd + HEAD_END.length;
    if (!head.startsWith("HTTP/1.1 101")) {
      int line = head.indexOf('\r');
      throw new HandshakeFailure("upgrade refused: " + (line < 0 ? head : head.substring(0, line)));
    }
    if (!head.contains(ACCEPT)) {
      throw new HandshakeFailure("upgrade response without the expected Sec-WebSocket-Accept");
    }
  }

  /** Index in {@link #buffer} of {@code needle} at or after {@code start + from}, or -1. */
  private int indexOf(byte[] needle, int from) {
    for (int i = start + from; i <= end - needle.length; i++) {
      if (buffer[i] == needle[0]
          && Arrays.equals(buffer, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  /** Reads until at least {@code needed} unread bytes are buffered. */
  private void fill(int needed) throws IOException {
    if (needed > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
    }
    if (start + needed > buffer.length) {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      end -= start;
      start = 0;
    }
    while (end - start < needed) {
      int read = in.read(buffer, end, buffer.length - end);
      if (read < 0) {
        throw new EOFException("the gateway closed the connection");
      }
      end += read;
    }
  }

  /** One received frame. */
  private record Received(int opcode, boolean fin, byte[] payload) {}

  private Received next() throws IOException {
    fill(2);
    int b0 = buffer[start] & 0xff;
    int b1 = buffer[start + 1] & 0xff;
    long length = b1 & 0x7f;
    int header = 2;
    if (length == 126) {
      fill(4);
      length = ((buffer[start + 2] & 0xff) << 8) | (buffer[start + 3] & 0xff);
      header = 4;
    } else if (length == 127) {
      fill(10);
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | (buffer[start + 2 + i] & 0xff);
      }
      header = 10;
    }
    if (length < 0 || length > MAX_MESSAGE) {
      throw new HandshakeFailure("frame larger than " + MAX_MESSAGE + " bytes");
    }
    boolean masked = (b1 & 0x80) != 0;
    int maskAt = header;
    if (masked) {
      header += 4;
    }
    fill(header + (int) length);
    byte[] payload = Arrays.copyOfRange(buffer, start + header, start + header + (int) length);
    if (masked) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= buffer[start + maskAt + (i & 3)];
      }
    }
    start += header + (int) length;
    return new Received(b0 & 0x0f, (b0 & 0x80) != 0, payload);
  }

  /**
   * The next text message, answering pings on the way.
   *
   * @throws HandshakeFailure when the gateway sends a close frame instead
   */
  String readText() throws IOException {
    return new String(readTextBytes(), StandardCharsets.UTF_8);
  }

  /**
   * The next text message as its UTF-8 bytes, answering pings on the way. Loads that only look at a
   * response's id and outcome use this to skip decoding the whole message.
   *
   * @throws HandshakeFailure when the gateway sends a close frame instead
   */
  byte[] readTextBytes() throws IOException {
    ByteArrayOutputStream fragments = null;
    for (int frames = 0; frames < MAX_FRAMES_PER_READ; frames++) {
      Received frame = next();
      switch (frame.opcode()) {
        case TEXT, CONTINUATION -> {
          if (frame.fin() && fragments == null) {
            return frame.payload();
          }
          if (fragments == null) {
            fragments = new ByteArrayOutputStream();
          }
          fragments.write(frame.payload());
          if (fragments.size() > MAX_MESSAGE) {
            throw new HandshakeFailure("message larger than " + MAX_MESSAGE + " bytes");
          }
          if (frame.fin()) {
            return fragments.toByteArray();
          }
        }
        case CLOSE -> throw new HandshakeFailure("closed " + closeCode(frame.payload()));
        case PING -> send(PONG, frame.payload());
        case PONG -> {}
        default -> throw new HandshakeFailure("unexpected frame opcode " + frame.opcode());
      }
    }
    throw new HandshakeFailure("no message within " + MAX_FRAMES_PER_READ + " frames");
  }

  /** Sends one masked text frame. */
  void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends one masked text frame per element of {@code texts} with a single write, as a client
   * pipelining requests does (one system call instead of one per request).
   */
  void sendTexts(List<String> texts) throws IOException {
    ByteArrayOutputStream frames = new ByteArrayOutputStream(texts.size() * 256);
    for (String text : texts) {
      frames.write(frame(TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }
    synchronized (this) {
      frames.writeTo(out);
    }
  }

  /**
   * Sends close 1000, reads until the gateway's close frame (skipping events), then closes the
   * socket. Returns the gateway's close code, or -1 when the connection ended without one.
   */
  int closeNormally() {
    try {
      send(CLOSE, new byte[] {0x03, (byte) 0xE8});
      for (int frames = 0; frames < MAX_FRAMES_PER_READ; frames++) {
        Received frame = next();
        if (frame.opcode() == CLOSE) {
          return closeCode(frame.payload());
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    } finally {
      abort();
    }
  }

  /** How long a read may block (a subscriber waits for events longer than a handshake step). */
  void readTimeout(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  /** Closes the TCP connection at once. */
  void abort() {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing left to release.
    }
  }

  /**
   * Writes one frame. Synchronized because a load may send requests on one thread while its reader
   * answers pings on another; each frame goes out whole.
   */
  private synchronized void send(int opcode, byte[] payload) throws IOException {
    out.write(frame(opcode, payload));
  }

  /** One masked client frame. */
  private static byte[] frame(int opcode, byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    byte[] frame = new byte[header + 4 + length];
    frame[0] = (byte) (0x80 | opcode);
    if (header == 2) {
      frame[1] = (byte) (0x80 | length);
    } else if (header == 4) {
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
    } else {
      frame[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    int mask = ThreadLocalRandom.current().nextInt();
    for (int i = 0; i < 4; i++) {
      frame[header + i] = (byte) (mask >>> (24 - 8 * i));
    }
    for (int i = 0; i < length; i++) {
      frame[header + 4 + i] = (byte) (payload[i] ^ frame[header + (i & 3)]);
    }
    return frame;
  }

  private static int closeCode(byte[] payload) {
    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
  }
}
