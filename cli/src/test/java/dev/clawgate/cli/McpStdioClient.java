package dev.clawgate.cli;

import dev.clawgate.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP client speaking to the packaged {@code clawgate mcp serve} over its stdin and stdout, the
 * way Claude Code and the other stdio clients do: it spawns {@code java -jar clawgate.jar mcp serve
 * ...}, writes one JSON-RPC message per line, and matches answers by id. Every stdout line is kept
 * (each must be JSON-RPC), and stderr separately.
 */
final class McpStdioClient implements AutoCloseable {
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final Process process;
  private final OutputStream stdin;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
  private final List<String> stdoutLines = new CopyOnWriteArrayList<>();
  private final StringBuffer stderr = new StringBuffer();

  private McpStdioClient(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
    Thread.ofVirtual().start(() -> readStdout(process.getInputStream()));
    Thread.ofVirtual().start(() -> readStderr(process.getErrorStream()));
  }

  /** The packaged jar, as the build's {@code clawgate.jar} property names it. */
  static Path jar() {
    String jar = System.getProperty("clawgate.jar");
    if (jar == null) {
      throw new IllegalStateException("run through Maven: -Dclawgate.jar is not set");
    }
    return Path.of(jar);
  }

  /**
   * Starts {@code clawgate mcp serve <args>} from the packaged jar with the launcher's JVM flags,
   * in an environment holding only {@code PATH}, {@code HOME} and {@code env}.
   */
  static McpStdioClient start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:UserThreadWaitAttemptsAtExit=0",
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
            "-jar",
            jar().toString(),
            "mcp",
            "serve"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    String path = environment.getOrDefault("PATH", "/usr/bin:/bin");
    environment.clear();
    environment.put("PATH", path);
    environment.put("HOME", System.getProperty("java.io.tmpdir"));
    environment.putAll(env);
    return new McpStdioClient(builder.start());
  }

  private void readStdout(InputStream stream) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        stdoutLines.add(line);
        JsonNode message;
        try {
          message = Json.mapper().readTree(line);
        } catch (RuntimeException e) {
          continue; // kept in stdoutLines; tests assert every line is JSON-RPC
        }
        JsonNode id = message.get("id");
        if (id != null && id.isNumber() && !message.has("method")) {
          CompletableFuture<JsonNode> answer = pending.remove(id.asLong());
          if (answer != null) {
            answer.complete(message);
          }
        } else {
          notifications.add(message);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    pending.values().forEach(f -> f.completeExceptionally(new IOException("stdout closed")));
  }

  private void readStderr(InputStream stream) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        stderr.append(line).append('\n');
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Sends a request and returns the whole answer ({@code result} or {@code error}). */
  JsonNode request(String method, ObjectNode params) throws Exception {
    return send(method, params).get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends a request and returns its id and the answer to come. */
  CompletableFuture<JsonNode> send(String method, ObjectNode params) throws IOException {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = Json.mapper().createObjectNode();
    message.put("jsonrpc", "2.0");
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    write(message);
    return answer;
  }

  /** The id the next {@link #send} will use. */
  long nextId() {
    return ids.get() + 1;
  }

  /** Sends a notification. */
  void notify(String method, ObjectNode params) throws IOException {
    ObjectNode message = Json.mapper().createObjectNode();
    message.put("jsonrpc", "2.0");
    message.put("method", method);
    message.set("params", params);
    write(message);
  }

  private synchronized void write(ObjectNode message) throws IOException {
    stdin.write(Json.mapper().writeValueAsBytes(message));
    stdin.write('\n');
    stdin.flush();
  }

  /** {@code initialize} then {@code notifications/initialized}; returns the result. */
  JsonNode initialize() throws Exception {
    ObjectNode params = Json.mapper().createObjectNode();
    params.put("protocolVersion", "2025-06-18");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "clawgate-test").put("version", "1");
    JsonNode answer = request("initialize", params);
    notify("notifications/initialized", Json.mapper().createObjectNode());
    return answer.get("result");
  }

  /** {@code tools/call}; returns the result (content, structuredContent, isError). */
  JsonNode callTool(String name, ObjectNode arguments) throws Exception {
    JsonNode answer = request("tools/call", toolParams(name, arguments));
    if (answer.has("error")) {
      throw new AssertionError("tools/call " + name + " failed: " + answer + "\n" + stderr());
    }
    return answer.get("result");
  }

  static ObjectNode toolParams(String name, ObjectNode arguments) {
    ObjectNode params = Json.mapper().createObjectNode();
    params.put("name", name);
    params.set("arguments", arguments);
    return params;
  }

  /** The notifications received so far with {@code method}. */
  List<JsonNode> notifications(String method) {
    return notifications.stream()
        .filter(n -> method.equals(n.path("method").asString("")))
        .toList();
  }

  /** Whether a notification matching {@code test} has arrived. */
  boolean hasNotification(Predicate<JsonNode> test) {
    return notifications.stream().anyMatch(test);
  }

  List<String> stdoutLines() {
    return List.copyOf(stdoutLines);
  }

  String stderr() {
    return stderr.toString();
  }

  Process process() {
    return process;
  }

  /** Closes stdin (EOF) and waits for the process to exit; returns its exit code. */
  int closeStdinAndWait(Duration timeout) throws Exception {
    stdin.close();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("mcp serve did not exit after stdin EOF\n" + stderr());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
