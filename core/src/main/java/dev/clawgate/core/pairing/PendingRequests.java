package dev.clawgate.core.pairing;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Rule 4's pending request: one per device, stable id, refreshed or amended in place. Every kind of
 * device (a connecting key, an OAuth client asking for consent) asks through here.
 */
final class PendingRequests {
  private PendingRequests() {}

  /**
   * What a device asks for.
   *
   * @param deviceId the device
   * @param publicKey its key (empty for kinds without one)
   * @param kind what it is
   * @param displayName the client's name
   * @param platform the client's platform
   * @param deviceFamily the client's device family
   * @param clientId the client kind (an OAuth client's id)
   * @param clientMode the client mode
   * @param role the role asked for
   * @param scopes the scopes asked for
   * @param remoteAddress where the ask came from
   */
  record Subject(
      String deviceId,
      String publicKey,
      DeviceKind kind,
      Optional<String> displayName,
      Optional<String> platform,
      Optional<String> deviceFamily,
      Optional<String> clientId,
      Optional<String> clientMode,
      Role role,
      ScopeSet scopes,
      String remoteAddress) {}

  /** What {@link #upsert} did. */
  sealed interface Upsert {}

  /** The device's pending request, new, refreshed or amended. */
  record Pending(PairingRequest request) implements Upsert {}

  /** No new request: the caps on pending requests are reached. */
  record LimitReached(ClawgateException error) implements Upsert {}

  static Upsert upsert(
      Tx tx,
      Subject subject,
      PairingReason reason,
      boolean isRepair,
      GatewayConfig.PairingConfig pairing,
      long now,
      PairingListener listener,
      List<Runnable> afterCommit) {
    Role role = subject.role();
    ScopeSet scopes = subject.scopes();
    long expires = now + pairing.pendingTtl().toMillis();
    Optional<PairingRequest> existing = RequestRepository.pendingFor(tx, subject.deviceId());
    if (existing.isPresent() && existing.get().expiresAtMs() <= now) {
      RequestRepository.resolve(
          tx,
          existing.get().requestId(),
          RequestState.EXPIRED,
          now,
          "gateway:ttl",
          Optional.empty());
      PairingRequest expired = RequestRepository.byId(tx, existing.get().requestId()).orElseThrow();
      afterCommit.add(() -> listener.resolved(expired));
      existing = Optional.empty();
    }
    if (existing.isPresent()) {
      PairingRequest current = existing.get();
      if (current.roles().contains(role) && current.scopes().covers(scopes)) {
        RequestRepository.refresh(tx, current.requestId(), now, expires);
        return new Pending(RequestRepository.byId(tx, current.requestId()).orElseThrow());
      }
      Set<Role> roles = EnumSet.of(role);
      roles.addAll(current.roles());
      PairingReason merged =
          reason.ordinal() < current.reason().ordinal() ? reason : current.reason();
      PairingRequest amended =
          new PairingRequest(
              current.requestId(),
              current.deviceId(),
              current.publicKey(),
              current.kind(),
              current.displayName(),
              current.platform(),
              current.deviceFamily(),
              current.clientId(),
              current.clientMode(),
              subject.remoteAddress(),
              merged,
              roles,
              current.scopes().union(scopes),
              current.revision() + 1,
              current.isRepair(),
              RequestState.PENDING,
              current.createdAtMs(),
              now,
              expires,
              Optional.empty(),
              Optional.empty(),
              Optional.empty());
      RequestRepository.amend(tx, amended);
      audit(
          tx,
          now,
          "pairing.amend",
          subject,
          Map.of(
              "requestId", amended.requestId(),
              "revision", amended.revision(),
              "scopes", amended.scopes().names()));
      afterCommit.add(() -> listener.requested(amended));
      return new Pending(amended);
    }
    long total = RequestRepository.pendingCount(tx, now);
    long fromAddress = RequestRepository.pendingCountFrom(tx, subject.remoteAddress(), now);
    if (total >= pairing.maxPending() || fromAddress >= pairing.maxPendingPerAddress()) {
      return new LimitReached(
          PairingErrors.requestLimit(subject.remoteAddress(), fromAddress, total));
    }
    PairingRequest created =
        new PairingRequest(
            UUID.randomUUID().toString(),
            subject.deviceId(),
            subject.publicKey(),
            subject.kind(),
            subject.displayName(),
            subject.platform(),
            subject.deviceFamily(),
            subject.clientId(),
            subject.clientMode(),
            subject.remoteAddress(),
            reason,
            EnumSet.of(role),
            scopes,
            1,
            isRepair,
            RequestState.PENDING,
            now,
            now,
            expires,
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    RequestRepository.insert(tx, created);
    audit(
        tx,
        now,
        "pairing.request",
        subject,
        Map.of(
            "requestId", created.requestId(),
            "reason", reason.wireName(),
            "scopes", scopes.names()));
    afterCommit.add(() -> listener.requested(created));
    return new Pending(created);
  }

  private static void audit(
      Tx tx, long now, String action, Subject subject, Map<String, Object> detail) {
    AuditLog.append(
        tx,
        new AuditEntry(
            0,
            now,
            action,
            "device:" + subject.deviceId(),
            "ok",
            Optional.of(subject.deviceId()),
            Optional.empty(),
            Optional.of(subject.role().wireName()),
            Optional.of(subject.remoteAddress()),
            detail));
  }
}
