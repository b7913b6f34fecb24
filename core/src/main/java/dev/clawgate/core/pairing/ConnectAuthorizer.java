package dev.clawgate.core.pairing;

/**
 * The connect decision of the pairing rules: shared secret, device identity, pairing state and
 * token issuance, in the order the spec gives. Implemented by the pairing service.
 */
public interface ConnectAuthorizer {
  /**
   * Decides on one connect.
   *
   * @return what the connection was granted
   * @throws dev.clawgate.protocol.ClawgateException with the precise detail code when the connect
   *     is refused (auth failure, pairing required, ...)
   */
  ConnectGrant authorize(ConnectAttempt attempt);
}
