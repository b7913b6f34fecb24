package dev.clawgate.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The MCP Streamable HTTP client side of {@code mcp-http}: one kept-alive blocking HTTP/1.1 socket
 * (like {@link RawHttp}, whose reasons apply), any method, answers with their headers (the session
 * id comes in {@code Mcp-Session-Id}), and the opening of a GET SSE stream whose body is then read
 * raw. One request at a time; not thread-safe.
 */
final class McpWire implements AutoCloseable {
  /** The protocol version the load tool speaks (and sends in {@code MCP-Protocol-Version}). */
  static final String PROTOCOL_VERSION = "2025-11-25";

  /** The header that carries the session id. */
  static final String SESSION_HEADER = "Mcp-Session-Id";

  /** The SSE comment the gateway writes on an idle stream. */
  static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  /** A whole answer. */
  record Response(RawHttp.Head head, byte[] body) {
    int status() {
      return head.status();
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String hostHeader;
  private final String path;
  private final Map<String, String> always;
  private boolean closed;

  private McpWire(Socket socket, String hostHeader, String path, Map<String, String> always)
      throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
    this.hostHeader = hostHeader;
    this.path = path;
    this.always = always;
  }

  /**
   * Connects to {@code address}; {@code readTimeout} zero means reads never time out. With a {@code
   * bearer}, every request carries {@code Authorization: Bearer <bearer>}.
   */
  static McpWire open(
      InetSocketAddress address,
      String path,
      Duration connectTimeout,
      Duration readTimeout,
      java.util.Optional<String> bearer)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, (int) connectTimeout.toMillis());
      socket.setSoTimeout((int) readTimeout.toMillis());
      return new McpWire(
          socket,
          address.getHostString() + ":" + address.getPort(),
          path,
          bearer.map(token -> Map.of("Authorization", "Bearer " + token)).orElse(Map.of()));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Whether the server ended the connection (a new one is needed). */
  boolean closed() {
    return closed;
  }

  /** Sends one request and reads its whole answer. */
  Response exchange(String method, Map<String, String> headers, byte[] body) throws IOException {
    out.write(request(method, path, hostHeader, withAlways(headers), body));
    RawHttp.Head head = RawHttp.readHead(in);
    byte[] content = RawHttp.readBody(in, head, method.equals("HEAD"));
    closed = head.close() || (!head.chunked() && head.header("content-length").isEmpty());
    return new Response(head, content);
  }

  /**
   * Sends a GET for the session's SSE stream and reads the answer's head only; the body (the
   * stream) is then read from {@link #body}.
   */
  RawHttp.Head openStream(String sessionId) throws IOException {
    out.write(
        request(
            "GET",
            path,
            hostHeader,
            withAlways(
                Map.of(
                    "Accept",
                    "text/event-stream",
                    SESSION_HEADER,
                    sessionId,
                    "MCP-Protocol-Version",
                    PROTOCOL_VERSION)),
            new byte[0]));
    return RawHttp.readHead(in);
  }

  private Map<String, String> withAlways(Map<String, String> headers) {
    if (always.isEmpty()) {
      return headers;
    }
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.putAll(always);
    return all;
  }

  /** The raw input after {@link #openStream}: the stream's (possibly chunk-framed) bytes. */
  InputStream body() {
    return in;
  }

  /** The request bytes: head and body in one array, so they go out in one write. */
  static byte[] request(
      String method, String path, String host, Map<String, String> headers, byte[] body) {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host);
    head.append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body.length > 0 || method.equals("POST")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** Whether {@code body} contains {@code needle} (ASCII), for cheap checks of later answers. */
  static boolean contains(byte[] body, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= body.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (body[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Checks a {@code tools/call conversations_list} answer in full: a JSON-RPC result for {@code id}
   * with no {@code isError} (or {@code isError: false}) and an array at {@code
   * result.structuredContent.conversations}. Empty when it passes, else what is wrong.
   */
  static Optional<String> checkListAnswer(JsonNode answer, long id) {
    if (!answer.path("id").isNumber() || answer.path("id").asLong() != id) {
      return Optional.of("conversations_list: answer id " + answer.path("id") + ", expected " + id);
    }
    if (answer.has("error")) {
      return Optional.of("conversations_list: JSON-RPC error " + answer.path("error"));
    }
    JsonNode result = answer.path("result");
    if (!result.isObject()) {
      return Optional.of("conversations_list: no result object");
    }
    if (result.has("isError") && result.path("isError").asBoolean(true)) {
      return Optional.of("conversations_list: isError " + result.path("content"));
    }
    if (!result.path("structuredContent").path("conversations").isArray()) {
      return Optional.of("conversations_list: structuredContent.conversations is not an array");
    }
    return Optional.empty();
  }

  /**
   * Counts SSE keep-alive comments in a byte stream fed piece by piece (a comment may be split
   * across pieces, and chunk framing lies only between whole writes). One thread feeds it; any may
   * read the count.
   */
  static final class KeepAliveCounter {
    private int matched;
    private final AtomicLong count = new AtomicLong();

    void feed(byte[] buffer, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        byte b = buffer[i];
        if (b == KEEP_ALIVE[matched]) {
          matched++;
        } else {
          matched = b == KEEP_ALIVE[0] ? 1 : 0;
        }
        if (matched == KEEP_ALIVE.length) {
          count.incrementAndGet();
          matched = 0;
        }
      }
    }

    long count() {
      return count.get();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing left to release.
    }
  }
}
