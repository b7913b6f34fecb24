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
 * @param command {@code handshakes} or {@code idle}
 * @param client {@code raw} (the minimal client, default) or {@code jetty} (Jetty's client)
 * @param url the gateway's WebSocket URL
 * @param token the shared gateway token
 * @param mode {@code token} (device-less) or {@code device} (signed by a paired device)
 * @param deviceAuth with mode device, what the connect presents besides the proof: {@code
 *     device-token} (the token issued at pairing) or {@code token} (the shared token)
 * @param signer with mode device, who signs: {@code bc} (Bouncy Castle, default) or {@code jdk}
 * @param scopes the operator scopes requested
 * @param connections handshakes: most handshakes started (a safety bound); idle: sockets opened
 * @param concurrency handshakes in flight at once
 * @param warmup handshakes: run this long before measuring
 * @param duration handshakes: measure this long
 * @param hold idle: keep the sockets open this long once all are connected
 * @param readyFile idle: written (JSON) once all sockets are connected
 * @param gatewayPid the gateway's process id, to report its CPU time and resident memory
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
    OptionalLong gatewayPid) {

  static final String USAGE =
      """
      Usage: clawgate-load <command> [options]

      Commands:
        handshakes   run handshakes back to back for a fixed time; report rate and latency
        idle         open N handshaken connections, hold them, then close them

      Options:
        --url ws://127.0.0.1:18789/   gateway WebSocket URL (loopback)
        --client raw|jetty            the minimal built-in client (default) or Jetty's
        --token T | --token-file F    the shared gateway token (required)
        --mode token|device           device-less token connects, or signed by a paired device
        --device-auth device-token|token
                                      mode device: present the issued device token (default) or
                                      the shared token beside the signature
        --signer bc|jdk               mode device: sign with Bouncy Castle (default; cheap) or
                                      the JDK (the gateway always verifies with the JDK)
        --scopes operator.read        comma-separated scopes to request
        --connections N               handshakes: most to start (default 10000000);
                                      idle: sockets to hold (default 10000)
        --concurrency C               in flight at once (handshakes 64, idle 200)
        --warmup S                    handshakes: seconds before measuring (default 10)
        --duration S                  handshakes: seconds measured (default 20)
        --hold S                      idle: seconds to hold once all are connected (default 30)
        --ready-file F                idle: written once all are connected
        --gateway-pid P               report the gateway's CPU time and VmRSS

      Output: one line of JSON (starting with '{'), then a human summary.
      """;

  private static final Set<String> COMMANDS = Set.of("handshakes", "idle");
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
          "gateway-pid");

  /** Parses {@code args}; throws {@link IllegalArgumentException} with a usable message. */
  static LoadOptions parse(String... args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      throw new IllegalArgumentException(
          "expected a command (handshakes or idle), got " + Arrays.toString(args));
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
    String mode = oneOf(values, "mode", "token", Set.of("token", "device"));
    return new LoadOptions(
        command,
        oneOf(values, "client", "raw", Set.of("raw", "jetty")),
        url(values.getOrDefault("url", "ws://127.0.0.1:18789/")),
        token(values),
        mode,
        oneOf(values, "device-auth", "device-token", Set.of("device-token", "token")),
        oneOf(values, "signer", "bc", Set.of("bc", "jdk")),
        List.of(values.getOrDefault("scopes", "operator.read").split(",", -1)),
        positive(values, "connections", idle ? 10_000 : 10_000_000),
        (int) Math.min(100_000, positive(values, "concurrency", idle ? 200 : 64)),
        seconds(values, "warmup", 10, true),
        seconds(values, "duration", 20, false),
        seconds(values, "hold", 30, true),
        Optional.ofNullable(values.get("ready-file")).map(Path::of),
        values.containsKey("gateway-pid")
            ? OptionalLong.of(positive(values, "gateway-pid", 1))
            : OptionalLong.empty());
  }

  private static URI url(String text) {
    URI uri = URI.create(text);
    if (!"ws".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--url must be ws://host:port/..., got " + text);
    }
    return uri.getPath() == null || uri.getPath().isEmpty() ? uri.resolve("/") : uri;
  }

  private static String token(Map<String, String> values) {
    String direct = values.get("token");
    String file = values.get("token-file");
    if (direct != null && file != null) {
      throw new IllegalArgumentException("give --token or --token-file, not both");
    }
    if (direct != null) {
      return direct;
    }
    if (file == null) {
      throw new IllegalArgumentException("--token or --token-file is required");
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8)
          .lines()
          .findFirst()
          .orElse("")
          .strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --token-file " + file + ": " + e);
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
    String text = values.get(name);
    double value;
    try {
      value = text == null ? fallback : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number of seconds: " + text);
    }
    if (!(value >= 0 && value <= 86_400) || (!zeroAllowed && value == 0)) {
      throw new IllegalArgumentException("--" + name + " out of range: " + text);
    }
    return Duration.ofNanos((long) (value * 1e9));
  }
}
