package dev.clawgate.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebSocket server written byte by byte from RFC 6455, for testing the client's framing against
 * exactly the bytes a test chooses (including the ones a real server would never send). One
 * connection at a time, on loopback.
 */
final class RawPeer implements AutoCloseable {
  private static final Pattern KEY =
      Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$", Pattern.MULTILINE);

  private final ServerSocket server;
  private Socket socket = new Socket();
  private DataInputStream in = new DataInputStream(InputStream.nullInputStream());
  private OutputStream out = OutputStream.nullOutputStream();
  String requestHead = "";

  RawPeer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  GatewayUrl url() {
    return GatewayUrl.parse("ws://127.0.0.1:" + server.getLocalPort() + "/");
  }

  /** Accepts the next connection and reads its upgrade request. */
  RawPeer accept() throws IOException {
    socket = server.accept();
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("client closed during the upgrade request");
      }
      head.write(b);
    }
    requestHead = head.toString(StandardCharsets.ISO_8859_1);
    return this;
  }

  /** Answers the upgrade correctly. */
  RawPeer upgrade() throws IOException {
    return answer(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: "
            + acceptFor(requestKey())
            + "\r\n\r\n");
  }

  RawPeer answer(String head) throws IOException {
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  String requestKey() {
    Matcher m = KEY.matcher(requestHead);
    if (!m.find()) {
      throw new AssertionError("no Sec-WebSocket-Key in " + requestHead);
    }
    return m.group(1);
  }

  static String acceptFor(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest(
                  (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                      .getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Sends a frame with the given first byte (FIN, RSV, opcode) and an optional mask. */
  RawPeer frame(int firstByte, byte[] payload, boolean masked) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      frame.write(maskBit | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(maskBit | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length);
    } else {
      frame.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift));
      }
    }
    byte[] body = payload.clone();
    if (masked) {
      byte[] mask = {1, 2, 3, 4};
      frame.write(mask);
      for (int i = 0; i < body.length; i++) {
        body[i] ^= mask[i & 3];
      }
    }
    frame.write(body);
    out.write(frame.toByteArray());
    out.flush();
    return this;
  }

  RawPeer text(String text) throws IOException {
    return frame(0x81, text.getBytes(StandardCharsets.UTF_8), false);
  }

  /** Sends raw bytes (for headers that declare more than follows). */
  RawPeer raw(byte... bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  RawPeer close(int code, String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, text.length);
    return frame(0x88, payload, false);
  }

  /** Ends the TCP connection without a close frame. */
  void drop() throws IOException {
    socket.close();
  }

  /** A frame the client sent, unmasked; fails if the client did not mask it. */
  record ClientFrame(int opcode, boolean fin, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  ClientFrame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    if ((b1 & 0x80) == 0) {
      throw new AssertionError(
          String.format(Locale.ROOT, "client frame 0x%02x is not masked", b0 & 0x0F));
    }
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] mask = new byte[4];
    in.readFully(mask);
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i & 3];
    }
    return new ClientFrame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
  }

  /** Whether the client has closed its side (reads to the end of the stream). */
  boolean clientClosedStream() throws IOException {
    return in.read() < 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    server.close();
  }
}
