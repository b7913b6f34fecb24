package dev.clawgate.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal HTTP/1.1 client on one kept-alive blocking socket, for posting webhooks at rates where
 * the JDK's {@code HttpClient} would cost the load tool more CPU than the gateway spends (the same
 * reason as {@link RawWebSocket}, see docs/decisions/0005-load-generator.md). One request at a
 * time; bodies by {@code Content-Length} or chunked; a {@code Connection: close} answer ends the
 * connection. Not thread-safe.
 */
final class RawHttp implements AutoCloseable {
  /**
   * An answer's head: status code and headers (names lower-cased; a repeated name keeps the last).
   */
  record Head(int status, Map<String, String> headers, boolean close) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The media type of {@code Content-Type}, lower-cased and without parameters; empty if none.
     */
    String mediaType() {
      String type = header("content-type").orElse("");
      int semicolon = type.indexOf(';');
      return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    boolean chunked() {
      return header("transfer-encoding").orElse("").toLowerCase(Locale.ROOT).contains("chunked");
    }
  }

  /** An answer: status code and body. */
  record Response(int status, byte[] body, boolean close) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 100;
  private static final int MAX_BODY = 4 << 20;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String hostHeader;
  private boolean closed;

  private RawHttp(Socket socket, String hostHeader) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    this.out = socket.getOutputStream();
    this.hostHeader = hostHeader;
  }

  static RawHttp open(InetSocketAddress address, Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      return new RawHttp(socket, address.getHostString() + ":" + address.getPort());
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Whether the server ended the connection (a new one is needed). */
  boolean closed() {
    return closed;
  }

  /** POSTs {@code body} to {@code path} with {@code headers} and reads the answer. */
  Response post(String path, Map<String, String> headers, byte[] body) throws IOException {
    out.write(request(path, hostHeader, headers, body));
    Response response = read(in);
    closed = response.close();
    return response;
  }

  /** The request bytes: head and body in one array, so they go out in one write. */
  static byte[] request(String path, String host, Map<String, String> headers, byte[] body) {
    StringBuilder head = new StringBuilder(256);
    head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** Reads one HTTP/1.1 response from {@code in}. */
  static Response read(InputStream in) throws IOException {
    Head head = readHead(in);
    byte[] body = readBody(in, head, false);
    // Without a length or chunking the body ran to the end of the connection.
    boolean close = head.close() || (!head.chunked() && head.header("content-length").isEmpty());
    return new Response(head.status(), body, close);
  }

  /** Reads a status line and headers, up to and including the blank line. */
  static Head readHead(InputStream in) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.") || status.length() < 12) {
      throw new IOException("not an HTTP/1.x status line: " + status);
    }
    int code;
    try {
      code = Integer.parseInt(status.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("bad status line: " + status, e);
    }
    Map<String, String> headers = new HashMap<>();
    for (int n = 0; ; n++) {
      if (n > MAX_HEADERS) {
        throw new IOException("more than " + MAX_HEADERS + " headers");
      }
      String header = line(in);
      if (header.isEmpty()) {
        break;
      }
      int colon = header.indexOf(':');
      if (colon > 0) {
        headers.put(
            header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            header.substring(colon + 1).strip());
      }
    }
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    boolean close =
        connection.contains("close")
            || (status.startsWith("HTTP/1.0") && !connection.contains("keep-alive"));
    return new Head(code, Map.copyOf(headers), close);
  }

  /** Reads the body {@code head} announces: chunked, by length, none (1xx, 204, 304) or to EOF. */
  static byte[] readBody(InputStream in, Head head, boolean headRequest) throws IOException {
    int status = head.status();
    if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
      return new byte[0];
    }
    if (head.chunked()) {
      return chunks(in);
    }
    Optional<String> lengthText = head.header("content-length");
    if (lengthText.isEmpty()) {
      return in.readNBytes(MAX_BODY); // until the server closes
    }
    long length;
    try {
      length = Long.parseLong(lengthText.get());
    } catch (NumberFormatException e) {
      throw new IOException("bad Content-Length: " + lengthText.get(), e);
    }
    if (length < 0 || length > MAX_BODY) {
      throw new IOException("body of " + length + " bytes");
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length != length) {
      throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
    }
    return body;
  }

  private static byte[] chunks(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(in);
      int semicolon = sizeLine.indexOf(';');
      int size;
      try {
        size =
            Integer.parseInt(
                (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size line: " + sizeLine, e);
      }
      if (size == 0) {
        while (!line(in).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      if (size < 0 || body.size() + size > MAX_BODY) {
        throw new IOException("chunked body larger than " + MAX_BODY + " bytes");
      }
      byte[] chunk = in.readNBytes(size);
      if (chunk.length != size) {
        throw new EOFException("chunk ended early");
      }
      body.write(chunk);
      if (!line(in).isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  /** One line without its CRLF (a bare LF is accepted too). */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r'
            ? line.substring(0, end - 1)
            : line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("line longer than " + MAX_LINE + " bytes");
      }
      line.append((char) b);
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
