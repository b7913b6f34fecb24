package dev.clawgate.core.pairing;

import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Who performs an owner action, with the authority they hold.
 *
 * @param actor audit name: {@code owner:local} (shared secret on this machine), {@code
 *     owner:offline} (CLI writing the store directly), {@code device:<id>}, {@code conn:<id>}
 * @param scopes the scopes the actor holds
 * @param deviceId the actor's device, when it has one
 * @param remoteAddress where the action came from
 */
public record Approver(
    String actor, ScopeSet scopes, Optional<String> deviceId, String remoteAddress) {

  public Approver {
    Objects.requireNonNull(actor, "null actor");
    Objects.requireNonNull(scopes, "null scopes");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(remoteAddress, "null remoteAddress");
  }

  /** The owner acting directly on the state dir with the CLI while the gateway is down. */
  public static Approver offlineOwner() {
    return new Approver(
        "owner:offline", ScopeSet.of(dev.clawgate.protocol.Scope.ADMIN), Optional.empty(), "local");
  }
}
