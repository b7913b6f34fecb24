package dev.clawgate.client;

import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link GatewayClient} connects. Build with {@link #builder()}.
 *
 * <p>Authentication follows the reference client: a configured shared credential is always sent;
 * without one, a device token stored for the role is sent as {@code auth.deviceToken}. With an
 * identity the connect is signed (v3 payload over the challenge nonce). The owner CLI connects with
 * the shared secret and no identity, which is how it approves devices without pairing itself.
 *
 * @param url the gateway URL
 * @param credential the shared token or password, if configured
 * @param identity the device identity to sign with, if any
 * @param deviceAuthStore where device tokens are read from and stored to, if anywhere
 * @param role the requested role
 * @param scopes the requested scopes, in the order sent and signed
 * @param client what software connects
 * @param caps capability claims
 * @param connectTimeout bound from opening the socket to {@code hello-ok}
 * @param requestTimeout default bound of one request
 */
public record ClientOptions(
    GatewayUrl url,
    Optional<SharedCredential> credential,
    Optional<DeviceIdentity> identity,
    Optional<DeviceAuthStore> deviceAuthStore,
    Role role,
    List<String> scopes,
    ClientInfo client,
    List<String> caps,
    Duration connectTimeout,
    Duration requestTimeout) {

  public ClientOptions {
    Objects.requireNonNull(url, "null url");
    Objects.requireNonNull(credential, "null credential");
    Objects.requireNonNull(identity, "null identity");
    Objects.requireNonNull(deviceAuthStore, "null deviceAuthStore");
    Objects.requireNonNull(role, "null role");
    scopes = List.copyOf(scopes);
    ScopeSet.parse(scopes, "scopes");
    Objects.requireNonNull(client, "null client");
    caps = List.copyOf(caps);
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
  }

  /** A builder with the defaults: local gateway, operator, no scopes, 10 s / 30 s timeouts. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The default client description: id and mode {@code cli}, the platform as Node.js names it
   * ({@code linux}, {@code darwin}, {@code win32}) so the v3 signature matches the reference CLI on
   * the same machine, and the device family ({@code Linux}, {@code Mac}, {@code Windows}).
   */
  public static ClientInfo defaultClient(String version) {
    String os = System.getProperty("os.name", "unknown");
    String lower = os.toLowerCase(Locale.ROOT);
    String platform;
    String family;
    if (lower.startsWith("mac") || lower.startsWith("darwin")) {
      platform = "darwin";
      family = "Mac";
    } else if (lower.startsWith("windows")) {
      platform = "win32";
      family = "Windows";
    } else {
      platform = lower.replace(' ', '-');
      family = lower.startsWith("linux") ? "Linux" : os;
    }
    return new ClientInfo(
        "cli",
        Optional.empty(),
        version,
        platform,
        Optional.of(family),
        Optional.empty(),
        "cli",
        Optional.empty());
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, "null " + name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  @Override
  public String toString() {
    return "ClientOptions[url="
        + url
        + ", credential="
        + credential.map(SharedCredential::toString).orElse("<none>")
        + ", identity="
        + identity.map(DeviceIdentity::deviceId).orElse("<none>")
        + ", role="
        + role
        + ", scopes="
        + scopes
        + ", client="
        + client.id()
        + "/"
        + client.mode()
        + "]";
  }

  /** Builds {@link ClientOptions}; every setter replaces the previous value. */
  public static final class Builder {
    private GatewayUrl url = GatewayUrl.local();
    private @Nullable SharedCredential credential;
    private @Nullable DeviceIdentity identity;
    private @Nullable DeviceAuthStore deviceAuthStore;
    private Role role = Role.OPERATOR;
    private List<String> scopes = List.of();
    private @Nullable ClientInfo client;
    private List<String> caps = List.of();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);

    private Builder() {}

    public Builder url(GatewayUrl value) {
      this.url = Objects.requireNonNull(value, "null url");
      return this;
    }

    /** Parses and sets the URL ({@link GatewayUrl#parse}). */
    public Builder url(String value) {
      return url(GatewayUrl.parse(value));
    }

    /** The shared token ({@code gateway.remote.token}); replaces a password. */
    public Builder token(String value) {
      return credential(SharedCredential.token(value));
    }

    /** The shared password ({@code gateway.remote.password}); replaces a token. */
    public Builder password(String value) {
      return credential(SharedCredential.password(value));
    }

    public Builder credential(SharedCredential value) {
      this.credential = Objects.requireNonNull(value, "null credential");
      return this;
    }

    public Builder identity(DeviceIdentity value) {
      this.identity = Objects.requireNonNull(value, "null identity");
      return this;
    }

    public Builder deviceAuthStore(DeviceAuthStore value) {
      this.deviceAuthStore = Objects.requireNonNull(value, "null deviceAuthStore");
      return this;
    }

    /**
     * Connects as this machine's device: loads (or creates) the identity of {@code stateDir} now
     * and keeps device tokens beside it.
     */
    public Builder deviceState(Path stateDir) {
      identity(IdentityStore.at(stateDir).loadOrCreate());
      return deviceAuthStore(DeviceAuthStore.at(stateDir));
    }

    public Builder role(Role value) {
      this.role = Objects.requireNonNull(value, "null role");
      return this;
    }

    /** The requested scopes; the order is kept (it is the signed order). */
    public Builder scopes(List<String> values) {
      this.scopes = List.copyOf(values);
      return this;
    }

    public Builder scopes(String... values) {
      return scopes(List.of(values));
    }

    public Builder client(ClientInfo value) {
      this.client = Objects.requireNonNull(value, "null client");
      return this;
    }

    public Builder caps(List<String> values) {
      this.caps = List.copyOf(values);
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value, "null connectTimeout");
      return this;
    }

    public Builder requestTimeout(Duration value) {
      this.requestTimeout = Objects.requireNonNull(value, "null requestTimeout");
      return this;
    }

    public ClientOptions build() {
      return new ClientOptions(
          url,
          Optional.ofNullable(credential),
          Optional.ofNullable(identity),
          Optional.ofNullable(deviceAuthStore),
          role,
          scopes,
          client == null ? defaultClient("dev") : client,
          caps,
          connectTimeout,
          requestTimeout);
    }
  }
}
