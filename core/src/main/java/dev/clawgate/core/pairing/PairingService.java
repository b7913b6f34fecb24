package dev.clawgate.core.pairing;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Device pairing and device tokens, exactly as spec/pairing.md states them. Every change is one
 * transaction in the state store; the gateway and the offline CLI both act through this class, so
 * there is one implementation of every rule.
 *
 * <p>The promise it keeps: an approval is final. Baselines and token scopes only grow by approval
 * and only shrink by {@link #rotate rotate} with scopes, {@link #revoke revoke} or {@link #remove
 * remove}; a token's value changes only on rotate; a device has at most one pending request and its
 * id never changes while it is pending.
 */
public final class PairingService implements ConnectAuthorizer {
  private final StateStore store;
  private final GatewayConfig.PairingConfig config;
  private final Clock clock;
  private final PairingListener listener;
  private final ConnectDecision connectDecision;

  private PairingService(
      StateStore store,
      GatewayConfig.AuthConfig auth,
      GatewayConfig.PairingConfig config,
      Clock clock,
      PairingListener listener) {
    this.store = Objects.requireNonNull(store, "null store");
    this.config = Objects.requireNonNull(config, "null config");
    this.clock = Objects.requireNonNull(clock, "null clock");
    this.listener = Objects.requireNonNull(listener, "null listener");
    this.connectDecision = new ConnectDecision(store, auth, config, clock, listener);
  }

  /** A pairing service over {@code store}. */
  public static PairingService create(
      StateStore store,
      GatewayConfig.AuthConfig auth,
      GatewayConfig.PairingConfig config,
      Clock clock,
      PairingListener listener) {
    return new PairingService(store, auth, config, clock, listener);
  }

  @Override
  public ConnectGrant authorize(ConnectAttempt attempt) {
    return connectDecision.decide(attempt);
  }

  /**
   * Pending requests (live ones only) and paired devices.
   *
   * @param pending requests waiting for the owner, oldest first
   * @param paired paired devices, most recently approved first
   */
  public record Snapshot(List<PairingRequest> pending, List<PairedDevice> paired) {}

  /** What is pending and what is paired. Never contains a token value. */
  public Snapshot list() {
    long now = clock.millis();
    return store.read(tx ->
        new Snapshot(
            RequestRepository.pending(tx).stream().filter(r -> r.expiresAtMs() > now).toList(),
            PairingRepository.devices(tx)));
  }

  /** One request by id, in any state (resolved ones are kept for the retention period). */
  public Optional<PairingRequest> request(String requestId) {
    return store.read(tx -> RequestRepository.byId(tx, requestId));
  }

  /** Audit entries matching {@code filter}, newest first. */
  public List<AuditEntry> history(AuditLog.Filter filter) {
    return AuditLog.list(store, filter);
  }

  /** One paired device. */
  public Optional<PairedDevice> device(String deviceId) {
    return store.read(tx -> PairingRepository.device(tx, deviceId));
  }

  /**
   * The outcome of an approval.
   *
   * @param request the request after approval
   * @param device the device after approval
   * @param alreadyApproved whether the request had been approved before (nothing changed)
   */
  public record ApprovalResult(
      PairingRequest request, PairedDevice device, boolean alreadyApproved) {}

  /**
   * Approves a pending request. When {@code seenRevision} is given and the request has been amended
   * since, nothing changes and a revision conflict lists what was added. Approving an approved
   * request answers {@link ApprovalResult#alreadyApproved()}.
   */
  public ApprovalResult approve(
      String requestId, Optional<Integer> seenRevision, Approver approver) {
    return approve(
        tx ->
            RequestRepository.byId(tx, requestId)
                .orElseThrow(() -> PairingErrors.requestNotFound(requestId)),
        seenRevision,
        approver);
  }

  /** Approves the current pending request of {@code deviceId}. */
  public ApprovalResult approveDevice(
      String deviceId, Optional<Integer> seenRevision, Approver approver) {
    return approve(
        tx ->
            RequestRepository.pendingFor(tx, deviceId)
                .orElseThrow(() -> PairingErrors.noPendingRequest(deviceId)),
        seenRevision,
        approver);
  }

  private ApprovalResult approve(
      StateStore.Work<PairingRequest> find, Optional<Integer> seenRevision, Approver approver) {
    long now = clock.millis();
    ApprovalResult result =
        store.write(tx -> approveInTx(tx, find.run(tx), seenRevision, approver, now));
    if (!result.alreadyApproved()) {
      listener.resolved(result.request());
    }
    return result;
  }

  private ApprovalResult approveInTx(
      Tx tx, PairingRequest request, Optional<Integer> seenRevision, Approver approver, long now) {
    if (request.state() == RequestState.APPROVED) {
      // The approval stands; but if the device was removed since, say so rather than pretend.
      PairedDevice device =
          PairingRepository.device(tx, request.deviceId())
              .orElseThrow(() -> PairingErrors.approvedDeviceRemoved(request));
      return new ApprovalResult(request, device, true);
    }
    requirePendingAndLive(request, now);
    if (seenRevision.isPresent()
        && (seenRevision.get() < 1 || seenRevision.get() > request.revision())) {
      // Not an older revision the approver saw: a conflict listing "what was added" would lie.
      throw dev.clawgate.protocol.ClawgateException.invalidParams(
          "revision",
          "pairing request "
              + request.requestId()
              + " has revisions 1 to "
              + request.revision()
              + "; review it with: clawgate devices list");
    }
    if (seenRevision.isPresent() && seenRevision.get() != request.revision()) {
      RequestRepository.Revision seen =
          RequestRepository.revision(tx, request.requestId(), seenRevision.get())
              .orElse(new RequestRepository.Revision(java.util.Set.of(), ScopeSet.empty()));
      throw PairingErrors.revisionConflict(request, seenRevision.get(), seen);
    }
    ScopeSet missing = Approvals.missingAuthority(approver, request);
    if (!missing.isEmpty()) {
      throw PairingErrors.approverMissing("approving this request", missing, approver.scopes());
    }
    PairingRequest approved = Approvals.apply(tx, request, "owner", approver, now);
    return new ApprovalResult(
        approved, PairingRepository.device(tx, request.deviceId()).orElseThrow(), false);
  }

  private static void requirePendingAndLive(PairingRequest request, long now) {
    if (request.state() == RequestState.EXPIRED
        || (request.state() == RequestState.PENDING && request.expiresAtMs() <= now)) {
      throw PairingErrors.expired(request);
    }
    if (request.state() != RequestState.PENDING) {
      throw PairingErrors.alreadyResolved(request);
    }
  }

  /**
   * A device without a key (an OAuth client, a static token) as it asks for consent.
   *
   * @param deviceId its device id ({@link DeviceKind#idPrefix()} + a stable suffix)
   * @param kind what it is
   * @param displayName the name shown to the owner
   * @param clientId the OAuth client id, if any
   * @param platform a short description of where it returns to (the redirect host)
   */
  public record KeylessDevice(
      String deviceId,
      DeviceKind kind,
      String displayName,
      Optional<String> clientId,
      Optional<String> platform) {
    public KeylessDevice {
      Objects.requireNonNull(deviceId, "null deviceId");
      Objects.requireNonNull(kind, "null kind");
      if (kind == DeviceKind.DEVICE || !deviceId.startsWith(kind.idPrefix())) {
        throw new IllegalArgumentException("not a keyless device id: " + deviceId);
      }
    }

    /** This device asking for operator {@code scopes}, as a pairing request states it. */
    PendingRequests.Subject asking(ScopeSet scopes, String remoteAddress) {
      return new PendingRequests.Subject(
          deviceId,
          "",
          kind,
          Optional.of(displayName),
          platform,
          Optional.empty(),
          clientId,
          Optional.of(kind.wireName()),
          Role.OPERATOR,
          scopes,
          remoteAddress);
    }
  }

  /** The answer to {@link #requestConsent}. */
  public sealed interface Consent {}

  /** The owner has approved at least these scopes before: nothing to ask. */
  public record Covered(PairedDevice device) implements Consent {}

  /**
   * The owner must approve: {@code request} is the device's one pending request, asking for the
   * scopes not approved yet (a step-up asks only for the new ones; approving it grants the union).
   */
  public record Asked(PairingRequest request) implements Consent {}

  /**
   * Asks the owner for operator {@code scopes} on behalf of a keyless device, under the rules of
   * every pairing request: one pending request per device with a stable id, amended in place.
   *
   * @param reconfirm whether to ask even when the scopes are approved already (an OAuth client
   *     signing in from a browser the owner has not confirmed): the request then asks for all of
   *     {@code scopes} again, and approving it changes no baseline
   * @throws dev.clawgate.protocol.ClawgateException when the caps on pending requests are reached
   */
  public Consent requestConsent(
      KeylessDevice who, ScopeSet scopes, String remoteAddress, boolean reconfirm) {
    long now = clock.millis();
    List<Runnable> afterCommit = new ArrayList<>();
    Consent consent =
        store.write(tx -> {
          Optional<PairedDevice> device = PairingRepository.device(tx, who.deviceId());
          ScopeSet baseline =
              device.flatMap(d -> d.baseline(Role.OPERATOR)).orElse(ScopeSet.empty());
          boolean covered = device.isPresent() && baseline.covers(scopes);
          if (covered && !reconfirm) {
            return new Covered(device.get());
          }
          PendingRequests.Subject subject =
              who.asking(covered ? scopes : baseline.missing(scopes), remoteAddress);
          PairingReason reason =
              covered
                  ? PairingReason.REAUTHORIZE
                  : device.isPresent() ? PairingReason.SCOPE_UPGRADE : PairingReason.NOT_PAIRED;
          PendingRequests.Upsert upsert =
              PendingRequests.upsert(
                  tx, subject, reason, device.isPresent(), config, now, listener, afterCommit);
          return switch (upsert) {
            case PendingRequests.Pending pending -> new Asked(pending.request());
            case PendingRequests.LimitReached limit -> throw limit.error();
          };
        });
    afterCommit.forEach(Runnable::run);
    return consent;
  }

  /**
   * Approves a keyless device at once, for {@code scopes}, as an owner action (a static token made
   * by the owner needs no request to wait on): the request is created and approved in one
   * transaction, so it is on record like any approval. {@code alsoInTx} runs in that transaction
   * after the approval (to store the device's credential with it).
   */
  public PairedDevice approveKeyless(
      KeylessDevice who,
      ScopeSet scopes,
      Approver approver,
      java.util.function.Consumer<Tx> alsoInTx) {
    long now = clock.millis();
    List<Runnable> afterCommit = new ArrayList<>();
    PairedDevice device =
        store.write(tx -> {
          ScopeSet missing = Approvals.missingAuthority(approver, scopes);
          if (!missing.isEmpty()) {
            throw PairingErrors.approverMissing(
                "granting these scopes", missing, approver.scopes());
          }
          PendingRequests.Subject subject = who.asking(scopes, approver.remoteAddress());
          PendingRequests.Upsert upsert =
              PendingRequests.upsert(
                  tx,
                  subject,
                  PairingReason.NOT_PAIRED,
                  false,
                  config,
                  now,
                  PairingListener.none(),
                  afterCommit);
          PairingRequest request =
              switch (upsert) {
                case PendingRequests.Pending pending -> pending.request();
                case PendingRequests.LimitReached limit -> throw limit.error();
              };
          PairingRequest approved = Approvals.apply(tx, request, "owner", approver, now);
          afterCommit.add(() -> listener.resolved(approved));
          alsoInTx.accept(tx);
          return PairingRepository.device(tx, who.deviceId()).orElseThrow();
        });
    afterCommit.forEach(Runnable::run);
    return device;
  }

  /**
   * Rejects a pending request. Rejecting a rejected request changes nothing and returns it;
   * rejecting an approved one is a conflict (take access away with revoke or remove).
   */
  public PairingRequest reject(String requestId, Approver approver) {
    long now = clock.millis();
    PairingRequest rejected =
        store.write(tx -> {
          PairingRequest request =
              RequestRepository.byId(tx, requestId)
                  .orElseThrow(() -> PairingErrors.requestNotFound(requestId));
          if (request.state() == RequestState.REJECTED) {
            return request;
          }
          requirePendingAndLive(request, now);
          ScopeSet missing = Approvals.missingAuthority(approver, ScopeSet.empty());
          if (!missing.isEmpty()) {
            throw PairingErrors.approverMissing("rejecting", missing, approver.scopes());
          }
          RequestRepository.resolve(
              tx, requestId, RequestState.REJECTED, now, approver.actor(), Optional.empty());
          AuditLog.append(
              tx,
              Approvals.entry(
                  now,
                  "pairing.reject",
                  approver,
                  request.deviceId(),
                  Optional.empty(),
                  Map.of("requestId", requestId, "revision", request.revision())));
          return RequestRepository.byId(tx, requestId).orElseThrow();
        });
    listener.resolved(rejected);
    return rejected;
  }

  /** Removes a device: its roles, tokens and pending request go. */
  public void remove(String deviceId, Approver approver) {
    long now = clock.millis();
    List<PairingRequest> resolved = new ArrayList<>();
    store.execute(tx -> {
      Optional<PairedDevice> device = PairingRepository.device(tx, deviceId);
      Optional<PairingRequest> pending = RequestRepository.pendingFor(tx, deviceId);
      if (device.isEmpty() && pending.isEmpty()) {
        throw PairingErrors.deviceNotFound(deviceId);
      }
      ScopeSet held =
          device
              .map(d -> d.baseline(Role.OPERATOR).orElse(ScopeSet.empty()))
              .orElse(ScopeSet.empty());
      ScopeSet missing = Approvals.missingAuthority(approver, held);
      if (!missing.isEmpty()) {
        throw PairingErrors.approverMissing("removing this device", missing, approver.scopes());
      }
      if (pending.isPresent()) {
        RequestRepository.resolve(
            tx,
            pending.get().requestId(),
            RequestState.REMOVED,
            now,
            approver.actor(),
            Optional.empty());
        resolved.add(RequestRepository.byId(tx, pending.get().requestId()).orElseThrow());
      }
      PairingRepository.deleteDevice(tx, deviceId);
      AuditLog.append(
          tx,
          Approvals.entry(
              now,
              "device.remove",
              approver,
              deviceId,
              Optional.empty(),
              Map.of("baseline", held.names())));
    });
    resolved.forEach(listener::resolved);
  }

  /** Sets the owner's label for a device (1-64 characters). */
  public PairedDevice rename(String deviceId, String label, Approver approver) {
    String trimmed = label.strip();
    if (trimmed.isEmpty() || trimmed.length() > 64) {
      throw dev.clawgate.protocol.ClawgateException.invalidParams(
          "label", "must be 1 to 64 characters");
    }
    long now = clock.millis();
    return store.write(tx -> {
      PairedDevice device =
          PairingRepository.device(tx, deviceId)
              .orElseThrow(() -> PairingErrors.deviceNotFound(deviceId));
      ScopeSet missing = Approvals.missingAuthority(approver, ScopeSet.empty());
      if (!missing.isEmpty()) {
        throw PairingErrors.approverMissing("renaming", missing, approver.scopes());
      }
      PairingRepository.rename(tx, deviceId, trimmed);
      AuditLog.append(
          tx,
          Approvals.entry(
              now,
              "device.rename",
              approver,
              deviceId,
              Optional.empty(),
              Map.of("from", device.label().orElse(""), "to", trimmed)));
      return PairingRepository.device(tx, deviceId).orElseThrow();
    });
  }

  /**
   * A rotated token: the new value is shown once, to whoever rotated it. {@link #toString()} hides
   * it.
   *
   * @param deviceId the device
   * @param role the token's role
   * @param token the new value
   * @param scopes the token's scopes
   */
  public record RotatedToken(String deviceId, Role role, String token, ScopeSet scopes) {
    @Override
    public String toString() {
      return "RotatedToken["
          + deviceId
          + ", "
          + role
          + ", scopes="
          + scopes
          + ", token=<redacted>]";
    }
  }

  /**
   * Gives a device a new token value for {@code role}. With {@code scopes}, the token's scopes and
   * the role's baseline are both set to them (they must lie within the baseline): this is the only
   * way to narrow what an approved device may do without removing it.
   */
  public RotatedToken rotate(
      String deviceId, Role role, Optional<ScopeSet> scopes, Approver approver) {
    long now = clock.millis();
    return store.write(tx -> {
      PairedDevice device =
          PairingRepository.device(tx, deviceId)
              .orElseThrow(() -> PairingErrors.deviceNotFound(deviceId));
      ScopeSet baseline =
          device.baseline(role).orElseThrow(() -> PairingErrors.roleNotApproved(deviceId, role));
      ScopeSet before = device.token(role).map(PairedDevice.TokenInfo::scopes).orElse(baseline);
      ScopeSet after = scopes.map(s -> Approvals.scopesFor(role, s)).orElse(before);
      if (!baseline.covers(after)) {
        throw PairingErrors.outsideBaseline(deviceId, baseline.missing(after), baseline);
      }
      ScopeSet missing = Approvals.missingAuthority(approver, after);
      if (!missing.isEmpty()) {
        throw PairingErrors.approverMissing("rotating this token", missing, approver.scopes());
      }
      if (scopes.isPresent()) {
        PairingRepository.setBaseline(tx, deviceId, role, after, now);
      }
      PairingRepository.setTokenScopes(tx, deviceId, role, after, now);
      PairingRepository.unrevoke(tx, deviceId, role);
      String value = Secrets.newToken();
      PairingRepository.issue(tx, deviceId, role, Secrets.hash(value), now);
      PairingRepository.markRotated(tx, deviceId, role, now);
      AuditLog.append(
          tx,
          Approvals.entry(
              now,
              "token.rotate",
              approver,
              deviceId,
              Optional.of(role),
              Map.of(
                  "scopesBefore", before.names(),
                  "scopesAfter", after.names(),
                  "baselineNarrowed", scopes.isPresent() && !after.equals(baseline))));
      return new RotatedToken(deviceId, role, value, after);
    });
  }

  /**
   * Revokes a device's token for {@code role} and withdraws the role: the token stops working and
   * the device must pair again for that role.
   */
  public PairedDevice revoke(String deviceId, Role role, Approver approver) {
    long now = clock.millis();
    return store.write(tx -> {
      PairedDevice device =
          PairingRepository.device(tx, deviceId)
              .orElseThrow(() -> PairingErrors.deviceNotFound(deviceId));
      ScopeSet baseline =
          device.baseline(role).orElseThrow(() -> PairingErrors.roleNotApproved(deviceId, role));
      ScopeSet missing = Approvals.missingAuthority(approver, baseline);
      if (!missing.isEmpty()) {
        throw PairingErrors.approverMissing("revoking this token", missing, approver.scopes());
      }
      PairingRepository.revoke(tx, deviceId, role, now);
      PairingRepository.deleteRole(tx, deviceId, role);
      AuditLog.append(
          tx,
          Approvals.entry(
              now,
              "token.revoke",
              approver,
              deviceId,
              Optional.of(role),
              Map.of("baseline", baseline.names())));
      return PairingRepository.device(tx, deviceId).orElseThrow();
    });
  }

  /**
   * What a sweep did.
   *
   * @param expired pending requests that expired
   * @param pruned resolved requests deleted after the retention period
   * @param auditPruned audit entries deleted
   */
  public record SweepResult(List<PairingRequest> expired, int pruned, int auditPruned) {}

  /** Expires pending requests past their TTL and prunes old records. Run periodically. */
  public SweepResult sweep() {
    long now = clock.millis();
    SweepResult result =
        store.write(tx -> {
          List<PairingRequest> expired = new ArrayList<>();
          for (PairingRequest request : RequestRepository.expiredPending(tx, now)) {
            RequestRepository.resolve(
                tx,
                request.requestId(),
                RequestState.EXPIRED,
                now,
                "gateway:ttl",
                Optional.empty());
            expired.add(RequestRepository.byId(tx, request.requestId()).orElseThrow());
          }
          int pruned =
              RequestRepository.pruneResolved(tx, now - config.resolvedRetention().toMillis());
          return new SweepResult(expired, pruned, AuditLog.prune(tx, now));
        });
    result.expired().forEach(listener::resolved);
    return result;
  }
}
