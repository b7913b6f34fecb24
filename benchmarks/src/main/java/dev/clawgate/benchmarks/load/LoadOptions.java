package dev.clawgate.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The command line of the load tool: a command, then {@code --name value} options.
 *
 * @param command {@code handshakes}, {@code idle}, or a conversation-plane command: {@code seed},
 *     {@code sessions-list}, {@code inject}, {@code fanout}, {@code webhook}
 * @param client {@code raw} (the minimal client, default) or {@code jetty} (Jetty's client)
 * @param url the gateway's WebSocket URL
 * @param token the shared gateway token
 * @param mode {@code token} (device-less) or {@code device} (signed by a paired device)
 * @param deviceAuth with mode device, what the connect presents besides the proof: {@code
 *     device-token} (the token issued at pairing) or {@code token} (the shared token)
 * @param signer with mode device, who signs: {@code bc} (Bouncy Castle, default) or {@code jdk}
 * @param scopes the operator scopes requested
 * @param connections handshakes: most handshakes started (a safety bound); idle: sockets opened;
 *     sessions-list, inject, webhook: connections used; fanout: subscribers
 * @param concurrency handshakes in flight at once; fanout: webhook posters
 * @param warmup handshakes: run this long before measuring
 * @param duration handshakes: measure this long
 * @param hold idle: keep the sockets open this long once all are connected
 * @param readyFile idle: written (JSON) once all sockets are connected
 * @param gatewayPid the gateway's process id, to report its CPU time and resident memory
 * @param conversation the options of the conversation-plane commands
 */
record LoadOptions(
    String command,
    String client,
    URI url,
    String token,
    String mode,
    String deviceAuth,
    String signer,
    List<String> scopes,
    long connections,
    int concurrency,
    Duration warmup,
    Duration duration,
    Duration hold,
    Optional<Path> readyFile,
    OptionalLong gatewayPid,
    ConversationOptions conversation) {

  static final String USAGE =
      """
      Usage: clawgate-load <command> [options]

      Commands:
        handshakes     run handshakes back to back for a fixed time; report rate and latency
        idle           open N handshaken connections, hold them, then close them
        seed           build a state dir's state.db (sessions and transcripts) in process,
                       through ConversationService; run it before the gateway starts
        sessions-list  sessions.list calls, pipelined on each connection; calls/s and latency
        inject         chat.inject calls (transcript appends over the wire), pipelined
        fanout         subscribe N connections (sessions.subscribe), post signed webhook
                       messages at a fixed rate; per-subscriber delivery latency and loss
        webhook        signed webhook posts back to back on each connection; posts/s
        mcp-http       the gateway's MCP endpoint /mcp (auth mode none): tools/call rate and
                       latency, or many held SSE streams; options: clawgate-load mcp-http --help

      Options:
        --url ws://127.0.0.1:18789/   gateway WebSocket URL (loopback); webhooks go to the same
                                      host and port over HTTP
        --client raw|jetty            the minimal built-in client (default) or Jetty's
        --token T | --token-file F    the shared gateway token (required but for seed)
        --mode token|device           device-less token connects, or signed by a paired device
        --device-auth device-token|token
                                      mode device: present the issued device token (default) or
                                      the shared token beside the signature
        --signer bc|jdk               mode device: sign with Bouncy Castle (default; cheap) or
                                      the JDK (the gateway always verifies with the JDK)
        --scopes operator.read        comma-separated scopes to request (inject: operator.admin)
        --connections N               handshakes: most to start (default 10000000);
                                      idle: sockets to hold (default 10000); sessions-list,
                                      inject, webhook: connections (default 8); fanout:
                                      subscribers (default 100)
        --concurrency C               in flight at once (handshakes 64, idle 200); fanout:
                                      posting connections (default 4)
        --warmup S                    seconds before measuring (default 10)
        --duration S                  seconds measured (default 20)
        --hold S                      idle: seconds to hold once all are connected (default 30)
        --ready-file F                idle: written once all are connected
        --gateway-pid P               report the gateway's CPU time and VmRSS
        --pipeline K                  sessions-list, inject: requests in flight per connection
                                      (default 16)
        --include true|false          sessions-list: includeDerivedTitles and
                                      includeLastMessage (default false)
        --limit N                     sessions-list: page size (default 50)
        --rate R                      fanout: posts per second (default 100)
        --hook-account A              webhook account, POST /hooks/A (default main)
        --hook-secret S | --hook-secret-file F
                                      fanout, webhook: the account's secret (required)
        --state-dir D                 seed: the state directory (required)
        --sessions N                  seed: sessions to create; inject, fanout, webhook: seeded
                                      sessions to address (default 1000)
        --messages N                  seed: messages per session (default 100)
        --batch N                     seed: messages per receive call (default 1000)

      Output: one line of JSON (starting with '{'), then a human summary.
      """;

  private static final Set<String> COMMANDS =
      Set.of("handshakes", "idle", "seed", "sessions-list", "inject", "fanout", "webhook");

  /** Commands that open many connections by default, and the default. */
  private static final Map<String, Long> DEFAULT_CONNECTIONS =
      Map.of(
          "handshakes", 10_000_000L,
          "idle", 10_000L,
          "fanout", 100L,
          "seed", 1L);

  private static final Set<String> NAMES =
      Set.of(
          "url",
          "client",
          "token",
          "token-file",
          "mode",
          "device-auth",
          "signer",
          "scopes",
          "connections",
          "concurrency",
          "warmup",
          "duration",
          "hold",
          "ready-file",
          "gateway-pid",
          "pipeline",
          "include",
          "limit",
          "rate",
          "hook-account",
          "hook-secret",
          "hook-secret-file",
          "state-dir",
          "sessions",
          "messages",
          "batch");

  /** Parses {@code args}; throws {@link IllegalArgumentException} with a usable message. */
  static LoadOptions parse(String... args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      throw new IllegalArgumentException(
          "expected a command ("
              + String.join(", ", COMMANDS.stream().sorted().toList())
              + "), got "
              + Arrays.toString(args));
    }
    String command = args[0];
    Map<String, String> values = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      if (values.put(name, args[i + 1]) != null) {
        throw new IllegalArgumentException("option " + args[i] + " given twice");
      }
    }
    boolean idle = command.equals("idle");
    boolean seed = command.equals("seed");
    String mode = oneOf(values, "mode", "token", Set.of("token", "device"));
    int defaultConcurrency = idle ? 200 : command.equals("fanout") ? 4 : 64;
    return new LoadOptions(
        command,
        oneOf(values, "client", "raw", Set.of("raw", "jetty")),
        url(values.getOrDefault("url", "ws://127.0.0.1:18789/")),
        seed ? "" : secret(values, "token", "token-file"),
        mode,
        oneOf(values, "device-auth", "device-token", Set.of("device-token", "token")),
        oneOf(values, "signer", "bc", Set.of("bc", "jdk")),
        List.of(
            values
                .getOrDefault(
                    "scopes", command.equals("inject") ? "operator.admin" : "operator.read")
                .split(",", -1)),
        positive(values, "connections", DEFAULT_CONNECTIONS.getOrDefault(command, 8L)),
        (int) Math.min(100_000, positive(values, "concurrency", defaultConcurrency)),
        seconds(values, "warmup", 10, true),
        seconds(values, "duration", 20, false),
        seconds(values, "hold", 30, true),
        Optional.ofNullable(values.get("ready-file")).map(Path::of),
        values.containsKey("gateway-pid")
            ? OptionalLong.of(positive(values, "gateway-pid", 1))
            : OptionalLong.empty(),
        conversation(command, values));
  }

  private static ConversationOptions conversation(String command, Map<String, String> values) {
    boolean signs = command.equals("fanout") || command.equals("webhook");
    Optional<Path> stateDir = Optional.ofNullable(values.get("state-dir")).map(Path::of);
    if (command.equals("seed") && stateDir.isEmpty()) {
      throw new IllegalArgumentException("--state-dir is required for seed");
    }
    double rate = number(values, "rate", 100);
    if (!(rate > 0 && rate <= 100_000)) {
      throw new IllegalArgumentException("--rate must be above 0 and at most 100000: " + rate);
    }
    return new ConversationOptions(
        (int) Math.min(1_024, positive(values, "pipeline", 16)),
        oneOf(values, "include", "false", Set.of("true", "false")).equals("true"),
        (int) Math.min(1_000, positive(values, "limit", 50)),
        rate,
        values.getOrDefault("hook-account", "main"),
        signs ? secret(values, "hook-secret", "hook-secret-file") : "",
        stateDir,
        (int) Math.min(10_000_000, positive(values, "sessions", 1_000)),
        (int) Math.min(10_000_000, positive(values, "messages", 100)),
        (int) Math.min(100_000, positive(values, "batch", 1_000)));
  }

  private static URI url(String text) {
    URI uri = URI.create(text);
    if (!"ws".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--url must be ws://host:port/..., got " + text);
    }
    return uri.getPath() == null || uri.getPath().isEmpty() ? uri.resolve("/") : uri;
  }

  /** The value of {@code --name} or the first line of {@code --fileName}; exactly one is given. */
  private static String secret(Map<String, String> values, String name, String fileName) {
    String direct = values.get(name);
    String file = values.get(fileName);
    if (direct != null && file != null) {
      throw new IllegalArgumentException("give --" + name + " or --" + fileName + ", not both");
    }
    if (direct != null) {
      return direct;
    }
    if (file == null) {
      throw new IllegalArgumentException("--" + name + " or --" + fileName + " is required");
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8)
          .lines()
          .findFirst()
          .orElse("")
          .strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --" + fileName + " " + file + ": " + e);
    }
  }

  private static String oneOf(
      Map<String, String> values, String name, String fallback, Set<String> allowed) {
    String value = values.getOrDefault(name, fallback);
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException("--" + name + " must be one of " + allowed);
    }
    return value;
  }

  private static long positive(Map<String, String> values, String name, long fallback) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text);
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a positive integer: " + text);
    }
  }

  private static Duration seconds(
      Map<String, String> values, String name, double fallback, boolean zeroAllowed) {
    double value = number(values, name, fallback);
    if (!(value >= 0 && value <= 86_400) || (!zeroAllowed && value == 0)) {
      throw new IllegalArgumentException("--" + name + " out of range: " + values.get(name));
    }
    return Duration.ofNanos((long) (value * 1e9));
  }

  private static double number(Map<String, String> values, String name, double fallback) {
    String text = values.get(name);
    try {
      return text == null ? fallback : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number: " + text);
    }
  }
}
