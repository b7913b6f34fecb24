package dev.clawgate.client;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.ProtocolVersions;
import dev.clawgate.protocol.ResponseFrame;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** Builds the params of the {@code connect} request: credentials, then the device signature. */
final class ConnectRequest {
  private ConnectRequest() {}

  /**
   * The connect params for {@code options}.
   *
   * @param storedDeviceToken the device token stored for the role; sent only without a shared
   *     credential and with an identity
   * @param nonce the connection's {@code connect.challenge} nonce, which the device signs
   * @param nowMs the signing time
   */
  static ConnectParams build(
      ClientOptions options, Optional<String> storedDeviceToken, String nonce, long nowMs) {
    AuthParams auth = AuthParams.none();
    if (options.credential().isPresent()) {
      auth =
          switch (options.credential().get()) {
            case SharedCredential.Token t -> auth.withToken(t.secret());
            case SharedCredential.Password p -> auth.withPassword(p.secret());
          };
    } else if (options.identity().isPresent() && storedDeviceToken.isPresent()) {
      auth = auth.withDeviceToken(storedDeviceToken.get());
    }
    ConnectParams unsigned = params(options, auth, Optional.empty());
    if (options.identity().isEmpty()) {
      return unsigned;
    }
    DeviceIdentity identity = options.identity().get();
    // The signature covers the scopes in the order sent and the token sent: sign exactly these.
    return unsigned.withDevice(identity.proveV3(unsigned, nonce, nowMs));
  }

  /**
   * The {@code hello-ok} of a successful connect response.
   *
   * @throws ClawgateException when it is malformed or names a protocol that was not offered
   */
  static HelloOk parseHello(ResponseFrame response) {
    HelloOk hello;
    try {
      hello = HelloOk.parse(response.payload().orElse(NullNode.getInstance()));
    } catch (ClawgateException e) {
      throw Frames.malformed("hello-ok: " + e.getMessage());
    }
    if (hello.protocol() < ProtocolVersions.MIN || hello.protocol() > ProtocolVersions.MAX) {
      throw Frames.malformed(
          "hello-ok chose protocol " + hello.protocol() + ", which this client did not offer");
    }
    return hello;
  }

  /** The nonce of a {@code connect.challenge} event; empty when it has none. */
  static String nonce(EventFrame challenge) {
    return challenge
        .payload()
        .map(p -> p.path("nonce"))
        .filter(JsonNode::isString)
        .map(JsonNode::stringValue)
        .orElse("");
  }

  private static ConnectParams params(
      ClientOptions options, AuthParams auth, Optional<DeviceProof> device) {
    return new ConnectParams(
        ProtocolVersions.MIN,
        ProtocolVersions.MAX,
        options.client(),
        options.caps(),
        List.of(),
        Map.of(),
        Optional.empty(),
        options.role(),
        options.scopes(),
        auth,
        device,
        Optional.empty(),
        Optional.empty());
  }
}
