package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.DeviceAuthStore;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.client.IdentityStore;
import dev.clawgate.client.StoredDeviceToken;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One machine's device as the real client keeps it: an identity and its device tokens in a state
 * dir. Every process given the same state dir is the same device (as {@code clawgate mcp serve} and
 * {@code clawgate devices} are on one machine).
 */
final class Device {
  private final GatewayUnderTest gateway;
  private final Path stateDir;
  private final DeviceIdentity identity;

  private Device(GatewayUnderTest gateway, Path stateDir) {
    this.gateway = gateway;
    this.stateDir = stateDir;
    this.identity = IdentityStore.at(stateDir).loadOrCreate();
  }

  /** The device of {@code stateDir}, its identity created on first use. */
  static Device at(GatewayUnderTest gateway, Path stateDir) {
    return new Device(gateway, stateDir);
  }

  String id() {
    return identity.deviceId();
  }

  DeviceIdentity identity() {
    return identity;
  }

  /**
   * Connect options that also present the shared token, as a client configured with {@code
   * gateway.remote.token} does (the reported {@code mcp serve} setup).
   */
  ClientOptions withSharedToken(String... scopes) {
    return gateway
        .client()
        .deviceState(stateDir)
        .token(GatewayUnderTest.TOKEN)
        .scopes(scopes)
        .build();
  }

  /** Connect options that present only the identity and the device token stored beside it. */
  ClientOptions withStoredDeviceToken(String... scopes) {
    return gateway.client().deviceState(stateDir).scopes(scopes).build();
  }

  /** The operator token the client stored for this device, if any. */
  Optional<StoredDeviceToken> storedOperatorToken() {
    return DeviceAuthStore.at(stateDir).token(id(), Role.OPERATOR);
  }

  /** Connects with {@code options}, which the gateway must refuse; returns its error verbatim. */
  static GatewayErrorException connectRefused(ClientOptions options) {
    GatewayErrorException refused =
        catchThrowableOfType(
            GatewayErrorException.class, () -> GatewayClient.connect(options).close());
    assertThat(refused).as("connect with %s must be refused", options).isNotNull();
    assertThat(refused.method()).isEqualTo("connect");
    return refused;
  }

  /** Connects with {@code options}, which must succeed, closes at once, returns the hello-ok. */
  static HelloOk helloOf(ClientOptions options) {
    try (GatewayClient client = GatewayClient.connect(options)) {
      return client.hello();
    }
  }
}
