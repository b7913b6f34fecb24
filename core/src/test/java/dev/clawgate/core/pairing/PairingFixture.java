package dev.clawgate.core.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.config.GatewayConfig.AuthConfig;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.config.GatewayConfig.PairingConfig;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A pairing service over a real SQLite file with a hand-moved clock, as the gateway runs it. {@link
 * #restart()} closes the store and opens the same file again, like a gateway restart.
 */
final class PairingFixture implements AutoCloseable {
  static final String SHARED_TOKEN = "shared-gateway-token-7f3a9c1e5b2d";
  static final String SHARED_PASSWORD = "correct horse battery staple";

  static final Scope ADMIN = Scope.ADMIN;
  static final Scope READ = Scope.READ;
  static final Scope WRITE = Scope.WRITE;
  static final Scope APPROVALS = Scope.APPROVALS;
  static final Scope PAIRING = Scope.PAIRING;
  static final Scope TALK_SECRETS = Scope.TALK_SECRETS;

  final Path file;
  final MutableClock clock;
  final AuthConfig auth;
  final PairingConfig pairing;
  final Recorder events = new Recorder();
  private StateStore store;
  private PairingService service;

  private PairingFixture(Path dir, AuthConfig auth, PairingConfig pairing) {
    this.file = dir.resolve("state.db");
    this.clock = MutableClock.create();
    this.auth = auth;
    this.pairing = pairing;
    this.store = StateStore.open(file);
    this.service = PairingService.create(store, auth, pairing, clock, events);
  }

  static PairingFixture open(Path dir, AuthConfig auth, PairingConfig pairing) {
    return new PairingFixture(dir, auth, pairing);
  }

  /** Token auth; pairing never silent (every approval is the owner's). */
  static PairingFixture manual(Path dir) {
    return open(dir, tokenAuth(), pairing(false));
  }

  /** Token auth; local connections that prove the token are approved silently (the default). */
  static PairingFixture autoLocal(Path dir) {
    return open(dir, tokenAuth(), pairing(true));
  }

  static AuthConfig tokenAuth() {
    return new AuthConfig(
        AuthMode.TOKEN,
        Optional.of(SHARED_TOKEN),
        Optional.empty(),
        "config",
        GatewayConfig.RateLimit.defaults());
  }

  static AuthConfig passwordAuth() {
    return new AuthConfig(
        AuthMode.PASSWORD,
        Optional.empty(),
        Optional.of(SHARED_PASSWORD),
        "config",
        GatewayConfig.RateLimit.defaults());
  }

  static PairingConfig pairing(boolean autoApproveLocal) {
    PairingConfig d = PairingConfig.defaults();
    return new PairingConfig(
        autoApproveLocal,
        d.pendingTtl(),
        d.maxPending(),
        d.maxPendingPerAddress(),
        d.resolvedRetention());
  }

  PairingService service() {
    return service;
  }

  StateStore store() {
    return store;
  }

  /** Closes the store and opens the same file with a new service, like a gateway restart. */
  void restart() {
    store.close();
    store = StateStore.open(file);
    service = PairingService.create(store, auth, pairing, clock, events);
  }

  @Override
  public void close() {
    store.close();
  }

  // ---- connects -------------------------------------------------------------------------------

  /** A connect of {@code device} (with the shared token, non-local, operator, no scopes). */
  Connect connect(DeviceIdentity device) {
    return new Connect(clock, Optional.of(device)).sharedToken(SHARED_TOKEN);
  }

  /** A connect without a device identity (with the shared token, non-local, operator). */
  Connect devicelessConnect() {
    return new Connect(clock, Optional.empty()).sharedToken(SHARED_TOKEN);
  }

  ConnectGrant grant(Connect connect) {
    return service.authorize(connect.build());
  }

  ClawgateException refusal(Connect connect) {
    ClawgateException error =
        catchThrowableOfType(ClawgateException.class, () -> service.authorize(connect.build()));
    assertThat(error).as("connect must be refused").isNotNull();
    return error;
  }

  /**
   * Pairs {@code device} for {@code role} and {@code scopes} the way an owner does it: the device
   * asks from a remote address, the owner approves from the local CLI, the device connects again
   * and receives its token. Returns the token value.
   */
  String pairByOwner(DeviceIdentity device, Role role, Scope... scopes) {
    ClawgateException pairingRequired =
        refusal(connect(device).role(role).scopes(scopes).remote("198.51.100.20"));
    assertThat(pairingRequired.detail())
        .isEqualTo(dev.clawgate.protocol.DetailCode.PAIRING_REQUIRED);
    service.approve(
        requestIdOf(pairingRequired), Optional.of(revisionOf(pairingRequired)), owner());
    ConnectGrant grant = grant(connect(device).role(role).scopes(scopes).remote("198.51.100.20"));
    assertThat(grant.issuedDeviceToken())
        .as("first connect after approval mints the token")
        .isPresent();
    return grant.issuedDeviceToken().orElseThrow();
  }

  static String requestIdOf(ClawgateException error) {
    return (String) detail(error, "requestId");
  }

  static int revisionOf(ClawgateException error) {
    return (Integer) detail(error, "revision");
  }

  static Object detail(ClawgateException error, String key) {
    return Objects.requireNonNull(
        error.details().get(key), () -> "no " + key + " in " + error.details());
  }

  // ---- approvers ------------------------------------------------------------------------------

  /** The owner at the gateway host: the local CLI with the shared secret (all scopes). */
  static Approver owner() {
    return new Approver("owner:local", ScopeSet.of(ADMIN), Optional.empty(), "127.0.0.1");
  }

  static Approver approverWith(Scope... scopes) {
    return new Approver("conn:test", ScopeSet.of(scopes), Optional.empty(), "198.51.100.9");
  }

  // ---- reading the database -------------------------------------------------------------------

  List<PairingRequest> requestsOf(String deviceId) {
    return store
        .read(tx ->
            tx.list(
                "SELECT request_id FROM pairing_requests WHERE device_id = ? ORDER BY created_at_ms,"
                    + " request_id",
                rs -> rs.getString(1),
                deviceId))
        .stream()
        .map(id -> service.request(id).orElseThrow())
        .toList();
  }

  List<PairingRequest> pendingOf(String deviceId) {
    return requestsOf(deviceId).stream().filter(r -> r.state() == RequestState.PENDING).toList();
  }

  long requestCount() {
    return store.read(tx -> tx.scalar("SELECT COUNT(*) FROM pairing_requests"));
  }

  Optional<byte[]> tokenHash(String deviceId, Role role) {
    return store.read(tx ->
        tx.first(
                "SELECT token_hash FROM device_tokens WHERE device_id = ? AND role = ?",
                rs -> Optional.ofNullable(rs.getBytes(1)),
                deviceId,
                role.wireName())
            .flatMap(h -> h));
  }

  PairedDevice device(String deviceId) {
    return service.device(deviceId).orElseThrow();
  }

  ScopeSet baseline(String deviceId, Role role) {
    return device(deviceId).baseline(role).orElseThrow();
  }

  ScopeSet tokenScopes(String deviceId, Role role) {
    return device(deviceId).token(role).orElseThrow().scopes();
  }

  List<AuditEntry> audit(String actionPrefix) {
    return AuditLog.list(
        store,
        new AuditLog.Filter(Optional.empty(), Optional.of(actionPrefix), Optional.empty(), 10_000));
  }

  void advance(Duration by) {
    clock.advance(by);
  }

  /** Records what the service announced. */
  static final class Recorder implements PairingListener {
    final List<PairingRequest> requested = new CopyOnWriteArrayList<>();
    final List<PairingRequest> resolved = new CopyOnWriteArrayList<>();

    @Override
    public void requested(PairingRequest request) {
      requested.add(request);
    }

    @Override
    public void resolved(PairingRequest request) {
      resolved.add(request);
    }
  }
}
