package dev.clawgate.core.audit;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One audit record: who did what to which device or request, from where, and how it ended. The
 * detail map holds facts such as scopes before and after; it never holds a secret.
 *
 * @param id the record's sequence number (0 before it is written)
 * @param atMs when, in epoch milliseconds
 * @param action what, e.g. {@code pairing.approve}, {@code auth.failed}, {@code token.rotate}
 * @param actor who: {@code owner:local}, {@code device:<id>}, {@code gateway} (silent approvals)
 * @param outcome {@code ok}, {@code denied}, {@code failed}, ...
 * @param deviceId the device concerned
 * @param requestId the pairing request concerned
 * @param role the role concerned
 * @param remoteAddress where the action came from
 * @param detail further facts
 */
public record AuditEntry(
    long id,
    long atMs,
    String action,
    String actor,
    String outcome,
    Optional<String> deviceId,
    Optional<String> requestId,
    Optional<String> role,
    Optional<String> remoteAddress,
    Map<String, Object> detail) {

  public AuditEntry {
    Objects.requireNonNull(action, "null action");
    Objects.requireNonNull(actor, "null actor");
    Objects.requireNonNull(outcome, "null outcome");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(requestId, "null requestId");
    Objects.requireNonNull(role, "null role");
    Objects.requireNonNull(remoteAddress, "null remoteAddress");
    detail = Map.copyOf(detail);
  }
}
