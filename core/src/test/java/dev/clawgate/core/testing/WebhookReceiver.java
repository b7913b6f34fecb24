package dev.clawgate.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real local HTTP server standing in for the far end of an outbound webhook: it records every
 * request (headers and raw body), answers 200 {@code {"id": "..."}} unless told to fail the next N
 * requests with a status (and optional headers such as {@code Retry-After}), and checks clawgate's
 * signature ({@code X-Clawgate-Timestamp}, {@code X-Clawgate-Signature: v1=<hex HMAC-SHA256(secret,
 * "<timestamp>.<body>")>}) with the shared secret, independently of the gateway's code.
 */
public final class WebhookReceiver implements AutoCloseable {
  private final String secret;
  private final HttpServer server;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Received> received = new ArrayList<>();
  private final Deque<Answer> answers = new ArrayDeque<>();
  private int nextId = 1;

  /**
   * One request as it arrived.
   *
   * @param method the HTTP method
   * @param path the request path
   * @param headers the headers, names lower-cased
   * @param body the raw body
   * @param status the status it was answered with
   */
  public record Received(
      String method, String path, Map<String, List<String>> headers, byte[] body, int status) {
    /** The first value of header {@code name}. */
    public Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private record Answer(int status, Map<String, String> headers) {}

  private WebhookReceiver(String secret, HttpServer server) {
    this.secret = secret;
    this.server = server;
  }

  /** Starts a receiver on 127.0.0.1 and an ephemeral port that verifies with {@code secret}. */
  public static WebhookReceiver start(String secret) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      WebhookReceiver receiver = new WebhookReceiver(secret, server);
      server.createContext("/", receiver::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL to configure as {@code outboundUrl}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The next {@code count} requests are answered {@code status} with an empty JSON body. */
  public void failNext(int count, int status) {
    failNext(count, status, Map.of());
  }

  /** The next {@code count} requests are answered {@code status} with {@code headers}. */
  public void failNext(int count, int status, Map<String, String> headers) {
    lock.lock();
    try {
      for (int i = 0; i < count; i++) {
        answers.addLast(new Answer(status, Map.copyOf(headers)));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Every request so far, failed ones included, in order. */
  public List<Received> received() {
    lock.lock();
    try {
      return List.copyOf(received);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until at least {@code count} requests arrived; returns all of them. */
  public List<Received> awaitReceived(int count, Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (received.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("expected " + count + " requests, got " + received.size());
        }
        changed.awaitNanos(left);
      }
      return List.copyOf(received);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether {@code request} carries a valid signature: one of the comma-separated {@code v1=}
   * values of {@code X-Clawgate-Signature} is the HMAC of {@code "<X-Clawgate-Timestamp>.<body>"}.
   */
  public boolean signatureValid(Received request) {
    Optional<String> timestamp = request.header("X-Clawgate-Timestamp");
    Optional<String> signature = request.header("X-Clawgate-Signature");
    if (timestamp.isEmpty() || signature.isEmpty()) {
      return false;
    }
    byte[] expected = sign(secret, timestamp.get(), request.body());
    for (String part : signature.get().split(",")) {
      String value = part.strip();
      if (value.startsWith("v1=")) {
        byte[] given = value.substring(3).getBytes(StandardCharsets.US_ASCII);
        if (MessageDigest.isEqual(expected, given)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The lowercase hex HMAC-SHA256 of {@code "<timestamp>.<body>"}, as ASCII bytes. */
  public static byte[] sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
      Answer answer;
      String id;
      lock.lock();
      try {
        answer = answers.pollFirst();
        id = "rcv-" + nextId++;
      } finally {
        lock.unlock();
      }
      int status = answer == null ? 200 : answer.status();
      byte[] reply =
          (status / 100 == 2 ? "{\"id\":\"" + id + "\"}" : "{\"error\":\"failing on purpose\"}")
              .getBytes(StandardCharsets.UTF_8);
      lock.lock();
      try {
        received.add(
            new Received(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                Map.copyOf(headers),
                body,
                status));
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (answer != null) {
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, reply.length);
      exchange.getResponseBody().write(reply);
    }
  }
}
