package dev.clawgate.core.pairing;

import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.ProtocolVersions;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.device.DeviceAuthPayload;
import dev.clawgate.protocol.device.DeviceIdentity;
import dev.clawgate.protocol.device.DeviceProofVerifier;
import dev.clawgate.protocol.device.DeviceProofVerifier.VerifiedDevice;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds a {@link ConnectAttempt} the way the gateway does: a {@link ConnectParams} as the client
 * sends it, signed with the device key over the v3 payload and this connection's challenge nonce,
 * then verified with {@link DeviceProofVerifier#verify}.
 */
final class Connect {
  private final MutableClock clock;
  private final Optional<DeviceIdentity> device;
  private Role role = Role.OPERATOR;
  private List<String> scopes = List.of();
  private Optional<String> token = Optional.empty();
  private Optional<String> password = Optional.empty();
  private Optional<String> deviceToken = Optional.empty();
  private boolean local;
  private Optional<String> remote = Optional.empty();
  private String clientId = "cli";
  private String mode = "cli";
  private String platform = "linux";
  private Optional<String> deviceFamily = Optional.empty();

  Connect(MutableClock clock, Optional<DeviceIdentity> device) {
    this.clock = clock;
    this.device = device;
  }

  Connect role(Role value) {
    role = value;
    return this;
  }

  Connect scopes(Scope... value) {
    scopes = Arrays.stream(value).map(Scope::name).toList();
    return this;
  }

  Connect scopes(Iterable<Scope> value) {
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    value.forEach(s -> names.add(s.name()));
    scopes = List.copyOf(names);
    return this;
  }

  /** Sends {@code value} as {@code auth.token}. */
  Connect sharedToken(String value) {
    token = Optional.of(value);
    return this;
  }

  Connect noSharedToken() {
    token = Optional.empty();
    return this;
  }

  Connect password(String value) {
    password = Optional.of(value);
    return this;
  }

  Connect deviceToken(String value) {
    deviceToken = Optional.of(value);
    return this;
  }

  /** A loopback peer without forwarding headers or Origin. */
  Connect local() {
    local = true;
    return this;
  }

  Connect local(boolean value) {
    local = value;
    return this;
  }

  Connect remote(String address) {
    local = false;
    remote = Optional.of(address);
    return this;
  }

  Connect client(String id, String clientMode) {
    clientId = id;
    mode = clientMode;
    return this;
  }

  Connect platform(String value) {
    platform = value;
    return this;
  }

  Connect deviceFamily(String value) {
    deviceFamily = Optional.of(value);
    return this;
  }

  ConnectAttempt build() {
    AuthParams auth =
        new AuthParams(
            token, password, deviceToken, Optional.empty(), Optional.empty(), Optional.empty());
    ClientInfo client =
        new ClientInfo(
            clientId,
            Optional.of("test " + clientId),
            "0.1.0",
            platform,
            deviceFamily,
            Optional.empty(),
            mode,
            Optional.empty());
    ConnectParams unsigned = params(client, auth, Optional.empty());
    Optional<VerifiedDevice> verified = Optional.empty();
    ConnectParams sent = unsigned;
    if (device.isPresent()) {
      DeviceIdentity identity = device.get();
      String nonce = UUID.randomUUID().toString();
      long signedAt = clock.millis();
      String signature =
          identity.sign(DeviceAuthPayload.v3(unsigned, identity.deviceId(), signedAt, nonce));
      sent =
          params(
              client,
              auth,
              Optional.of(
                  new DeviceProof(
                      identity.deviceId(),
                      identity.publicKey().base64Url(),
                      signature,
                      signedAt,
                      Optional.of(nonce))));
      verified = Optional.of(DeviceProofVerifier.verify(sent, nonce, clock.millis()));
    }
    String address = remote.orElse(local ? "127.0.0.1" : "203.0.113.7");
    return new ConnectAttempt(
        sent.role(), sent.scopes(), sent.client(), sent.auth(), verified, local, address);
  }

  private ConnectParams params(ClientInfo client, AuthParams auth, Optional<DeviceProof> proof) {
    return new ConnectParams(
        ProtocolVersions.MIN,
        ProtocolVersions.MAX,
        client,
        List.of(),
        List.of(),
        Map.of(),
        Optional.empty(),
        role,
        scopes,
        auth,
        proof,
        Optional.empty(),
        Optional.empty());
  }
}
