package dev.clawgate.benchmarks.load;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The command line of {@code clawgate-load mcp-http}: load on the gateway's own MCP endpoint.
 *
 * @param url the endpoint, {@code http://127.0.0.1:<port>/mcp}
 * @param mode {@code calls} (tools/call conversations_list back to back per session) or {@code
 *     streams} (hold one GET SSE stream per session)
 * @param sessions MCP sessions (calls: one connection each; streams: one stream each)
 * @param concurrency streams: sessions being opened at once
 * @param warmup calls: run this long before measuring
 * @param duration calls: measure this long
 * @param hold streams: keep the streams open this long once all are open
 * @param readyFile streams: written (JSON) once all streams are open
 * @param gatewayPid the gateway's process id, for its CPU time and resident memory
 * @param bearer the token every request carries ({@code --bearer-file}), if the gateway needs one
 */
record McpHttpOptions(
    URI url,
    String mode,
    int sessions,
    int concurrency,
    Duration warmup,
    Duration duration,
    Duration hold,
    Optional<Path> readyFile,
    OptionalLong gatewayPid,
    Optional<String> bearer) {

  static final String COMMAND = "mcp-http";

  static final String USAGE =
      """
      Usage: clawgate-load mcp-http [options]

      Load on the gateway's MCP endpoint (/mcp, MCP Streamable HTTP).
        --url http://127.0.0.1:18789/mcp   the endpoint (loopback)
        --mode calls|streams          calls: each session is one kept-alive connection doing
                                      tools/call conversations_list back to back (one in flight);
                                      streams: open N sessions, each with its GET SSE stream
                                      on its own socket, hold them, then delete the sessions
        --sessions N                  MCP sessions (calls 16, streams 1000)
        --concurrency C               streams: sessions opened at once (default 16)
        --warmup S                    calls: seconds before measuring (default 5)
        --duration S                  calls: seconds measured (default 10)
        --hold S                      streams: seconds to hold once all are open (default 30)
        --ready-file F                streams: written once all streams are open
        --gateway-pid P               report the gateway's CPU time and VmRSS
        --bearer-file F               send Authorization: Bearer <the file's content>
                                      (a token from clawgate tokens create)

      Output: one line of JSON (starting with '{'), then a human summary.
      """;

  private static final Set<String> NAMES =
      Set.of(
          "url",
          "mode",
          "sessions",
          "concurrency",
          "warmup",
          "duration",
          "hold",
          "ready-file",
          "gateway-pid",
          "bearer-file");

  private static String readBearer(String file) {
    try {
      String token = java.nio.file.Files.readString(Path.of(file)).strip();
      if (token.isEmpty() || token.contains("\n") || token.contains("\r")) {
        throw new IllegalArgumentException("--bearer-file must hold one token: " + file);
      }
      return token;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "cannot read --bearer-file " + file + ": " + e.getMessage());
    }
  }

  /** Parses {@code args} (the command first); throws {@link IllegalArgumentException}. */
  static McpHttpOptions parse(String... args) {
    if (args.length == 0 || !args[0].equals(COMMAND)) {
      throw new IllegalArgumentException("expected the command " + COMMAND);
    }
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
    String mode = values.getOrDefault("mode", "calls");
    if (!mode.equals("calls") && !mode.equals("streams")) {
      throw new IllegalArgumentException("--mode must be calls or streams: " + mode);
    }
    boolean streams = mode.equals("streams");
    return new McpHttpOptions(
        url(values.getOrDefault("url", "http://127.0.0.1:18789/mcp")),
        mode,
        (int) positive(values, "sessions", streams ? 1_000 : 16, 100_000),
        (int) positive(values, "concurrency", 16, 1_000),
        seconds(values, "warmup", 5, true),
        seconds(values, "duration", 10, false),
        seconds(values, "hold", 30, true),
        Optional.ofNullable(values.get("ready-file")).map(Path::of),
        values.containsKey("gateway-pid")
            ? OptionalLong.of(positive(values, "gateway-pid", 1, Long.MAX_VALUE))
            : OptionalLong.empty(),
        Optional.ofNullable(values.get("bearer-file")).map(McpHttpOptions::readBearer));
  }

  private static URI url(String text) {
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url is not a URI: " + text, e);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
      throw new IllegalArgumentException("--url must be http://host:port/path, got " + text);
    }
    return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? uri.resolve("/mcp") : uri;
  }

  /** The request target: the URL's path and query. */
  String path() {
    String query = url.getRawQuery();
    return url.getRawPath() + (query == null ? "" : "?" + query);
  }

  private static long positive(Map<String, String> values, String name, long fallback, long max) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text);
      if (value < 1 || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " must be an integer from 1 to " + max + ": " + text, e);
    }
  }

  private static Duration seconds(
      Map<String, String> values, String name, double fallback, boolean zeroAllowed) {
    String text = values.get(name);
    double value;
    try {
      value = text == null ? fallback : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number: " + text, e);
    }
    if (!(value >= 0 && value <= 86_400) || (!zeroAllowed && value == 0)) {
      throw new IllegalArgumentException("--" + name + " out of range: " + text);
    }
    return Duration.ofNanos((long) (value * 1e9));
  }
}
