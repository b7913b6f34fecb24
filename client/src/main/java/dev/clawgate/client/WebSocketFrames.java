package dev.clawgate.client;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The client's half of RFC 6455 framing: reads unmasked server frames and writes masked client
 * frames. Reading checks everything a client must reject (masked or reserved-bit frames, unknown
 * opcodes, oversized or fragmented control frames, 64-bit lengths with the top bit set) and never
 * allocates more than the caller's bound before the bytes have arrived.
 */
final class WebSocketFrames {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** Close codes (RFC 6455 §7.4.1). */
  static final int NORMAL = 1000;

  static final int PROTOCOL_ERROR = 1002;
  static final int NO_STATUS = 1005;
  static final int ABNORMAL = 1006;
  static final int INVALID_PAYLOAD = 1007;
  static final int TOO_BIG = 1009;

  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final SecureRandom MASKS = new SecureRandom();

  private WebSocketFrames() {}

  /** A frame header as read. */
  record Header(boolean fin, int opcode, long length) {
    boolean control() {
      return (opcode & 0x8) != 0;
    }
  }

  /** A frame the protocol forbids; the connection must close with {@link #closeCode}. */
  static final class ProtocolViolation extends IOException {
    private static final long serialVersionUID = 1L;
    final int closeCode;
    final String reason;

    ProtocolViolation(int closeCode, String reason) {
      super(reason);
      this.closeCode = closeCode;
      this.reason = reason;
    }
  }

  /**
   * Reads one frame header.
   *
   * @throws EOFException when the stream ends before the first byte ({@link EOFException} with
   *     message {@code "eof"}) or inside the header
   */
  static Header readHeader(DataInputStream in) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      throw new EOFException("eof");
    }
    int b1 = in.readUnsignedByte();
    if ((b0 & 0x70) != 0) {
      throw new ProtocolViolation(PROTOCOL_ERROR, "a frame has reserved bits set");
    }
    if ((b1 & 0x80) != 0) {
      throw new ProtocolViolation(PROTOCOL_ERROR, "a server frame is masked");
    }
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
      if (length < 0) {
        throw new ProtocolViolation(PROTOCOL_ERROR, "a frame length has its top bit set");
      }
    }
    Header header = new Header(fin, opcode, length);
    switch (opcode) {
      case CONTINUATION, TEXT, BINARY -> {}
      case CLOSE, PING, PONG -> {
        if (!fin) {
          throw new ProtocolViolation(PROTOCOL_ERROR, "a control frame is fragmented");
        }
        if (length > MAX_CONTROL_PAYLOAD) {
          throw new ProtocolViolation(PROTOCOL_ERROR, "a control frame is over 125 bytes");
        }
      }
      default -> throw new ProtocolViolation(PROTOCOL_ERROR, "unknown opcode " + opcode);
    }
    return header;
  }

  /** Reads a control frame's payload (at most 125 bytes, checked by {@link #readHeader}). */
  static byte[] readControlPayload(DataInputStream in, Header header) throws IOException {
    byte[] payload = new byte[(int) header.length()];
    in.readFully(payload);
    return payload;
  }

  /** Decodes strict UTF-8; bad bytes are an {@link #INVALID_PAYLOAD} violation. */
  static String utf8(byte[] bytes, int length) throws ProtocolViolation {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolViolation(INVALID_PAYLOAD, "a text message is not valid UTF-8");
    }
  }

  /** A close frame's code and reason; an empty payload is {@link #NO_STATUS}. */
  record Close(int code, String reason) {
    static Close parse(byte[] payload) throws ProtocolViolation {
      if (payload.length == 0) {
        return new Close(NO_STATUS, "");
      }
      if (payload.length == 1) {
        throw new ProtocolViolation(PROTOCOL_ERROR, "a close frame has a 1-byte payload");
      }
      int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
      if (!receivable(code)) {
        throw new ProtocolViolation(PROTOCOL_ERROR, "a close frame has invalid code " + code);
      }
      byte[] reason = Arrays.copyOfRange(payload, 2, payload.length);
      return new Close(code, utf8(reason, reason.length));
    }
  }

  /** Codes a peer may put in a close frame (RFC 6455 §7.4). */
  static boolean receivable(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  /** The close payload for {@code code}; codes that must not be sent go out as 1000. */
  static byte[] closePayload(int code, String reason) {
    int sent = receivable(code) ? code : NORMAL;
    byte[] text = shortened(reason);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (sent >> 8);
    payload[1] = (byte) sent;
    System.arraycopy(text, 0, payload, 2, text.length);
    return payload;
  }

  /** The reason's UTF-8, cut at a character boundary to fit a control frame. */
  private static byte[] shortened(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    int max = MAX_CONTROL_PAYLOAD - 2;
    if (bytes.length <= max) {
      return bytes;
    }
    int end = max;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // do not split a multi-byte character
    }
    return Arrays.copyOf(bytes, end);
  }

  /**
   * Writes one final, masked frame. {@code payload} is masked in place: callers pass bytes they own
   * and do not reuse.
   */
  static void write(OutputStream out, int opcode, byte[] payload) throws IOException {
    int length = payload.length;
    byte[] header = new byte[14];
    int n = 0;
    header[n++] = (byte) (0x80 | opcode);
    if (length < 126) {
      header[n++] = (byte) (0x80 | length);
    } else if (length <= 0xFFFF) {
      header[n++] = (byte) (0x80 | 126);
      header[n++] = (byte) (length >> 8);
      header[n++] = (byte) length;
    } else {
      header[n++] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        header[n++] = (byte) ((long) length >> shift);
      }
    }
    int mask = MASKS.nextInt();
    header[n++] = (byte) (mask >> 24);
    header[n++] = (byte) (mask >> 16);
    header[n++] = (byte) (mask >> 8);
    header[n++] = (byte) mask;
    for (int i = 0; i < length; i++) {
      payload[i] ^= header[n - 4 + (i & 3)];
    }
    out.write(header, 0, n);
    out.write(payload);
    out.flush();
  }

  /** Random bytes for the upgrade's {@code Sec-WebSocket-Key}. */
  static byte[] randomKey() {
    byte[] key = new byte[16];
    MASKS.nextBytes(key);
    return key;
  }
}
