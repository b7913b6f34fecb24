package dev.clawgate.core.config;

import dev.clawgate.core.config.GatewayConfig.AuthConfig;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.config.GatewayConfig.Bind;
import dev.clawgate.core.config.GatewayConfig.PairingConfig;
import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.core.config.GatewayConfig.RemoteConfig;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Builds the effective {@link GatewayConfig}: {@code clawgate.json} in the state dir (JSON5-style
 * comments, trailing commas and unquoted keys accepted), then {@code CLAWGATE_*} environment
 * variables, then command-line flags, each overriding the one before. Unknown keys and bad values
 * are errors that name the file and the key; nothing is guessed.
 */
public final class ConfigLoader {
  private static final Set<String> ROOT_KEYS = Set.of("gateway", "channels", "$schema");
  private static final Set<String> GATEWAY_KEYS =
      Set.of(
          "port",
          "bind",
          "customBindHost",
          "auth",
          "remote",
          "pairing",
          "publicUrl",
          "trustedProxies",
          "http",
          "mode");
  private static final Set<String> HTTP_KEYS = Set.of("allowedOrigins");

  private static final Set<String> AUTH_KEYS = Set.of("mode", "token", "password", "rateLimit");
  private static final Set<String> RATE_KEYS =
      Set.of("maxAttempts", "windowMs", "lockoutMs", "exemptLoopback");
  private static final Set<String> REMOTE_KEYS = Set.of("url", "token", "password");
  private static final Set<String> PAIRING_KEYS =
      Set.of(
          "autoApproveLocal",
          "pendingTtlMs",
          "maxPending",
          "maxPendingPerAddress",
          "resolvedRetentionMs");

  /** {@code scheme://host[:port]}, lower case; group 1 is the port. */
  private static final Pattern ORIGIN =
      Pattern.compile(
          "https?://(?:"
              + "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
              + "|\\[[0-9a-f:.]+\\])"
              + "(?::([0-9]{1,5}))?");

  private ConfigLoader() {}

  /**
   * Command-line overrides; each wins over the file and the environment.
   *
   * @param stateDir {@code --state-dir}
   * @param port {@code --port}
   * @param bind {@code --bind}
   * @param customHost {@code --host} (with bind custom)
   * @param authMode {@code --auth}
   * @param token {@code --token} / {@code --token-file}
   * @param password {@code --password} / {@code --password-file}
   */
  public record Overrides(
      Optional<Path> stateDir,
      Optional<Integer> port,
      Optional<Bind> bind,
      Optional<String> customHost,
      Optional<AuthMode> authMode,
      Optional<String> token,
      Optional<String> password) {
    /** Only a state dir (from {@code --state-dir}, when given). */
    public static Overrides stateDir(Optional<Path> stateDir) {
      return new Overrides(
          stateDir,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }

    public static Overrides none() {
      return new Overrides(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }

    @Override
    public String toString() {
      return "Overrides[stateDir=" + stateDir + ", port=" + port + ", bind=" + bind + "]";
    }
  }

  /**
   * The loaded configuration.
   *
   * @param config the effective configuration
   * @param generatedToken a token generated (and saved) by this load, to be shown once
   */
  public record Loaded(GatewayConfig config, Optional<String> generatedToken) {
    @Override
    public String toString() {
      return "Loaded[" + config + (generatedToken.isPresent() ? ", generated token" : "") + "]";
    }
  }

  /** {@code --state-dir}, else {@code CLAWGATE_STATE_DIR}, else {@code ~/.clawgate}. */
  public static Path stateDir(Optional<Path> flag, Map<String, String> env) {
    if (flag.isPresent()) {
      return flag.get().toAbsolutePath().normalize();
    }
    String fromEnv = env.get("CLAWGATE_STATE_DIR");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv).toAbsolutePath().normalize();
    }
    return Path.of(System.getProperty("user.home"), ".clawgate");
  }

  /**
   * Loads the configuration without changing anything on disk, as a client or owner command needs
   * it: channel secrets kept in environment variables or files are not read ({@link
   * ChannelsConfig.Secret#resolved()} is false for them).
   */
  public static Loaded load(Overrides flags, Map<String, String> env) {
    return load(flags, env, false);
  }

  private static Loaded load(Overrides flags, Map<String, String> env, boolean readSecrets) {
    Path stateDir = stateDir(flags.stateDir(), env);
    Path file = stateDir.resolve(GatewayConfig.FILE_NAME);
    JsonNode root = ConfigFile.read(file);
    try {
      return new Loaded(build(stateDir, root, flags, env, readSecrets), Optional.empty());
    } catch (ClawgateException e) {
      if (e.detail() == DetailCode.INVALID_CONFIG) {
        throw e;
      }
      throw invalid(file, e.getMessage());
    }
  }

  /**
   * Loads the configuration for running a gateway: when token auth has no token anywhere, one is
   * generated, saved to {@code clawgate.json} (mode 0600) and returned to be printed once.
   */
  public static Loaded loadForGateway(Overrides flags, Map<String, String> env) {
    Loaded loaded = load(flags, env, true);
    GatewayConfig config = loaded.config();
    if (config.auth().mode() != AuthMode.TOKEN || config.auth().token().isPresent()) {
      return loaded;
    }
    String token = dev.clawgate.core.pairing.Secrets.newToken();
    Path file = config.stateDir().resolve(GatewayConfig.FILE_NAME);
    ConfigFile.setGatewayToken(file, token);
    AuthConfig auth =
        new AuthConfig(
            AuthMode.TOKEN,
            Optional.of(token),
            Optional.empty(),
            "generated (saved to " + file + ")",
            config.auth().rateLimit());
    return new Loaded(
        new GatewayConfig(
            config.stateDir(),
            config.port(),
            config.bind(),
            config.customHost(),
            auth,
            config.remote(),
            config.pairing(),
            config.publicUrl(),
            config.trustedProxies(),
            config.channels(),
            config.allowedOrigins()),
        Optional.of(token));
  }

  /**
   * Generates a new shared token and saves it as {@code gateway.auth.token} (with {@code mode:
   * "token"}) in {@code clawgate.json} of {@code stateDir}, keeping every other key (comments are
   * not kept); the file is replaced atomically and has mode 0600. A gateway already running keeps
   * the token it started with. For {@code clawgate gateway token --generate}.
   *
   * @return the new token, to be shown to the owner once
   * @throws ClawgateException {@code INVALID_CONFIG} when the file cannot be read or written
   */
  public static String generateGatewayToken(Path stateDir) {
    String token = dev.clawgate.core.pairing.Secrets.newToken();
    ConfigFile.setGatewayToken(stateDir.resolve(GatewayConfig.FILE_NAME), token);
    return token;
  }

  private static GatewayConfig build(
      Path stateDir, JsonNode root, Overrides flags, Map<String, String> env, boolean readSecrets) {
    Fields top = Fields.object(root, "").allowOnly(ROOT_KEYS);
    Fields gateway =
        top.optObject("gateway")
            .orElseGet(() -> Fields.object(Json.mapper().createObjectNode(), "gateway"))
            .allowOnly(GATEWAY_KEYS);
    Fields authNode = optionalObject(gateway, "auth").allowOnly(AUTH_KEYS);
    Fields remoteNode = optionalObject(gateway, "remote").allowOnly(REMOTE_KEYS);
    Fields pairingNode = optionalObject(gateway, "pairing").allowOnly(PAIRING_KEYS);
    Fields httpNode = optionalObject(gateway, "http").allowOnly(HTTP_KEYS);

    // File values are validated even when the environment or a flag overrides them: a broken
    // clawgate.json is reported now, not on the first run without the override.
    int filePort = intValue(gateway, "port", 0, 65535, GatewayConfig.DEFAULT_PORT);
    int port = flags.port().or(() -> envInt(env, "CLAWGATE_GATEWAY_PORT")).orElse(filePort);
    if (port < 0 || port > 65535) {
      // Only a flag or the environment can get here (the file's value was checked above): name
      // that, not the file.
      throw ClawgateException.of(
              ErrorCode.INVALID_REQUEST,
              DetailCode.INVALID_CONFIG,
              (flags.port().isPresent() ? "--port" : "CLAWGATE_GATEWAY_PORT")
                  + ": must be between 0 and 65535 (got "
                  + port
                  + ")")
          .build();
    }
    Bind bind =
        flags
            .bind()
            .orElseGet(() ->
                gateway.optString("bind", 16).map(ConfigLoader::parseBind).orElse(Bind.LOOPBACK));
    Optional<String> customHost =
        flags.customHost().or(() -> gateway.optString("customBindHost", 255));
    if (bind == Bind.CUSTOM && customHost.isEmpty()) {
      throw ClawgateException.invalidParams(
          "gateway.customBindHost", "required when gateway.bind is \"custom\"");
    }

    Optional<String> token =
        flags
            .token()
            .or(() -> env(env, "CLAWGATE_GATEWAY_TOKEN"))
            .or(() -> authNode.optString("token", 1024));
    String tokenSource =
        flags.token().isPresent()
            ? "flag --token"
            : env(env, "CLAWGATE_GATEWAY_TOKEN").isPresent()
                ? "env CLAWGATE_GATEWAY_TOKEN"
                : "config gateway.auth.token";
    Optional<String> password =
        flags
            .password()
            .or(() -> env(env, "CLAWGATE_GATEWAY_PASSWORD"))
            .or(() -> authNode.optString("password", 1024));
    Optional<AuthMode> explicitMode =
        flags.authMode().or(() -> authNode.optString("mode", 16).map(ConfigLoader::parseMode));
    if (explicitMode.isEmpty() && token.isPresent() && password.isPresent()) {
      throw ClawgateException.invalidParams(
          "gateway.auth.mode",
          "both a token and a password are configured; set gateway.auth.mode to \"token\" or"
              + " \"password\"");
    }
    AuthMode mode = explicitMode.orElse(password.isPresent() ? AuthMode.PASSWORD : AuthMode.TOKEN);
    if (mode == AuthMode.PASSWORD && password.isEmpty()) {
      throw ClawgateException.invalidParams(
          "gateway.auth.password",
          "required with gateway.auth.mode \"password\" (or set CLAWGATE_GATEWAY_PASSWORD)");
    }
    RateLimit defaults = RateLimit.defaults();
    Fields rate = optionalObject(authNode, "rateLimit").allowOnly(RATE_KEYS);
    RateLimit rateLimit =
        new RateLimit(
            intValue(rate, "maxAttempts", 1, 1_000_000, defaults.maxAttempts()),
            millis(rate, "windowMs", defaults.window()),
            millis(rate, "lockoutMs", defaults.lockout()),
            rate.optBoolean("exemptLoopback").orElse(defaults.exemptLoopback()));
    AuthConfig auth = new AuthConfig(mode, token, password, tokenSource, rateLimit);

    PairingConfig pd = PairingConfig.defaults();
    PairingConfig pairing =
        new PairingConfig(
            pairingNode.optBoolean("autoApproveLocal").orElse(pd.autoApproveLocal()),
            millis(pairingNode, "pendingTtlMs", pd.pendingTtl()),
            intValue(pairingNode, "maxPending", 1, 100_000, pd.maxPending()),
            intValue(pairingNode, "maxPendingPerAddress", 1, 100_000, pd.maxPendingPerAddress()),
            millis(pairingNode, "resolvedRetentionMs", pd.resolvedRetention()));
    if (pairing.resolvedRetention().compareTo(Duration.ofHours(24)) < 0) {
      throw ClawgateException.invalidParams(
          "gateway.pairing.resolvedRetentionMs", "must be at least 24 hours (86400000)");
    }

    RemoteConfig remote =
        new RemoteConfig(
            remoteNode.optString("url", 2048),
            remoteNode.optString("token", 1024),
            remoteNode.optString("password", 1024));
    GatewayConfig config =
        new GatewayConfig(
            stateDir,
            port,
            bind,
            customHost,
            auth,
            remote,
            pairing,
            gateway.optString("publicUrl", 2048),
            gateway.stringList("trustedProxies", 64, 255),
            ChannelsConfigParser.parse(top.optObject("channels"), stateDir, env, readSecrets),
            allowedOrigins(httpNode));
    if (mode == AuthMode.NONE && !isLoopback(config.bindHost())) {
      throw ClawgateException.invalidParams(
          "gateway.auth.mode",
          "\"none\" is only allowed on a loopback bind; this gateway would listen on "
              + config.bindHost()
              + ". Set gateway.auth.mode to \"token\" (a token is generated on first run) or bind"
              + " to loopback");
    }
    return config;
  }

  /**
   * {@code gateway.http.allowedOrigins}: each an origin as browsers send it in {@code Origin}: an
   * {@code http} or {@code https} scheme, a host (DNS name, IPv4, or bracketed IPv6) and an
   * optional port, nothing else (no path, no trailing slash, no user info, no wildcard).
   * Lower-cased; duplicates dropped.
   */
  private static List<String> allowedOrigins(Fields http) {
    List<String> origins = http.stringList("allowedOrigins", 64, 255);
    List<String> normalized = new ArrayList<>(origins.size());
    for (int i = 0; i < origins.size(); i++) {
      String field = http.path("allowedOrigins") + "[" + i + "]";
      String origin = origins.get(i).toLowerCase(Locale.ROOT);
      Matcher matcher = ORIGIN.matcher(origin);
      if (!matcher.matches()) {
        throw ClawgateException.invalidParams(
            field,
            "must be an origin: http:// or https://, a host and an optional port, nothing after it"
                + " (got \""
                + printable(origins.get(i))
                + "\")");
      }
      String port = matcher.group(1);
      if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
        throw ClawgateException.invalidParams(field, "port must be between 1 and 65535");
      }
      if (!normalized.contains(origin)) {
        normalized.add(origin);
      }
    }
    return List.copyOf(normalized);
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && i < 80; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '"' ? c : '?');
    }
    return out.toString();
  }

  private static Fields optionalObject(Fields parent, String name) {
    return parent
        .optObject(name)
        .orElseGet(() -> Fields.object(Json.mapper().createObjectNode(), parent.path(name)));
  }

  private static int intValue(Fields fields, String name, int min, int max, int fallback) {
    return fields.optInteger(name, min, max).map(Long::intValue).orElse(fallback);
  }

  private static Duration millis(Fields fields, String name, Duration fallback) {
    return fields
        .optInteger(name, 1, 366L * 24 * 3600 * 1000)
        .map(Duration::ofMillis)
        .orElse(fallback);
  }

  private static Optional<String> env(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static Optional<Integer> envInt(Map<String, String> env, String name) {
    return env(env, name)
        .map(v -> {
          try {
            return Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw ClawgateException.of(
                    ErrorCode.INVALID_REQUEST,
                    DetailCode.INVALID_CONFIG,
                    name + ": must be a port number (got \"" + v + "\")")
                .build();
          }
        });
  }

  /** Parses a {@code gateway.bind} / {@code --bind} value. */
  public static Bind parseBind(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "loopback", "localhost" -> Bind.LOOPBACK;
      case "lan" -> Bind.LAN;
      case "custom" -> Bind.CUSTOM;
      default ->
          throw ClawgateException.invalidParams(
              "gateway.bind",
              "must be \"loopback\", \"lan\" or \"custom\" (got \"" + value + "\")");
    };
  }

  /** Parses a {@code gateway.auth.mode} / {@code --auth} value. */
  public static AuthMode parseMode(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> AuthMode.NONE;
      case "token" -> AuthMode.TOKEN;
      case "password" -> AuthMode.PASSWORD;
      default ->
          throw ClawgateException.invalidParams(
              "gateway.auth.mode",
              "must be \"token\", \"password\" or \"none\" (got \"" + value + "\")");
    };
  }

  /**
   * Whether {@code host} names only loopback addresses (no DNS lookups for names): {@code
   * localhost}, a 127.x address, {@code ::1}; an IPv6 literal may be in brackets, as in URLs and
   * {@code Host} headers.
   */
  public static boolean isLoopback(String host) {
    if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
        return false;
      }
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static ClawgateException invalid(Path file, String message) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST, DetailCode.INVALID_CONFIG, file + ": " + message)
        .build();
  }

  /** Reading and the one write (a generated token) of {@code clawgate.json}. */
  static final class ConfigFile {
    private ConfigFile() {}

    static JsonNode read(Path file) {
      if (!Files.exists(file)) {
        return Json.mapper().createObjectNode();
      }
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isBlank()) {
          return Json.mapper().createObjectNode();
        }
        JsonNode node = Json.lenientMapper().readTree(text);
        if (node == null || !node.isObject()) {
          throw invalid(file, "must contain a JSON object");
        }
        return node;
      } catch (JacksonException e) {
        throw invalid(file, "not valid JSON: " + withoutQuotedText(e));
      } catch (IOException e) {
        throw invalid(file, "cannot read: " + e.getMessage());
      }
    }

    /**
     * The parser's complaint and where, without the text it quotes: an unquoted secret in the file
     * ("Unrecognized token 'abc123…'") must not end up in a terminal or a log.
     */
    private static String withoutQuotedText(JacksonException e) {
      String first = e.getOriginalMessage().lines().findFirst().orElse("");
      String cleaned = first.replaceAll("'[^']{2,}'", "'…'");
      var location = e.getLocation();
      return location == null || location.getLineNr() < 1
          ? cleaned
          : cleaned + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** Writes {@code gateway.auth.token} (and mode token), keeping every other key. */
    static void setGatewayToken(Path file, String token) {
      JsonNode root = read(file);
      var object = (tools.jackson.databind.node.ObjectNode) root;
      // "gateway": null and "auth": null are valid (absent) and are replaced by objects.
      var gateway =
          object.get("gateway") instanceof tools.jackson.databind.node.ObjectNode existing
              ? existing
              : object.putObject("gateway");
      var auth =
          gateway.get("auth") instanceof tools.jackson.databind.node.ObjectNode existing
              ? existing
              : gateway.putObject("auth");
      auth.put("mode", "token");
      auth.put("token", token);
      try {
        Path dir = file.getParent();
        if (dir != null) {
          Files.createDirectories(dir);
          restrict(dir, "rwx------");
        }
        Path temp = Files.createTempFile(dir, ".clawgate", ".json");
        restrict(temp, "rw-------");
        Files.writeString(
            temp,
            Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
            StandardCharsets.UTF_8);
        Files.move(
            temp,
            file,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw invalid(file, "cannot save the generated token: " + e.getMessage());
      }
    }

    private static void restrict(Path path, String permissions) throws IOException {
      try {
        Files.setPosixFilePermissions(
            path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
      } catch (UnsupportedOperationException e) {
        // Not POSIX: nothing to tighten.
      }
    }
  }

  /** The keys this loader understands, for documentation and `doctor`. */
  public static List<String> knownGatewayKeys() {
    return GATEWAY_KEYS.stream().sorted().toList();
  }
}
