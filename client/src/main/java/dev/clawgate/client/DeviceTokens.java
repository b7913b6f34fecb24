package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's use of {@link DeviceAuthStore} around a handshake. Store failures never fail a
 * connection: they are logged (without the token) and the connection goes on.
 */
final class DeviceTokens {
  private static final Logger log = LoggerFactory.getLogger(DeviceTokens.class);

  private DeviceTokens() {}

  /** The token stored for the options' identity and role. */
  static Optional<StoredDeviceToken> lookUp(ClientOptions options) {
    if (options.identity().isEmpty() || options.deviceAuthStore().isEmpty()) {
      return Optional.empty();
    }
    try {
      return options
          .deviceAuthStore()
          .get()
          .token(options.identity().get().deviceId(), options.role());
    } catch (ClawgateException e) {
      log.warn("could not read the stored device token: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** Stores the device token {@code hello-ok} carries, with the token's scopes. */
  static void storeIssued(ClientOptions options, HelloOk hello) {
    if (hello.auth().deviceToken().isEmpty()
        || options.identity().isEmpty()
        || options.deviceAuthStore().isEmpty()) {
      return;
    }
    DeviceIdentity identity = options.identity().get();
    try {
      options
          .deviceAuthStore()
          .get()
          .store(
              identity.deviceId(),
              hello.auth().role(),
              hello.auth().deviceToken().get(),
              hello.auth().scopes());
    } catch (ClawgateException e) {
      log.warn("could not store the device token the gateway issued: {}", e.getMessage());
    }
  }

  /**
   * After {@code AUTH_DEVICE_TOKEN_MISMATCH}, clears the stored token that was sent, so the next
   * connect goes without it and can pair again. Only that exact token is cleared: another process
   * may have stored a newer one meanwhile.
   */
  static void forgetRejected(
      ClientOptions options, GatewayErrorException refused, Optional<String> sentToken) {
    if (refused.detail() != DetailCode.AUTH_DEVICE_TOKEN_MISMATCH
        || sentToken.isEmpty()
        || options.identity().isEmpty()
        || options.deviceAuthStore().isEmpty()) {
      return;
    }
    try {
      if (options
          .deviceAuthStore()
          .get()
          .clearIfCurrent(options.identity().get().deviceId(), options.role(), sentToken.get())) {
        log.info(
            "the gateway no longer accepts this device's {} token; cleared it so the next connect"
                + " can pair again",
            options.role());
      }
    } catch (ClawgateException e) {
      log.warn("could not clear the rejected device token: {}", e.getMessage());
    }
  }
}
