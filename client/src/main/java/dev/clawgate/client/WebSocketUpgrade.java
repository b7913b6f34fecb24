package dev.clawgate.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 opening handshake of RFC 6455 §4.1, client side: sends the upgrade request and
 * checks the answer (status 101, {@code Upgrade: websocket}, {@code Connection: upgrade}, the
 * {@code Sec-WebSocket-Accept} derived from our key, no extension or subprotocol we did not offer).
 * The response head is read byte by byte and bounded, so nothing after it is consumed: the first
 * frames may arrive in the same packet.
 */
final class WebSocketUpgrade {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int MAX_HEAD_BYTES = 16 * 1024;

  private WebSocketUpgrade() {}

  /** The server answered something other than {@code 101 Switching Protocols}. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String statusLine) {
      super("the server answered " + statusLine);
      this.status = status;
    }
  }

  /** The server answered 101 but broke the handshake's rules. */
  static final class Invalid extends IOException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /** Sends the upgrade request for {@code url} and validates the response. */
  static void perform(GatewayUrl url, InputStream in, OutputStream out) throws IOException {
    String key = Base64.getEncoder().encodeToString(WebSocketFrames.randomKey());
    out.write(request(url, key).getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      throw new Invalid("not an HTTP response: " + printable(lines[0]));
    }
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (NumberFormatException e) {
      throw new Invalid("not an HTTP status line: " + printable(lines[0]));
    }
    if (code != 101) {
      throw new Refused(code, printable(lines[0].substring(status[0].length() + 1)));
    }
    Map<String, String> headers = headers(lines);
    if (!"websocket".equalsIgnoreCase(headers.getOrDefault("upgrade", ""))) {
      throw new Invalid("the 101 response has no Upgrade: websocket header");
    }
    if (!tokens(headers.getOrDefault("connection", "")).contains("upgrade")) {
      throw new Invalid("the 101 response has no Connection: upgrade header");
    }
    if (!accept(key).equals(headers.getOrDefault("sec-websocket-accept", ""))) {
      throw new Invalid("the 101 response has a wrong Sec-WebSocket-Accept");
    }
    if (headers.containsKey("sec-websocket-extensions")
        || headers.containsKey("sec-websocket-protocol")) {
      throw new Invalid(
          "the 101 response selects an extension or subprotocol that was not offered");
    }
  }

  static String request(GatewayUrl url, String key) {
    String path = url.uri().getRawPath() == null ? "" : url.uri().getRawPath();
    String query = url.uri().getRawQuery() == null ? "" : "?" + url.uri().getRawQuery();
    int defaultPort = url.secure() ? 443 : 80;
    String host = url.uri().getHost() + (url.port() == defaultPort ? "" : ":" + url.port());
    return "GET "
        + (path.isEmpty() ? "/" : path)
        + query
        + " HTTP/1.1\r\n"
        + "Host: "
        + host
        + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: "
        + key
        + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "User-Agent: clawgate-client\r\n"
        + "\r\n";
  }

  /** {@code base64(sha1(key + GUID))}. */
  static String accept(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    byte[] head = new byte[MAX_HEAD_BYTES];
    int n = 0;
    while (n < 4
        || head[n - 4] != '\r'
        || head[n - 3] != '\n'
        || head[n - 2] != '\r'
        || head[n - 1] != '\n') {
      if (n == head.length) {
        throw new Invalid("the upgrade response head is over " + MAX_HEAD_BYTES + " bytes");
      }
      int b = in.read();
      if (b < 0) {
        throw new Invalid(
            n == 0
                ? "the server closed the connection without answering the upgrade"
                : "the server closed the connection in the middle of the upgrade response");
      }
      head[n++] = (byte) b;
    }
    return new String(head, 0, n - 4, StandardCharsets.ISO_8859_1);
  }

  private static Map<String, String> headers(String[] lines) {
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).strip();
        headers.merge(name, value, (a, b) -> a + ", " + b);
      }
    }
    return headers;
  }

  private static List<String> tokens(String value) {
    return Arrays.stream(value.split(",")).map(t -> t.strip().toLowerCase(Locale.ROOT)).toList();
  }

  private static String printable(String text) {
    String cut = text.length() > 200 ? text.substring(0, 200) + "…" : text;
    return cut.replaceAll("[^\\x20-\\x7E…]", "?");
  }
}
