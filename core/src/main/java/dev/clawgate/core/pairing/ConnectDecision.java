package dev.clawgate.core.pairing;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.store.Tx;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceAuthPayload;
import dev.clawgate.protocol.device.DeviceProofVerifier.VerifiedDevice;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connect decision of spec/pairing.md, in its order: shared secret, device identity, pairing
 * state, pending request (or silent local approval), token issuance.
 *
 * <p>It runs first as a read-only evaluation; most connects of a paired device need no write and
 * finish there. Only when something must change (a pending request, a token to mint or widen, an
 * audit entry, a stale last-seen time) does it run again inside one write transaction, from fresh
 * state, so the outcome never rests on a stale read. Refusals are values, not exceptions, inside
 * the transaction: what they wrote (a pending request, an audit entry) commits, and the refusal is
 * thrown afterwards.
 */
final class ConnectDecision {
  /** Last-seen times are refreshed at most this often, keeping most connects write-free. */
  static final long LAST_SEEN_GRANULARITY_MS = 60_000;

  private final StateStore store;
  private final GatewayConfig.AuthConfig auth;
  private final GatewayConfig.PairingConfig pairing;
  private final Clock clock;
  private final PairingListener listener;

  ConnectDecision(
      StateStore store,
      GatewayConfig.AuthConfig auth,
      GatewayConfig.PairingConfig pairing,
      Clock clock,
      PairingListener listener) {
    this.store = store;
    this.auth = auth;
    this.pairing = pairing;
    this.clock = clock;
    this.listener = listener;
  }

  enum Secret {
    OK,
    MISMATCH,
    ABSENT,
    NOT_REQUIRED
  }

  /** The outcome of one evaluation. */
  private sealed interface Result {}

  private record Granted(ConnectGrant grant) implements Result {}

  private record Refused(ClawgateException error) implements Result {}

  private enum NeedsWrite implements Result {
    INSTANCE
  }

  ConnectGrant decide(ConnectAttempt attempt) {
    Secret secret = checkSecret(attempt);
    if (attempt.device().isEmpty()) {
      return deviceless(attempt, secret);
    }
    long now = clock.millis();
    List<Runnable> afterCommit = new ArrayList<>();
    Result result = store.read(tx -> evaluate(tx, attempt, secret, now, false, afterCommit));
    if (result == NeedsWrite.INSTANCE) {
      result = store.write(tx -> evaluate(tx, attempt, secret, now, true, afterCommit));
    }
    afterCommit.forEach(Runnable::run);
    if (result instanceof Granted granted) {
      return granted.grant();
    }
    if (result instanceof Refused refused) {
      throw refused.error();
    }
    throw new IllegalStateException("connect evaluation ended without a decision: " + result);
  }

  private Secret checkSecret(ConnectAttempt attempt) {
    Optional<String> expected;
    Optional<String> presented;
    switch (auth.mode()) {
      case NONE -> {
        return Secret.NOT_REQUIRED;
      }
      case TOKEN -> {
        expected = auth.token();
        presented = attempt.auth().token();
      }
      case PASSWORD -> {
        expected = auth.password();
        presented = attempt.auth().password();
      }
      default -> throw new IllegalStateException("unknown auth mode " + auth.mode());
    }
    if (presented.isEmpty()) {
      return Secret.ABSENT;
    }
    return expected.isPresent() && Secrets.equal(presented.get(), expected.get())
        ? Secret.OK
        : Secret.MISMATCH;
  }

  /** Rule 2: no device identity. */
  private ConnectGrant deviceless(ConnectAttempt attempt, Secret secret) {
    // Every refusal is audited (spec: failed auths included), each under its own cause.
    if (attempt.role() != Role.OPERATOR) {
      throw auditFailure(
          attempt, PairingErrors.deviceIdentityRequired(attempt.role()), "device-less-node");
    }
    switch (secret) {
      case MISMATCH ->
          throw auditFailure(
              attempt, PairingErrors.secretMismatch(auth.mode()), "shared-secret-mismatch");
      case ABSENT ->
          throw auditFailure(
              attempt, PairingErrors.secretMissing(auth.mode()), "shared-secret-missing");
      case OK, NOT_REQUIRED -> {}
    }
    if (!attempt.local() && !attempt.requestedScopes().isEmpty()) {
      throw auditFailure(
          attempt,
          PairingErrors.devicelessRemoteScopes(attempt.remoteAddress(), attempt.requestedScopes()),
          "device-less-remote-scopes");
    }
    ScopeSet granted = attempt.local() ? attempt.requestedScopes() : ScopeSet.empty();
    return new ConnectGrant(
        attempt.role(),
        granted,
        granted,
        secretMethod(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private String secretMethod() {
    return switch (auth.mode()) {
      case NONE -> "none";
      case TOKEN -> "token";
      case PASSWORD -> "password";
    };
  }

  /** Rules 3-5, for a connect with a verified device identity. */
  private Result evaluate(
      Tx tx,
      ConnectAttempt attempt,
      Secret secret,
      long now,
      boolean mutate,
      List<Runnable> afterCommit) {
    VerifiedDevice verified = attempt.device().orElseThrow();
    String deviceId = verified.deviceId();
    Role role = attempt.role();
    ScopeSet requested = attempt.requestedScopes();
    Optional<PairedDevice> device =
        PairingRepository.device(tx, deviceId)
            .filter(d -> d.publicKey().equals(verified.publicKey().base64Url()));
    Optional<PairingRepository.TokenRow> token =
        device.isPresent() ? PairingRepository.token(tx, deviceId, role) : Optional.empty();

    // Rule 3a: which credential is a device token, and does it match.
    Optional<String> candidate = attempt.auth().deviceToken();
    boolean fallback = false;
    if (candidate.isEmpty() && secret == Secret.MISMATCH && auth.mode() == AuthMode.TOKEN) {
      candidate = attempt.auth().token();
      fallback = true;
    }
    boolean liveToken = token.map(PairingRepository.TokenRow::live).orElse(false);
    if (secret == Secret.MISMATCH && (!fallback || !liveToken)) {
      // The shared secret sent is simply wrong (and, for auth.token, the device holds no token it
      // could have meant instead).
      return refuseWithAudit(
          tx, attempt, mutate, PairingErrors.secretMismatch(auth.mode()), "shared-secret-mismatch");
    }
    boolean tokenAuth = false;
    if (candidate.isPresent()) {
      Optional<String> why = deviceTokenProblem(device, token, candidate.get());
      if (why.isPresent()) {
        return refuseWithAudit(
            tx,
            attempt,
            mutate,
            fallback
                ? PairingErrors.tokenMatchesNeither(deviceId, role, why.get())
                : PairingErrors.deviceTokenMismatch(deviceId, role, why.get()),
            "device-token-mismatch");
      }
      tokenAuth = true;
    }
    boolean secretProven = secret == Secret.OK || secret == Secret.NOT_REQUIRED;

    // Rule 3b/4: pairing needed?
    Optional<PairingReason> reason = pairingReason(device, attempt);
    if (reason.isPresent()) {
      if (!mutate) {
        return NeedsWrite.INSTANCE;
      }
      boolean silent = secretProven && attempt.local() && pairing.autoApproveLocal();
      // A request approved in this same transaction was never pending for anyone: announce only
      // its resolution, so owners never see a request appear that needs nothing from them.
      PairingListener announcer = silent ? PairingListener.none() : listener;
      PendingRequests.Upsert pending =
          PendingRequests.upsert(
              tx,
              subject(attempt),
              reason.get(),
              device.isPresent(),
              pairing,
              now,
              announcer,
              afterCommit);
      if (pending instanceof PendingRequests.LimitReached limit) {
        return new Refused(limit.error());
      }
      PairingRequest request = ((PendingRequests.Pending) pending).request();
      if (!silent) {
        return new Refused(PairingErrors.pairingRequired(request, role, requested, device));
      }
      PairingRequest approved =
          Approvals.apply(tx, request, "silent", silentApprover(attempt), now);
      afterCommit.add(() -> listener.resolved(approved));
      device = PairingRepository.device(tx, deviceId);
      token = PairingRepository.token(tx, deviceId, role);
    }

    // Rule 5: issue or reuse the role token; its scopes only grow (capped by the baseline).
    PairedDevice paired = device.orElseThrow();
    ScopeSet tokenScopes = token.map(t -> t.info().scopes()).orElse(ScopeSet.empty());
    ScopeSet wanted = tokenScopes.union(Approvals.scopesFor(role, requested));
    boolean mint = token.isEmpty() || !token.get().live();
    boolean widen = !tokenScopes.equals(wanted);
    boolean seenStale =
        paired.lastSeenAtMs().map(t -> now - t >= LAST_SEEN_GRANULARITY_MS).orElse(true);
    if ((mint || widen || seenStale) && !mutate) {
      return NeedsWrite.INSTANCE;
    }
    Optional<String> issued = Optional.empty();
    long issuedAt = token.flatMap(t -> t.info().issuedAtMs()).orElse(now);
    if (mutate) {
      if (widen || token.isEmpty()) {
        PairingRepository.setTokenScopes(tx, deviceId, role, wanted, now);
        if (token.isPresent()) {
          audit(
              tx,
              now,
              "token.widen",
              "gateway",
              attempt,
              Map.of("scopesBefore", tokenScopes.names(), "scopesAfter", wanted.names()));
        }
      }
      if (mint) {
        String value = Secrets.newToken();
        PairingRepository.issue(tx, deviceId, role, Secrets.hash(value), now);
        issued = Optional.of(value);
        issuedAt = now;
        audit(tx, now, "token.issue", "gateway", attempt, Map.of("scopes", wanted.names()));
      }
      if (tokenAuth) {
        PairingRepository.touchToken(tx, deviceId, role, now);
      }
      if (seenStale) {
        PairingRepository.touchLastSeen(tx, deviceId, now, tokenAuth ? "device-token" : "connect");
      }
    }
    String method = tokenAuth ? "device-token" : secretProven ? secretMethod() : "device";
    // Least privilege per connection: what it asked for, as its role can hold it (a node
    // connection never holds operator scopes, whatever it put in its connect).
    return new Granted(
        new ConnectGrant(
            role,
            Approvals.scopesFor(role, requested),
            wanted,
            method,
            Optional.of(deviceId),
            issued,
            Optional.of(issuedAt)));
  }

  /** Empty when {@code candidate} is the device's live token for the role; else why not. */
  private static Optional<String> deviceTokenProblem(
      Optional<PairedDevice> device, Optional<PairingRepository.TokenRow> token, String candidate) {
    if (device.isEmpty()) {
      return Optional.of("the device is not paired (it was removed, or never approved)");
    }
    if (token.isEmpty()) {
      return Optional.of("the device holds no token for this role");
    }
    if (token.get().info().revokedAtMs().isPresent()) {
      return Optional.of("the token was revoked");
    }
    if (token.get().hash().isEmpty()) {
      return Optional.of("no token has been issued to the device since its last approval");
    }
    if (!Secrets.matchesHash(candidate, token.get().hash().get())) {
      return Optional.of("it does not match the device's current token (it may have been rotated)");
    }
    return Optional.empty();
  }

  private static Optional<PairingReason> pairingReason(
      Optional<PairedDevice> device, ConnectAttempt attempt) {
    if (device.isEmpty()) {
      return Optional.of(PairingReason.NOT_PAIRED);
    }
    Optional<ScopeSet> baseline = device.get().baseline(attempt.role());
    if (baseline.isEmpty()) {
      return Optional.of(PairingReason.ROLE_UPGRADE);
    }
    if (!baseline.get().covers(Approvals.scopesFor(attempt.role(), attempt.requestedScopes()))) {
      return Optional.of(PairingReason.SCOPE_UPGRADE);
    }
    if (metadataChanged(device.get().platform(), Optional.of(attempt.client().platform()))
        || metadataChanged(device.get().deviceFamily(), attempt.client().deviceFamily())) {
      return Optional.of(PairingReason.METADATA_UPGRADE);
    }
    return Optional.empty();
  }

  private static boolean metadataChanged(Optional<String> pinned, Optional<String> claimed) {
    return pinned.isPresent()
        && !DeviceAuthPayload.normalizeMetadata(pinned.get())
            .equals(DeviceAuthPayload.normalizeMetadata(claimed.orElse("")));
  }

  /** What a connecting device asks for, as a pairing request states it. */
  private static PendingRequests.Subject subject(ConnectAttempt attempt) {
    VerifiedDevice verified = attempt.device().orElseThrow();
    return new PendingRequests.Subject(
        verified.deviceId(),
        verified.publicKey().base64Url(),
        DeviceKind.DEVICE,
        attempt.client().displayName(),
        Optional.of(attempt.client().platform()),
        attempt.client().deviceFamily(),
        Optional.of(attempt.client().id()),
        Optional.of(attempt.client().mode()),
        attempt.role(),
        Approvals.scopesFor(attempt.role(), attempt.requestedScopes()),
        attempt.remoteAddress());
  }

  private static Approver silentApprover(ConnectAttempt attempt) {
    return new Approver(
        "gateway:silent-local", ScopeSet.empty(), Optional.empty(), attempt.remoteAddress());
  }

  private Result refuseWithAudit(
      Tx tx, ConnectAttempt attempt, boolean mutate, ClawgateException error, String why) {
    if (!mutate) {
      return NeedsWrite.INSTANCE;
    }
    AuditLog.append(tx, failedEntry(attempt, error, why));
    return new Refused(error);
  }

  /** Audits a refused device-less connect; returns {@code error} for the caller to throw. */
  private ClawgateException auditFailure(
      ConnectAttempt attempt, ClawgateException error, String why) {
    store.execute(tx -> AuditLog.append(tx, failedEntry(attempt, error, why)));
    return error;
  }

  private static void audit(
      Tx tx,
      long now,
      String action,
      String actor,
      ConnectAttempt attempt,
      Map<String, Object> detail) {
    AuditLog.append(tx, entry(now, action, actor, "ok", attempt, detail));
  }

  /** The {@code auth.failed} entry of a refused connect. */
  private AuditEntry failedEntry(ConnectAttempt attempt, ClawgateException error, String why) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("code", error.detail().name());
    detail.put("why", why);
    return entry(
        clock.millis(),
        "auth.failed",
        "conn:" + attempt.remoteAddress(),
        "denied",
        attempt,
        detail);
  }

  /** An audit entry about a connect attempt: its device (if any), role and address. */
  private static AuditEntry entry(
      long now,
      String action,
      String actor,
      String outcome,
      ConnectAttempt attempt,
      Map<String, Object> detail) {
    return new AuditEntry(
        0,
        now,
        action,
        actor,
        outcome,
        attempt.device().map(VerifiedDevice::deviceId),
        Optional.empty(),
        Optional.of(attempt.role().wireName()),
        Optional.of(attempt.remoteAddress()),
        detail);
  }
}
