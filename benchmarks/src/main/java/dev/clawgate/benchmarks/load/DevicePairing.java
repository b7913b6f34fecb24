package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Pairs a fresh device before a signed load: one connect from loopback signed by the device and
 * carrying the shared token. With {@code gateway.pairing.autoApproveLocal} (the default) the
 * gateway approves it silently and issues a device token in {@code hello-ok}; every later signed
 * connect is then a paired device reconnecting.
 */
final class DevicePairing {
  private DevicePairing() {}

  /**
   * A paired device and its token.
   *
   * @param identity the device's key pair
   * @param deviceToken the operator token the gateway issued to it
   */
  record Paired(DeviceIdentity identity, String deviceToken) {}

  static Paired pair(URI url, String sharedToken, List<String> scopes) throws Exception {
    DeviceIdentity identity = DeviceIdentity.generate();
    ConnectFrames frames =
        ConnectFrames.signed(
            identity, identity::sign, AuthParams.none().withToken(sharedToken), scopes);
    String hello;
    try (Handshaker handshaker = Handshaker.of("raw", url, frames, 1, Duration.ofMinutes(1))) {
      Handshaker.Connection connection;
      try {
        connection = handshaker.connect();
      } catch (Exception e) {
        throw new IllegalStateException("pairing the load device failed: " + Failures.cause(e), e);
      }
      hello = connection.hello();
      connection.closeNormally();
    }
    String token =
        Json.mapper().readTree(hello).path("payload").path("auth").path("deviceToken").asString("");
    if (token.isEmpty()) {
      throw new IllegalStateException(
          "the gateway accepted the device but issued no device token; is"
              + " gateway.pairing.autoApproveLocal off?");
    }
    return new Paired(identity, token);
  }
}
