package dev.clawgate.core.pairing;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceProofVerifier.VerifiedDevice;
import java.util.Objects;
import java.util.Optional;

/**
 * What the transport established about one {@code connect} before the pairing rules decide on it.
 * The device proof is already verified (the transport owns the challenge nonce).
 *
 * @param role the requested role
 * @param requestedScopes the requested scopes
 * @param client the client's self-description
 * @param auth the presented credentials
 * @param device the verified device, when the connect carried one
 * @param local whether the peer is local: loopback socket, no untrusted forwarding headers, no
 *     browser {@code Origin}
 * @param remoteAddress the peer address (after trusted-proxy resolution), for caps and audit
 */
public record ConnectAttempt(
    Role role,
    ScopeSet requestedScopes,
    ClientInfo client,
    AuthParams auth,
    Optional<VerifiedDevice> device,
    boolean local,
    String remoteAddress) {

  public ConnectAttempt {
    Objects.requireNonNull(role, "null role");
    Objects.requireNonNull(requestedScopes, "null requestedScopes");
    Objects.requireNonNull(client, "null client");
    Objects.requireNonNull(auth, "null auth");
    Objects.requireNonNull(device, "null device");
    Objects.requireNonNull(remoteAddress, "null remoteAddress");
  }
}
