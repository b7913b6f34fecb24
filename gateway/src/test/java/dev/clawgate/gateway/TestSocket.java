package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real JDK WebSocket client for tests: collects whole text messages (joining partial frames),
 * records the close code and reason, and offers the protocol steps tests need. Public for the
 * end-to-end tests ({@code e2e}), which send what no real client would.
 */
public final class TestSocket implements WebSocket.Listener, AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** How the server closed the socket; code -1 when the connection failed without a close frame. */
  public record Close(int code, String reason) {}

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final AtomicInteger ids = new AtomicInteger();
  private @Nullable WebSocket socket;

  public static TestSocket open(int port) {
    return open(port, "/", Map.of());
  }

  public static TestSocket open(int port, String path, Map<String, String> headers) {
    TestSocket listener = new TestSocket();
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
    headers.forEach(builder::header);
    listener.socket =
        builder
            .buildAsync(URI.create("ws://127.0.0.1:" + port + path), listener)
            .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
            .join();
    return listener;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    webSocket.request(1);
    return null;
  }

  @Override
  public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new Close(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(new Close(-1, String.valueOf(error)));
  }

  private WebSocket socket() {
    WebSocket current = socket;
    if (current == null) {
      throw new IllegalStateException("not open");
    }
    return current;
  }

  /** Sends one text message. */
  public void send(String text) {
    socket().sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Sends one binary message. */
  public void sendBinary(byte[] data) {
    socket()
        .sendBinary(ByteBuffer.wrap(data), true)
        .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
        .join();
  }

  /** Sends a request and returns its id. */
  public String request(String method, JsonNode params) {
    String id = "r" + ids.incrementAndGet();
    ObjectNode frame = Json.mapper().createObjectNode();
    frame.put("type", "req");
    frame.put("id", id);
    frame.put("method", method);
    frame.set("params", params);
    send(frame.toString());
    return id;
  }

  /** Calls a method and returns its response frame, skipping events that arrive meanwhile. */
  public JsonNode call(String method, JsonNode params) {
    String id = request(method, params);
    return next(
        f -> f.path("type").asString("").equals("res") && f.path("id").asString("").equals(id));
  }

  public JsonNode call(String method) {
    return call(method, Json.mapper().createObjectNode());
  }

  /** Reads the challenge, sends connect with {@code params}, returns the response frame. */
  public JsonNode connect(JsonNode params) {
    challenge();
    return sendConnect(params);
  }

  /** Sends connect (the challenge already read) and returns the response frame. */
  public JsonNode sendConnect(JsonNode params) {
    return call("connect", params);
  }

  /** Reads the first message, which must be the challenge; returns its payload. */
  public JsonNode challenge() {
    JsonNode frame = next();
    assertThat(frame.path("type").asString("")).isEqualTo("event");
    assertThat(frame.path("event").asString("")).isEqualTo("connect.challenge");
    return frame.path("payload");
  }

  /** The next message as JSON. */
  public JsonNode next() {
    String text = nextText();
    return Json.mapper().readTree(text);
  }

  /** The next message's raw text. */
  public String nextText() {
    try {
      String text = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError("no message within " + WAIT);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next message matching {@code wanted}, discarding others. */
  public JsonNode next(Predicate<JsonNode> wanted) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode frame = next();
      if (wanted.test(frame)) {
        return frame;
      }
    }
    throw new AssertionError("no matching message within " + WAIT);
  }

  /** The next event named {@code event}. */
  public JsonNode nextEvent(String event) {
    return next(f ->
        f.path("type").asString("").equals("event") && f.path("event").asString("").equals(event));
  }

  /** Messages received and not yet read. */
  public int pending() {
    return messages.size();
  }

  /** Waits for the server to close the socket. */
  public Close awaitClose() {
    return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    WebSocket current = socket;
    if (current != null && !current.isOutputClosed()) {
      var _ = current.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    if (current != null) {
      current.abort();
    }
  }
}
