package dev.clawgate.core.approvals;

import java.util.Objects;
import java.util.Optional;

/**
 * Who resolves an approval or changes the allow rules.
 *
 * @param name what {@code resolvedBy} and {@code createdBy} show: the client's display name, else
 *     its client id (as the reference reports it)
 * @param actor the audit log's name for the actor: {@code device:<id>}, {@code owner:local}, {@code
 *     conn:<id>}
 * @param deviceId the operator's device, when it has one
 * @param remoteAddress where the action came from
 */
public record Operator(String name, String actor, Optional<String> deviceId, String remoteAddress) {
  public Operator {
    Objects.requireNonNull(name, "null name");
    Objects.requireNonNull(actor, "null actor");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(remoteAddress, "null remoteAddress");
  }
}
