package dev.clawgate.cli;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.client.SharedCredential;
import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.runtime.GatewayRuntime;
import dev.clawgate.gateway.GatewayApp;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The gateway an owner command talks to, the shared secret it presents, and where each came from
 * (errors name the source: "the token from env CLAWGATE_GATEWAY_TOKEN was refused").
 *
 * <p>The URL: {@code --url}, else {@code $CLAWGATE_GATEWAY_URL}, else {@code gateway.remote.url},
 * else the local gateway: where it says it listens ({@code <state dir>/gateway.runtime.json}) while
 * it runs, else {@code ws://127.0.0.1:<gateway.port>}. The secret: {@code --token[-file]} or {@code
 * --password[-file]}, else, for a remote URL, {@code gateway.remote.token/password}, and for the
 * local gateway its own shared secret (flag, env or {@code gateway.auth.*}, as the gateway itself
 * resolves it). Owner commands never present a device identity (pairing.md, connect decision 2):
 * the shared secret is the owner's proof.
 *
 * @param local whether this is the gateway of this state dir (no URL was given anywhere): only then
 *     may a command fall back to the state dir when the gateway does not answer
 * @param config the loaded configuration (validated: a broken file is a usage error)
 */
record GatewayTarget(
    GatewayUrl url,
    String urlSource,
    boolean local,
    Optional<SharedCredential> credential,
    String credentialSource,
    GatewayConfig config) {
  /**
   * The display name the CLI connects with: what a gateway shows as {@code resolvedBy} of an
   * approval the owner answered, and as the name of the CLI's device.
   */
  static final String CLIENT_NAME = "clawgate CLI";

  static GatewayTarget resolve(ConnectionOptions options, Map<String, String> env) {
    Optional<String> flagToken =
        GatewayRunCommand.secret(options.token, options.tokenFile, "--token-file");
    Optional<String> flagPassword =
        GatewayRunCommand.secret(options.password, options.passwordFile, "--password-file");
    if (flagToken.isPresent() && flagPassword.isPresent()) {
      throw usage("give either a token or a password, not both");
    }
    GatewayConfig config =
        ConfigLoader.load(
                ConfigLoader.Overrides.stateDir(Optional.ofNullable(options.stateDir)), env)
            .config();

    Optional<String> envUrl =
        Optional.ofNullable(env.get("CLAWGATE_GATEWAY_URL")).filter(v -> !v.isBlank());
    GatewayUrl url;
    String urlSource;
    boolean local = false;
    if (options.url != null) {
      url = GatewayUrl.parse(options.url);
      urlSource = "flag --url";
    } else if (envUrl.isPresent()) {
      url = GatewayUrl.parse(envUrl.get());
      urlSource = "env CLAWGATE_GATEWAY_URL";
    } else if (config.remote().url().isPresent()) {
      url = GatewayUrl.parse(config.remote().url().get());
      urlSource = "config gateway.remote.url";
    } else {
      Optional<GatewayRuntime> running =
          GatewayRuntime.read(config.stateDir()).filter(GatewayRuntime::alive);
      if (running.isPresent()) {
        url = GatewayUrl.parse(running.get().url());
        urlSource = runtimeSource(running.get(), config);
      } else {
        url = GatewayUrl.parse("ws://127.0.0.1:" + config.port());
        urlSource = "the local gateway (gateway.port " + config.port() + ")";
      }
      local = true;
    }

    if (flagToken.isPresent()) {
      return new GatewayTarget(
          url,
          urlSource,
          local,
          Optional.of(token(flagToken.get())),
          fileOrFlag(options, true),
          config);
    }
    if (flagPassword.isPresent()) {
      return new GatewayTarget(
          url,
          urlSource,
          local,
          Optional.of(password(flagPassword.get())),
          fileOrFlag(options, false),
          config);
    }
    if (!local) {
      if (config.remote().token().isPresent()) {
        return new GatewayTarget(
            url,
            urlSource,
            local,
            Optional.of(token(config.remote().token().get())),
            "config gateway.remote.token",
            config);
      }
      if (config.remote().password().isPresent()) {
        return new GatewayTarget(
            url,
            urlSource,
            local,
            Optional.of(password(config.remote().password().get())),
            "config gateway.remote.password",
            config);
      }
    }
    GatewayConfig.AuthConfig auth = config.auth();
    return switch (auth.mode()) {
      case TOKEN ->
          new GatewayTarget(
              url,
              urlSource,
              local,
              auth.token().map(GatewayTarget::token),
              auth.tokenSource(),
              config);
      case PASSWORD ->
          new GatewayTarget(
              url,
              urlSource,
              local,
              auth.password().map(GatewayTarget::password),
              nonBlank(env.get("CLAWGATE_GATEWAY_PASSWORD"))
                  ? "env CLAWGATE_GATEWAY_PASSWORD"
                  : "config gateway.auth.password",
              config);
      case NONE -> new GatewayTarget(url, urlSource, local, Optional.empty(), "none", config);
    };
  }

  /**
   * Options for an owner connection to this target: the shared secret, no device identity, the
   * given operator scopes, and {@code timeout} for both the handshake and each request.
   */
  ClientOptions ownerOptions(Duration timeout, String... scopes) {
    ClientOptions.Builder options =
        ClientOptions.builder()
            .url(url)
            .client(clientInfo(CLIENT_NAME, GatewayApp.version()))
            .scopes(scopes)
            .connectTimeout(timeout)
            .requestTimeout(timeout);
    credential.ifPresent(options::credential);
    if (!ConfigLoader.isLoopback(url.host())) {
      // A gateway grants a device-less connection scopes only from its own machine (pairing.md,
      // connect decision 2). From anywhere else the owner's CLI is a device like any other: it is
      // paired once (approved on the gateway's machine) and then connects with its device token.
      options.deviceState(config.stateDir());
    }
    return options.build();
  }

  /**
   * Options for a long-lived client of this target that is a device of its own ({@code mcp serve}):
   * the shared secret when there is one, and always the state dir's device identity and device
   * token, so that the gateway knows it as one device across runs (pairing.md). On the gateway's
   * own machine the shared secret pairs it silently, once.
   */
  ClientOptions deviceOptions(
      String displayName, String version, Duration requestTimeout, String... scopes) {
    ClientOptions.Builder options =
        ClientOptions.builder()
            .url(url)
            .client(clientInfo(displayName, version))
            .scopes(scopes)
            .requestTimeout(requestTimeout)
            .deviceState(config.stateDir());
    credential.ifPresent(options::credential);
    return options.build();
  }

  /** This machine's client description under {@code displayName}. */
  private static ClientInfo clientInfo(String displayName, String version) {
    ClientInfo defaults = ClientOptions.defaultClient(version);
    return new ClientInfo(
        defaults.id(),
        Optional.of(displayName),
        defaults.version(),
        defaults.platform(),
        defaults.deviceFamily(),
        defaults.modelIdentifier(),
        defaults.mode(),
        defaults.instanceId());
  }

  /** The same target, at the address a running local gateway announced. */
  GatewayTarget at(GatewayRuntime running) {
    return new GatewayTarget(
        GatewayUrl.parse(running.url()),
        runtimeSource(running, config),
        local,
        credential,
        credentialSource,
        config);
  }

  private static String runtimeSource(GatewayRuntime running, GatewayConfig config) {
    return "the local gateway (pid "
        + running.pid()
        + ", "
        + config.stateDir().resolve(GatewayRuntime.FILE_NAME)
        + ")";
  }

  /** "the token from env CLAWGATE_GATEWAY_TOKEN" style words for messages. */
  String describeCredential() {
    return credential
        .map(c ->
            (c instanceof SharedCredential.Token ? "the token from " : "the password from ")
                + credentialSource)
        .orElse("no shared secret");
  }

  private static String fileOrFlag(ConnectionOptions options, boolean token) {
    if (token) {
      return options.token != null ? "flag --token" : "file " + options.tokenFile;
    }
    return options.password != null ? "flag --password" : "file " + options.passwordFile;
  }

  private static SharedCredential token(String value) {
    return new SharedCredential.Token(value);
  }

  private static SharedCredential password(String value) {
    return new SharedCredential.Password(value);
  }

  private static boolean nonBlank(@Nullable String value) {
    return value != null && !value.isBlank();
  }

  private static ClawgateException usage(String message) {
    return ClawgateException.of(ErrorCode.INVALID_REQUEST, DetailCode.INVALID_CONFIG, message)
        .build();
  }
}
