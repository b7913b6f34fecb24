package dev.clawgate.core.approvals;

import java.util.Objects;
import java.util.Optional;

/**
 * Who asked for an approval, kept with the request for the record.
 *
 * @param connId the requesting connection
 * @param deviceId its device, when it has one
 * @param client its client name (display name, else client id)
 */
public record Requester(
    Optional<String> connId, Optional<String> deviceId, Optional<String> client) {
  public Requester {
    Objects.requireNonNull(connId, "null connId");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(client, "null client");
  }

  /** A requester nothing is known about. */
  public static Requester unknown() {
    return new Requester(Optional.empty(), Optional.empty(), Optional.empty());
  }
}
