package dev.clawgate.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local Telegram Bot API server for tests, faithful in the parts clawgate uses: {@code POST|GET
 * /bot<token>/<method>} with parameters as a query string, a form or JSON; answers {@code {ok:true,
 * result}} or {@code {ok:false, error_code, description, parameters?}} as the real API does.
 *
 * <ul>
 *   <li>{@code getUpdates}: long polling that honours {@code timeout} and {@code offset}. Updates
 *       below the offset are confirmed and dropped for good; the rest are returned again until
 *       confirmed. A newer {@code getUpdates} ends one still waiting with 409 ("terminated by other
 *       getUpdates request"), as Telegram does.
 *   <li>{@code sendMessage}: {@code chat_id} required, {@code text} non-empty and at most 4096
 *       UTF-16 units, {@code message_thread_id} recorded; returns the Message with a new id.
 *   <li>A wrong token: 401 Unauthorized. An unknown method: 404 Not Found.
 * </ul>
 *
 * <p>Test controls: {@link #enqueue} updates (with builders for text, topic and photo messages),
 * {@link #failNext} a method N times (429 with {@code retry_after}, 500, 502, 400, ...), {@link
 * #sent} / {@link #awaitSent} the messages the bot sent, and {@link #calls} per method.
 */
public final class FakeTelegramBotApi implements AutoCloseable {
  /** The longest text Telegram accepts. */
  public static final int MAX_TEXT = 4096;

  private final String token;
  private final HttpServer server;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<ObjectNode> pending = new ArrayDeque<>();
  private final List<Sent> sent = new ArrayList<>();
  private final Map<String, Deque<Failure>> failures = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private long nextUpdateId = 1000;
  private long nextMessageId = 1;
  private long pollGeneration;
  private boolean closed;

  /** A message the bot sent. */
  public record Sent(long messageId, String chatId, Optional<Long> messageThreadId, String text) {}

  /** A canned error answer. */
  private record Failure(int status, String description, @Nullable Integer retryAfter) {}

  /** A chat: {@code private}, {@code group} or {@code supergroup}. */
  public record Chat(long id, String type, Optional<String> title) {}

  /** A user. */
  public record User(
      long id, String firstName, Optional<String> lastName, Optional<String> username) {
    /** A user with only a first name. */
    public static User of(long id, String firstName) {
      return new User(id, firstName, Optional.empty(), Optional.empty());
    }
  }

  private FakeTelegramBotApi(String token, HttpServer server) {
    this.token = token;
    this.server = server;
  }

  /** Starts a server on 127.0.0.1 and an ephemeral port that accepts bot token {@code token}. */
  public static FakeTelegramBotApi start(String token) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      FakeTelegramBotApi api = new FakeTelegramBotApi(token, server);
      server.createContext("/", api::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:<port>}: the {@code apiBaseUrl} to configure. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The token this server accepts. */
  public String token() {
    return token;
  }

  // ---- updates ----

  /** A private chat with {@code user}. */
  public static Chat privateChat(long userId) {
    return new Chat(userId, "private", Optional.empty());
  }

  /** A basic group. */
  public static Chat group(long id, String title) {
    return new Chat(id, "group", Optional.of(title));
  }

  /** A supergroup (forums are supergroups). */
  public static Chat supergroup(long id, String title) {
    return new Chat(id, "supergroup", Optional.of(title));
  }

  /** Queues a text message update; returns its {@code update_id}. */
  public long enqueueText(Chat chat, User from, String text) {
    ObjectNode message = message(chat, from);
    message.put("text", text);
    return enqueue("message", message);
  }

  /** Queues a text message in forum topic {@code threadId}; returns its {@code update_id}. */
  public long enqueueTopicText(Chat chat, User from, long threadId, String text) {
    ObjectNode message = message(chat, from);
    message.put("message_thread_id", threadId);
    message.put("is_topic_message", true);
    message.put("text", text);
    return enqueue("message", message);
  }

  /**
   * Queues a photo (two sizes, the larger with {@code fileId} and {@code fileSize}) with an
   * optional caption; returns its {@code update_id}.
   */
  public long enqueuePhoto(
      Chat chat, User from, String fileId, long fileSize, Optional<String> caption) {
    ObjectNode message = message(chat, from);
    var photo = message.putArray("photo");
    photo
        .addObject()
        .put("file_id", fileId + "-small")
        .put("file_unique_id", "s" + fileId)
        .put("width", 90)
        .put("height", 90)
        .put("file_size", 1024);
    photo
        .addObject()
        .put("file_id", fileId)
        .put("file_unique_id", "u" + fileId)
        .put("width", 1280)
        .put("height", 960)
        .put("file_size", fileSize);
    caption.ifPresent(c -> message.put("caption", c));
    return enqueue("message", message);
  }

  /** Queues a document; returns its {@code update_id}. */
  public long enqueueDocument(
      Chat chat, User from, String fileId, String fileName, String mimeType, long fileSize) {
    ObjectNode message = message(chat, from);
    message
        .putObject("document")
        .put("file_id", fileId)
        .put("file_unique_id", "u" + fileId)
        .put("file_name", fileName)
        .put("mime_type", mimeType)
        .put("file_size", fileSize);
    return enqueue("message", message);
  }

  /**
   * Queues an update whose {@code kind} ({@code message}, {@code edited_message}, {@code
   * my_chat_member}, ...) is {@code payload}; returns its {@code update_id}.
   */
  public long enqueue(String kind, ObjectNode payload) {
    lock.lock();
    try {
      long id = nextUpdateId++;
      ObjectNode update = Json.mapper().createObjectNode();
      update.put("update_id", id);
      update.set(kind, payload);
      pending.addLast(update);
      changed.signalAll();
      return id;
    } finally {
      lock.unlock();
    }
  }

  /** A Message object from {@code from} in {@code chat}, without content, with a new id. */
  public ObjectNode message(Chat chat, User from) {
    long id;
    lock.lock();
    try {
      id = nextMessageId++;
    } finally {
      lock.unlock();
    }
    ObjectNode message = Json.mapper().createObjectNode();
    message.put("message_id", id);
    ObjectNode user = message.putObject("from");
    user.put("id", from.id()).put("is_bot", false).put("first_name", from.firstName());
    from.lastName().ifPresent(v -> user.put("last_name", v));
    from.username().ifPresent(v -> user.put("username", v));
    ObjectNode chatNode = message.putObject("chat");
    chatNode.put("id", chat.id()).put("type", chat.type());
    chat.title().ifPresent(t -> chatNode.put("title", t));
    if (chat.type().equals("private")) {
      chatNode.put("first_name", from.firstName());
    }
    if (chat.type().equals("supergroup")) {
      chatNode.put("is_forum", true);
    }
    message.put("date", System.currentTimeMillis() / 1000);
    return message;
  }

  /** Updates not yet confirmed by a {@code getUpdates} offset. */
  public int unconfirmed() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  // ---- failures and records ----

  /**
   * The next {@code count} calls of {@code method} answer {@code status} with {@code description}
   * (and {@code parameters.retry_after} when {@code retryAfterSeconds} is present).
   */
  public void failNext(
      String method,
      int count,
      int status,
      String description,
      Optional<Integer> retryAfterSeconds) {
    lock.lock();
    try {
      Deque<Failure> queue = failures.computeIfAbsent(method, m -> new ArrayDeque<>());
      for (int i = 0; i < count; i++) {
        queue.addLast(new Failure(status, description, retryAfterSeconds.orElse(null)));
      }
    } finally {
      lock.unlock();
    }
  }

  /** The next {@code count} calls of {@code method} answer 429 with {@code retry_after}. */
  public void rateLimitNext(String method, int count, int retryAfterSeconds) {
    failNext(
        method,
        count,
        429,
        "Too Many Requests: retry after " + retryAfterSeconds,
        Optional.of(retryAfterSeconds));
  }

  /** The next {@code count} calls of {@code method} answer {@code status} (500, 502, 400...). */
  public void failNext(String method, int count, int status) {
    String description =
        switch (status) {
          case 400 -> "Bad Request: chat not found";
          case 403 -> "Forbidden: bot was blocked by the user";
          case 409 -> "Conflict: can't use getUpdates method while webhook is active";
          case 502 -> "Bad Gateway";
          default -> "Internal Server Error";
        };
    failNext(method, count, status, description, Optional.empty());
  }

  /** The messages sent so far, in order. */
  public List<Sent> sent() {
    lock.lock();
    try {
      return List.copyOf(sent);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until at least {@code count} messages were sent; returns all of them. */
  public List<Sent> awaitSent(int count, Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (sent.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "expected " + count + " sent messages, got " + sent.size() + ": " + sent);
        }
        changed.awaitNanos(left);
      }
      return List.copyOf(sent);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  /** How many requests {@code method} got with the right token (including failed ones). */
  public int calls(String method) {
    lock.lock();
    try {
      return calls.getOrDefault(method, 0);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    server.stop(0);
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange);
      } catch (RuntimeException e) {
        reply(exchange, 500, error(500, "Internal Server Error: " + e, null));
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String[] parts = path.split("/");
    // "", "bot<token>", "<method>"
    if (parts.length != 3 || !parts[1].startsWith("bot")) {
      reply(exchange, 404, error(404, "Not Found", null));
      return;
    }
    if (!parts[1].substring(3).equals(token)) {
      reply(exchange, 401, error(401, "Unauthorized", null));
      return;
    }
    String method = parts[2];
    ObjectNode params = params(exchange);
    Failure failure = nextFailure(method);
    if (failure != null) {
      reply(exchange, failure.status(), error(failure.status(), failure.description(), failure));
      return;
    }
    switch (method) {
      case "getUpdates" -> getUpdates(exchange, params);
      case "sendMessage" -> sendMessage(exchange, params);
      case "getMe" -> reply(exchange, 200, ok(getMe()));
      default -> reply(exchange, 404, error(404, "Not Found", null));
    }
  }

  private @Nullable Failure nextFailure(String method) {
    lock.lock();
    try {
      calls.merge(method, 1, Integer::sum);
      Deque<Failure> queue = failures.get(method);
      return queue == null ? null : queue.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  private void getUpdates(HttpExchange exchange, ObjectNode params) throws IOException {
    Optional<Long> offset = longParam(params, "offset");
    long timeoutSeconds = longParam(params, "timeout").orElse(0L);
    int limit = (int) Math.max(1, Math.min(100, longParam(params, "limit").orElse(100L)));
    var result = Json.mapper().createArrayNode();
    boolean conflict = false;
    lock.lock();
    try {
      long generation = ++pollGeneration;
      changed.signalAll();
      if (offset.isPresent()) {
        // Everything below the offset is confirmed: Telegram forgets it.
        while (!pending.isEmpty() && pending.peekFirst().get("update_id").asLong() < offset.get()) {
          pending.removeFirst();
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
      while (pending.isEmpty() && !closed) {
        if (generation != pollGeneration) {
          conflict = true;
          break;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
      }
      pending.stream().limit(limit).forEach(result::add);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } finally {
      lock.unlock();
    }
    if (conflict) {
      reply(
          exchange,
          409,
          error(
              409,
              "Conflict: terminated by other getUpdates request; make sure that only one bot"
                  + " instance is running",
              null));
      return;
    }
    reply(exchange, 200, ok(result));
  }

  private void sendMessage(HttpExchange exchange, ObjectNode params) throws IOException {
    JsonNode chatId = params.get("chat_id");
    if (chatId == null || chatId.isNull() || chatId.asString().isBlank()) {
      reply(exchange, 400, error(400, "Bad Request: chat_id is empty", null));
      return;
    }
    JsonNode textNode = params.get("text");
    String text = textNode == null || textNode.isNull() ? "" : textNode.asString();
    if (text.isBlank()) {
      reply(exchange, 400, error(400, "Bad Request: message text is empty", null));
      return;
    }
    if (text.length() > MAX_TEXT) {
      reply(exchange, 400, error(400, "Bad Request: message is too long", null));
      return;
    }
    Optional<Long> threadId = longParam(params, "message_thread_id");
    long id;
    lock.lock();
    try {
      id = nextMessageId++;
      sent.add(new Sent(id, chatId.asString(), threadId, text));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    ObjectNode message = Json.mapper().createObjectNode();
    message.put("message_id", id);
    message.putObject("from").put("id", botId()).put("is_bot", true).put("first_name", "Bot");
    ObjectNode chat = message.putObject("chat");
    if (chatId.canConvertToLong() || chatId.asString().matches("-?[0-9]+")) {
      long numeric = Long.parseLong(chatId.asString());
      chat.put("id", numeric).put("type", numeric < 0 ? "supergroup" : "private");
    } else {
      chat.put("id", -1).put("type", "channel").put("username", chatId.asString());
    }
    message.put("date", System.currentTimeMillis() / 1000);
    threadId.ifPresent(t -> {
      message.put("message_thread_id", t);
      message.put("is_topic_message", true);
    });
    message.put("text", text);
    reply(exchange, 200, ok(message));
  }

  private ObjectNode getMe() {
    ObjectNode me = Json.mapper().createObjectNode();
    me.put("id", botId()).put("is_bot", true).put("first_name", "Bot").put("username", "fake_bot");
    return me;
  }

  private long botId() {
    return Long.parseLong(token.substring(0, token.indexOf(':')));
  }

  /** Query parameters, then the body (JSON or form) over them. */
  private static ObjectNode params(HttpExchange exchange) throws IOException {
    ObjectNode params = Json.mapper().createObjectNode();
    Optional.ofNullable(exchange.getRequestURI().getRawQuery()).ifPresent(q -> form(q, params));
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (body.length == 0) {
      return params;
    }
    String type =
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
            .orElse("")
            .toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      JsonNode json = Json.mapper().readTree(body);
      if (json.isObject()) {
        params.setAll((ObjectNode) json);
      }
    } else if (type.startsWith("application/x-www-form-urlencoded")) {
      form(new String(body, StandardCharsets.US_ASCII), params);
    }
    return params;
  }

  private static void form(String encoded, ObjectNode into) {
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.put(key, value);
    }
  }

  private static Optional<Long> longParam(ObjectNode params, String name) {
    JsonNode node = params.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isIntegralNumber()) {
      return Optional.of(node.asLong());
    }
    try {
      return Optional.of(Long.parseLong(node.asString().strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ObjectNode ok(JsonNode result) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("ok", true);
    body.set("result", result);
    return body;
  }

  private static ObjectNode error(int code, String description, @Nullable Failure failure) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("ok", false);
    body.put("error_code", code);
    body.put("description", description);
    if (failure != null && failure.retryAfter() != null) {
      body.putObject("parameters").put("retry_after", failure.retryAfter());
    }
    return body;
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = Json.mapper().writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (IOException e) {
      // The client went away (a cancelled long poll): nothing to answer.
    }
  }

  @Override
  public String toString() {
    return "FakeTelegramBotApi[" + baseUrl() + "]";
  }
}
