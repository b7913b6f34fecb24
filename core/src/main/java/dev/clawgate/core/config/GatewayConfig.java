package dev.clawgate.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The effective gateway configuration: {@code clawgate.json} in the state dir, overridden by {@code
 * CLAWGATE_*} environment variables, overridden by command-line flags. Built and validated by the
 * config loader; immutable. {@link #toString()} never shows a secret.
 *
 * @param stateDir where {@code clawgate.json}, {@code state.db} and {@code identity/} live
 * @param port the one TCP port for WebSocket and HTTP ({@code gateway.port}, default 18789)
 * @param bind which interface to listen on ({@code gateway.bind})
 * @param customHost the host for {@link Bind#CUSTOM} ({@code gateway.customBindHost})
 * @param auth how clients authenticate ({@code gateway.auth})
 * @param remote what clients on this machine use to reach a gateway ({@code gateway.remote})
 * @param pairing device pairing policy ({@code gateway.pairing})
 * @param publicUrl the URL the gateway is reached at from outside, if any ({@code
 *     gateway.publicUrl})
 * @param trustedProxies proxy addresses whose forwarding headers are believed ({@code
 *     gateway.trustedProxies})
 * @param channels the messaging channel accounts ({@code channels.<type>.<accountId>})
 * @param allowedOrigins browser origins ({@code scheme://host[:port]}, lower case) besides loopback
 *     and the public URL's that may call the HTTP endpoints ({@code gateway.http.allowedOrigins})
 */
public record GatewayConfig(
    Path stateDir,
    int port,
    Bind bind,
    Optional<String> customHost,
    AuthConfig auth,
    RemoteConfig remote,
    PairingConfig pairing,
    Optional<String> publicUrl,
    List<String> trustedProxies,
    ChannelsConfig channels,
    List<String> allowedOrigins) {

  /** Default port, as in the reference gateway. */
  public static final int DEFAULT_PORT = 18789;

  /** Config file name inside the state dir. */
  public static final String FILE_NAME = "clawgate.json";

  public GatewayConfig {
    Objects.requireNonNull(stateDir, "null stateDir");
    Objects.requireNonNull(bind, "null bind");
    Objects.requireNonNull(customHost, "null customHost");
    Objects.requireNonNull(auth, "null auth");
    Objects.requireNonNull(remote, "null remote");
    Objects.requireNonNull(pairing, "null pairing");
    Objects.requireNonNull(publicUrl, "null publicUrl");
    trustedProxies = List.copyOf(trustedProxies);
    Objects.requireNonNull(channels, "null channels");
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** Where the gateway listens. */
  public enum Bind {
    /** 127.0.0.1 only (default). */
    LOOPBACK,
    /** All interfaces (0.0.0.0). Requires auth. */
    LAN,
    /** {@link GatewayConfig#customHost()}. Requires auth unless it is a loopback address. */
    CUSTOM
  }

  /** How the shared secret works. */
  public enum AuthMode {
    /** No shared secret; allowed on loopback binds only. */
    NONE,
    /** {@code gateway.auth.token}. */
    TOKEN,
    /** {@code gateway.auth.password}. */
    PASSWORD
  }

  /**
   * {@code gateway.auth}.
   *
   * @param mode the shared-secret mode
   * @param token the shared token (mode token)
   * @param password the shared password (mode password)
   * @param tokenSource where the token came from, for messages: {@code config}, {@code env
   *     CLAWGATE_GATEWAY_TOKEN}, {@code flag --token}, {@code generated}
   * @param rateLimit failed-auth limiting
   */
  public record AuthConfig(
      AuthMode mode,
      Optional<String> token,
      Optional<String> password,
      String tokenSource,
      RateLimit rateLimit) {
    public AuthConfig {
      Objects.requireNonNull(mode, "null mode");
      Objects.requireNonNull(token, "null token");
      Objects.requireNonNull(password, "null password");
      Objects.requireNonNull(tokenSource, "null tokenSource");
      Objects.requireNonNull(rateLimit, "null rateLimit");
    }

    @Override
    public String toString() {
      return "AuthConfig[mode="
          + mode
          + ", token="
          + (token.isPresent() ? "<set from " + tokenSource + ">" : "<unset>")
          + ", password="
          + (password.isPresent() ? "<set>" : "<unset>")
          + ", rateLimit="
          + rateLimit
          + "]";
    }
  }

  /**
   * {@code gateway.auth.rateLimit}: failed authentications per remote address.
   *
   * @param maxAttempts failures allowed within the window
   * @param window the sliding window
   * @param lockout how long an address is refused once over the limit
   * @param exemptLoopback whether loopback peers are never limited
   */
  public record RateLimit(
      int maxAttempts, Duration window, Duration lockout, boolean exemptLoopback) {
    /** The reference defaults: 10 failures a minute, 5 minutes lockout, loopback exempt. */
    public static RateLimit defaults() {
      return new RateLimit(10, Duration.ofMinutes(1), Duration.ofMinutes(5), true);
    }
  }

  /**
   * {@code gateway.remote}: how clients on this machine reach a gateway. Client-side only.
   *
   * @param url the gateway URL ({@code ws://...})
   * @param token the token to present
   * @param password the password to present
   */
  public record RemoteConfig(
      Optional<String> url, Optional<String> token, Optional<String> password) {
    public static RemoteConfig none() {
      return new RemoteConfig(Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
      return "RemoteConfig[url="
          + url.orElse("<unset>")
          + ", token="
          + (token.isPresent() ? "<set>" : "<unset>")
          + ", password="
          + (password.isPresent() ? "<set>" : "<unset>")
          + "]";
    }
  }

  /**
   * {@code gateway.pairing}.
   *
   * @param autoApproveLocal approve pairing silently for local connections that proved the shared
   *     secret (default true)
   * @param pendingTtl how long a pending request lives after its last refresh (default 5 min)
   * @param maxPending most pending requests in total (default 256)
   * @param maxPendingPerAddress most pending requests from one remote address (default 16)
   * @param resolvedRetention how long resolved requests are kept (default 24 h)
   */
  public record PairingConfig(
      boolean autoApproveLocal,
      Duration pendingTtl,
      int maxPending,
      int maxPendingPerAddress,
      Duration resolvedRetention) {
    public static PairingConfig defaults() {
      return new PairingConfig(true, Duration.ofMinutes(5), 256, 16, Duration.ofHours(24));
    }
  }

  /** The host to bind: 127.0.0.1, 0.0.0.0 or the custom host. */
  public String bindHost() {
    return switch (bind) {
      case LOOPBACK -> "127.0.0.1";
      case LAN -> "0.0.0.0";
      case CUSTOM -> customHost.orElse("127.0.0.1");
    };
  }

  /** The state database file. */
  public Path databaseFile() {
    return stateDir.resolve("state.db");
  }
}
