package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ProtocolVersions;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.device.DeviceAuthPayload;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client's half of a handshake as wire text: the {@code connect} request (signed over the
 * challenge nonce when a device identity is given) and the checks on what the gateway sends back.
 *
 * <p>A device-less connect does not depend on the challenge, so its text is built once. A signed
 * connect is built per connection, because the signature covers that connection's nonce.
 */
final class ConnectFrames {
  /** The id of the connect request; ids are per connection, so one constant serves all. */
  static final String CONNECT_ID = "c1";

  /**
   * How a successful connect response starts: the gateway writes {@code type, id, ok} first (the
   * reference field order, see {@code Frames.toNode}). Checking the prefix keeps the load tool from
   * spending client CPU on parsing every {@code hello-ok}; failures are parsed in full.
   */
  private static final String OK_PREFIX =
      "{\"type\":\"res\",\"id\":\"" + CONNECT_ID + "\",\"ok\":true";

  private static final ClientInfo CLIENT = ClientInfo.of("clawgate-load", "0.1.0", "linux", "cli");

  private final ConnectParams unsigned;
  private final Optional<DeviceIdentity> identity;
  private final UnaryOperator<String> signer;
  private final Optional<String> fixedText;

  private ConnectFrames(
      ConnectParams unsigned, Optional<DeviceIdentity> identity, UnaryOperator<String> signer) {
    this.unsigned = unsigned;
    this.identity = identity;
    this.signer = signer;
    this.fixedText = identity.isPresent() ? Optional.empty() : Optional.of(request(unsigned));
  }

  /** A device-less operator connect with the shared token. */
  static ConnectFrames sharedToken(String token, List<String> scopes) {
    return new ConnectFrames(
        params(AuthParams.none().withToken(token), scopes),
        Optional.empty(),
        payload -> {
          throw new IllegalStateException("a device-less connect is not signed");
        });
  }

  /**
   * An operator connect signed by {@code identity}, presenting {@code auth}.
   *
   * @param signer signs a v3 payload with the identity's key (see {@link DeviceSigner})
   */
  static ConnectFrames signed(
      DeviceIdentity identity, UnaryOperator<String> signer, AuthParams auth, List<String> scopes) {
    return new ConnectFrames(
        params(auth, scopes),
        Optional.of(Objects.requireNonNull(identity, "null identity")),
        Objects.requireNonNull(signer, "null signer"));
  }

  /** The connect request text for a connection whose challenge carried {@code nonce}. */
  String connect(String nonce, long nowMs) {
    if (fixedText.isPresent()) {
      return fixedText.get();
    }
    DeviceIdentity device = identity.orElseThrow();
    String payload = DeviceAuthPayload.v3(unsigned, device.deviceId(), nowMs, nonce);
    DeviceProof proof =
        new DeviceProof(
            device.deviceId(),
            device.publicKey().base64Url(),
            signer.apply(payload),
            nowMs,
            Optional.of(nonce));
    return request(unsigned.withDevice(proof));
  }

  /** The connect params sent for {@code nonce} (tests check them against the verifier). */
  ConnectParams params(String nonce, long nowMs) {
    return ConnectParams.parse(
        Optional.of(Json.mapper().readTree(connect(nonce, nowMs)).path("params")));
  }

  /**
   * The nonce of a {@code connect.challenge} event.
   *
   * @throws HandshakeFailure when {@code text} is not a challenge with a nonce
   */
  static String nonceOf(String text) {
    JsonNode frame;
    try {
      frame = Json.mapper().readTree(text);
    } catch (JacksonException e) {
      throw new HandshakeFailure("challenge: not JSON");
    }
    if (!frame.path("type").asString("").equals("event")
        || !frame.path("event").asString("").equals("connect.challenge")) {
      throw new HandshakeFailure("first frame is not connect.challenge");
    }
    String nonce = frame.path("payload").path("nonce").asString("");
    if (nonce.isEmpty()) {
      throw new HandshakeFailure("challenge without nonce");
    }
    return nonce;
  }

  /** Whether {@code text} is the successful response to the connect. */
  static boolean isHelloOk(String text) {
    return text.startsWith(OK_PREFIX) && text.contains("\"type\":\"hello-ok\"");
  }

  /** A short, bounded description of a failed connect response (its detail code when present). */
  static String describeFailure(String text) {
    try {
      JsonNode error = Json.mapper().readTree(text).path("error");
      String detail = error.path("details").path("code").asString("");
      return "refused: " + (detail.isEmpty() ? error.path("code").asString("unknown") : detail);
    } catch (JacksonException e) {
      return "unexpected frame (not JSON)";
    }
  }

  private static ConnectParams params(AuthParams auth, List<String> scopes) {
    return new ConnectParams(
        ProtocolVersions.MIN,
        ProtocolVersions.MAX,
        CLIENT,
        List.of(),
        List.of(),
        Map.of(),
        Optional.empty(),
        Role.OPERATOR,
        scopes,
        auth,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static String request(ConnectParams params) {
    ObjectNode frame = Json.mapper().createObjectNode();
    frame.put("type", "req");
    frame.put("id", CONNECT_ID);
    frame.put("method", "connect");
    frame.set("params", params.toNode());
    return frame.toString();
  }
}
