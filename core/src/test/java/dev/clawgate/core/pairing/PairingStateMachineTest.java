package dev.clawgate.core.pairing;

import static dev.clawgate.core.pairing.PairingFixture.ADMIN;
import static dev.clawgate.core.pairing.PairingFixture.APPROVALS;
import static dev.clawgate.core.pairing.PairingFixture.PAIRING;
import static dev.clawgate.core.pairing.PairingFixture.READ;
import static dev.clawgate.core.pairing.PairingFixture.SHARED_TOKEN;
import static dev.clawgate.core.pairing.PairingFixture.TALK_SECRETS;
import static dev.clawgate.core.pairing.PairingFixture.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.pairing.PairingInvariants.Effects;
import dev.clawgate.core.pairing.StoreSnapshot.RequestRow;
import dev.clawgate.core.pairing.StoreSnapshot.RoleKey;
import dev.clawgate.core.pairing.StoreSnapshot.TokenState;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random walks over everything that changes pairing state: connects of three devices with random
 * roles, scopes, locality and credentials; approvals with current or stale revisions and random
 * authority; rejects, rotations, revocations, removals; the clock passing the TTL and the
 * retention, with sweeps; and gateway restarts. After every step the database is read directly and
 * checked against the spec's invariants and a model of what may change; every outcome is checked
 * against an oracle of the connect decision and the owner actions.
 *
 * <p>A failure names the seed and the step and lists the steps before it; rerun that seed alone to
 * reproduce the walk (device keys and ids differ between runs, the walk does not).
 */
class PairingStateMachineTest {
  private static final int STEPS = 300;
  private static final List<Scope> ALL_SCOPES =
      List.of(ADMIN, READ, WRITE, APPROVALS, PAIRING, TALK_SECRETS);
  private static final long RETENTION_MS = Duration.ofHours(24).toMillis();

  @TempDir Path dir;

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 20).map(i -> 78_727_000L + i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void invariantsHoldAfterEveryStep(long seed) {
    try (PairingFixture f =
        PairingFixture.open(
            dir, PairingFixture.tokenAuth(), PairingFixture.pairing(seed % 3 != 0))) {
      Walk walk = new Walk(seed, f);
      walk.run();
      assertThat(walk.tally)
          .as("the walk exercised the interesting paths: %s", walk.tally)
          .containsKeys("grant", "PAIRING_REQUIRED", "approve");
    }
  }

  private enum AuthToken {
    SHARED,
    ABSENT,
    WRONG,
    DEVICE_LIVE
  }

  private enum DeviceToken {
    NONE,
    LIVE,
    STALE
  }

  private static final class Walk {
    private final long seed;
    private final RandomGenerator random;
    private final PairingFixture f;
    private final List<DeviceIdentity> devices = new ArrayList<>();
    private final Map<RoleKey, String> liveTokens = new HashMap<>();
    private final List<String> staleTokens = new ArrayList<>();
    private final Map<String, String> requestDevice = new HashMap<>();
    private final List<String> seenRequests = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final Map<String, Integer> tally = new LinkedHashMap<>();
    private StoreSnapshot prev;

    Walk(long seed, PairingFixture f) {
      this.seed = seed;
      this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
      this.f = f;
      for (int i = 0; i < 3; i++) {
        devices.add(DeviceIdentity.generate());
      }
      this.prev = snapshot();
    }

    void run() {
      for (int step = 1; step <= STEPS; step++) {
        try {
          Effects effects = step();
          StoreSnapshot now = snapshot();
          PairingInvariants.check(prev, now, effects, liveTokens, requestDevice);
          remember(now);
          prev = now;
        } catch (AssertionError | RuntimeException e) {
          int from = Math.max(0, log.size() - 25);
          throw new AssertionError(
              "seed "
                  + seed
                  + ", step "
                  + step
                  + " failed: "
                  + e.getMessage()
                  + "\nlast steps:\n  "
                  + String.join("\n  ", log.subList(from, log.size())),
              e);
        }
      }
    }

    private StoreSnapshot snapshot() {
      return StoreSnapshot.read(f.store(), f.clock.millis());
    }

    private void count(String what) {
      tally.merge(what, 1, Integer::sum);
    }

    private Effects step() {
      int roll = random.nextInt(100);
      if (roll < 48) {
        return connect();
      } else if (roll < 64) {
        return approve(false);
      } else if (roll < 66) {
        return approve(true);
      } else if (roll < 70) {
        return reject();
      } else if (roll < 77) {
        return rotate();
      } else if (roll < 81) {
        return revoke();
      } else if (roll < 84) {
        return remove();
      } else if (roll < 97) {
        return advance();
      } else {
        log.add("restart");
        f.restart();
        assertThat(snapshot()).as("a restart changes nothing").isEqualTo(prev);
        return Effects.NONE;
      }
    }

    // ---- connect ------------------------------------------------------------------------------

    private Effects connect() {
      DeviceIdentity device = devices.get(random.nextInt(devices.size()));
      String d = device.deviceId();
      Role role = random.nextInt(5) == 0 ? Role.NODE : Role.OPERATOR;
      ScopeSet requested = randomScopes();
      boolean local = random.nextInt(3) == 0;
      RoleKey key = new RoleKey(d, role);
      Optional<String> live = Optional.ofNullable(liveTokens.get(key));
      AuthToken authToken =
          switch (random.nextInt(20)) {
            case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 -> AuthToken.SHARED;
            case 10, 11, 12, 13, 14 -> AuthToken.ABSENT;
            case 15, 16 -> AuthToken.WRONG;
            default -> live.isPresent() ? AuthToken.DEVICE_LIVE : AuthToken.SHARED;
          };
      DeviceToken deviceToken =
          switch (random.nextInt(20)) {
            case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 -> DeviceToken.NONE;
            case 10, 11, 12, 13, 14, 15, 16 ->
                live.isPresent() ? DeviceToken.LIVE : DeviceToken.NONE;
            default -> staleTokens.isEmpty() ? DeviceToken.NONE : DeviceToken.STALE;
          };
      Connect connect = f.connect(device).noSharedToken().role(role).scopes(requested.asSet());
      if (local) {
        connect.local();
      } else {
        connect.remote(random.nextBoolean() ? "198.51.100.1" : "198.51.100.2");
      }
      switch (authToken) {
        case SHARED -> connect.sharedToken(SHARED_TOKEN);
        case WRONG -> connect.sharedToken("not-the-gateway-token");
        case DEVICE_LIVE -> connect.sharedToken(live.orElseThrow());
        case ABSENT -> {}
      }
      switch (deviceToken) {
        case LIVE -> connect.deviceToken(live.orElseThrow());
        case STALE -> connect.deviceToken(staleTokens.get(random.nextInt(staleTokens.size())));
        case NONE -> {}
      }
      log.add(
          "connect "
              + key
              + " "
              + requested
              + (local ? " local" : " remote")
              + " auth.token="
              + authToken
              + " deviceToken="
              + deviceToken);

      // The oracle: spec/pairing.md's connect decision, from the state before the step.
      Optional<DetailCode> authFailure = Optional.empty();
      boolean tokenAuth = false;
      if (authToken == AuthToken.WRONG || authToken == AuthToken.DEVICE_LIVE) {
        if (deviceToken != DeviceToken.NONE) {
          authFailure = Optional.of(DetailCode.AUTH_TOKEN_MISMATCH);
        } else if (authToken == AuthToken.DEVICE_LIVE) {
          tokenAuth = true;
        } else {
          authFailure =
              Optional.of(
                  prev.liveToken(d, role)
                      ? DetailCode.AUTH_DEVICE_TOKEN_MISMATCH
                      : DetailCode.AUTH_TOKEN_MISMATCH);
        }
      } else if (deviceToken == DeviceToken.LIVE) {
        tokenAuth = true;
      } else if (deviceToken == DeviceToken.STALE) {
        authFailure = Optional.of(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH);
      }
      ScopeSet wanted = Approvals.scopesFor(role, requested);
      boolean pairingNeeded =
          !prev.devices().contains(d)
              || prev.baseline(d, role).map(b -> !b.covers(wanted)).orElse(true);
      boolean silent = authToken == AuthToken.SHARED && local && f.pairing.autoApproveLocal();
      Optional<DetailCode> expected =
          authFailure.isPresent()
              ? authFailure
              : pairingNeeded && !silent
                  ? Optional.of(DetailCode.PAIRING_REQUIRED)
                  : Optional.empty();

      ConnectGrant grant;
      try {
        grant = f.grant(connect);
      } catch (ClawgateException e) {
        count(e.detail().name());
        assertThat(Optional.of(e.detail())).as("refusal: %s", e.getMessage()).isEqualTo(expected);
        if (e.detail() != DetailCode.AUTH_TOKEN_MISMATCH
            && e.detail() != DetailCode.AUTH_TOKEN_MISSING) {
          assertThat(e.getMessage()).doesNotContain("gateway.auth.token", "gateway.remote.token");
        }
        if (e.detail() == DetailCode.PAIRING_REQUIRED) {
          checkPendingAfterRefusal(d, role, wanted, PairingFixture.requestIdOf(e));
        } else {
          StoreSnapshot now = snapshot();
          assertThat(now.requests()).as("a failed auth asks nothing").isEqualTo(prev.requests());
        }
        return Effects.NONE;
      }
      count("grant");
      assertThat(expected).as("the connect must be refused").isEmpty();
      StoreSnapshot now = snapshot();
      assertThat(grant.connectionScopes()).isEqualTo(wanted);
      TokenState token = now.token(d, role).orElseThrow();
      assertThat(token.live()).isTrue();
      assertThat(grant.reportedScopes()).isEqualTo(token.scopes());
      assertThat(grant.reportedScopes().covers(wanted)).isTrue();
      assertThat(now.baseline(d, role).orElseThrow().covers(token.scopes())).isTrue();
      if (tokenAuth) {
        assertThat(grant.authMethod()).isEqualTo("device-token");
      }
      assertThat(grant.issuedDeviceToken().isPresent())
          .as("a token is minted exactly when the device holds no live one")
          .isEqualTo(!prev.liveToken(d, role));
      grant
          .issuedDeviceToken()
          .ifPresent(value -> {
            assertThat(liveTokens).doesNotContainKey(key);
            liveTokens.put(key, value);
          });
      if (pairingNeeded) {
        count("silent");
        List<RequestRow> silentApproved =
            now.requests().values().stream()
                .filter(r -> r.deviceId().equals(d) && r.state() == RequestState.APPROVED)
                .filter(r ->
                    !prev.requests().containsKey(r.requestId())
                        || prev.requests().get(r.requestId()).state() == RequestState.PENDING)
                .toList();
        assertThat(silentApproved)
            .singleElement()
            .satisfies(r -> {
              assertThat(r.approvedVia()).contains("silent");
              prev.pendingOf(d)
                  .filter(p -> p.livePending(prev.atMs()))
                  .ifPresent(p -> assertThat(r.requestId()).isEqualTo(p.requestId()));
            });
      } else {
        assertThat(now.requests()).as("a covered connect asks nothing").isEqualTo(prev.requests());
      }
      return Effects.NONE;
    }

    private void checkPendingAfterRefusal(String d, Role role, ScopeSet wanted, String requestId) {
      StoreSnapshot now = snapshot();
      RequestRow pending = now.pendingOf(d).orElseThrow();
      assertThat(pending.requestId()).isEqualTo(requestId);
      assertThat(pending.livePending(now.atMs())).isTrue();
      assertThat(pending.roles()).contains(role);
      assertThat(pending.scopes().covers(wanted)).isTrue();
      Optional<RequestRow> before = prev.pendingOf(d).filter(p -> p.livePending(prev.atMs()));
      if (before.isPresent()) {
        RequestRow p = before.get();
        assertThat(requestId).as("a pending request keeps its id").isEqualTo(p.requestId());
        boolean more = !p.roles().contains(role) || !p.scopes().covers(wanted);
        assertThat(pending.revision()).isEqualTo(more ? p.revision() + 1 : p.revision());
      } else {
        assertThat(requestDevice).as("a new request has a new id").doesNotContainKey(requestId);
        assertThat(pending.revision()).isEqualTo(1);
        prev.pendingOf(d)
            .ifPresent(expired ->
                assertThat(now.request(expired.requestId()).state())
                    .as("an expired request is never resurrected")
                    .isEqualTo(RequestState.EXPIRED));
      }
    }

    // ---- owner actions ------------------------------------------------------------------------

    private Optional<String> pickRequest() {
      List<String> pending = new ArrayList<>();
      for (DeviceIdentity device : devices) {
        prev.pendingOf(device.deviceId()).ifPresent(r -> pending.add(r.requestId()));
      }
      if (!pending.isEmpty() && (seenRequests.isEmpty() || random.nextInt(10) < 7)) {
        return Optional.of(pending.get(random.nextInt(pending.size())));
      }
      if (seenRequests.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(seenRequests.get(random.nextInt(seenRequests.size())));
    }

    private Approver randomApprover(Optional<RequestRow> request) {
      return switch (random.nextInt(20)) {
        case 0, 1, 2, 3, 4, 5, 6, 7 -> PairingFixture.owner();
        case 8, 9, 10, 11, 12, 13 -> {
          ScopeSet exact =
              ScopeSet.of(PAIRING).union(request.map(RequestRow::scopes).orElse(ScopeSet.empty()));
          if (request.map(r -> r.roles().contains(Role.NODE)).orElse(false)) {
            exact = exact.union(ScopeSet.of(ADMIN));
          }
          yield new Approver("conn:exact", exact, Optional.empty(), "198.51.100.9");
        }
        case 14, 15, 16 -> PairingFixture.approverWith(PAIRING);
        default -> PairingFixture.approverWith(READ, WRITE);
      };
    }

    private Effects approve(boolean byDevice) {
      Optional<RequestRow> target;
      String label;
      if (byDevice) {
        String d = devices.get(random.nextInt(devices.size())).deviceId();
        target = prev.pendingOf(d);
        label = "approveDevice " + d.substring(0, 8);
      } else {
        Optional<String> id = pickRequest();
        if (id.isEmpty()) {
          return advance();
        }
        target = Optional.ofNullable(prev.requests().get(id.get()));
        label = "approve " + id.get().substring(0, 8);
        if (target.isEmpty()) {
          log.add(label + " (pruned)");
          assertFailsWith(
              DetailCode.PAIRING_REQUEST_NOT_FOUND,
              () -> f.service().approve(id.get(), Optional.empty(), PairingFixture.owner()));
          return Effects.NONE;
        }
      }
      if (target.isEmpty()) {
        log.add(label + " (no pending)");
        String d = label.substring(label.length() - 8);
        DeviceIdentity device =
            devices.stream().filter(x -> x.deviceId().startsWith(d)).findFirst().orElseThrow();
        assertFailsWith(
            DetailCode.PAIRING_REQUEST_NOT_FOUND,
            () ->
                f.service()
                    .approveDevice(device.deviceId(), Optional.empty(), PairingFixture.owner()));
        return Effects.NONE;
      }
      RequestRow r = target.get();
      Approver approver = randomApprover(target);
      int mode = random.nextInt(10);
      Optional<Integer> seen =
          mode < 5
              ? Optional.of(r.revision())
              : mode < 8 ? Optional.empty() : Optional.of(Math.max(1, r.revision() - 1));
      log.add(
          label
              + " state="
              + r.state()
              + " rev="
              + r.revision()
              + " seen="
              + seen
              + " by "
              + approver.scopes());

      long now = f.clock.millis();
      Optional<DetailCode> expectedFailure;
      boolean already = false;
      if (r.state() == RequestState.APPROVED) {
        already = prev.devices().contains(r.deviceId());
        expectedFailure =
            already ? Optional.empty() : Optional.of(DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED);
      } else if (r.state() == RequestState.EXPIRED
          || (r.state() == RequestState.PENDING && r.expiresAtMs() <= now)) {
        expectedFailure = Optional.of(DetailCode.PAIRING_REQUEST_EXPIRED);
      } else if (r.state() != RequestState.PENDING) {
        expectedFailure = Optional.of(DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED);
      } else if (seen.isPresent() && seen.get() != r.revision()) {
        expectedFailure = Optional.of(DetailCode.PAIRING_REQUEST_REVISION_CONFLICT);
      } else if (!approver.scopes().covers(needed(r))) {
        expectedFailure = Optional.of(DetailCode.APPROVER_MISSING_SCOPE);
      } else {
        expectedFailure = Optional.empty();
      }

      if (expectedFailure.isPresent()) {
        assertFailsWith(
            expectedFailure.get(),
            () -> {
              if (byDevice) {
                f.service().approveDevice(r.deviceId(), seen, approver);
              } else {
                f.service().approve(r.requestId(), seen, approver);
              }
            });
        return Effects.NONE;
      }
      PairingService.ApprovalResult result =
          byDevice
              ? f.service().approveDevice(r.deviceId(), seen, approver)
              : f.service().approve(r.requestId(), seen, approver);
      assertThat(result.alreadyApproved()).isEqualTo(already);
      StoreSnapshot after = snapshot();
      if (already) {
        assertThat(after).as("approving again changes nothing").isEqualTo(prev);
        return Effects.NONE;
      }
      count("approve");
      assertThat(after.request(r.requestId()).state()).isEqualTo(RequestState.APPROVED);
      for (Role role : r.roles()) {
        ScopeSet granted = Approvals.scopesFor(role, r.scopes());
        ScopeSet baseline = after.baseline(r.deviceId(), role).orElseThrow();
        assertThat(baseline.asSet())
            .as("baseline := baseline ∪ requested")
            .containsAll(granted.asSet())
            .containsAll(prev.baseline(r.deviceId(), role).orElse(ScopeSet.empty()).asSet());
        TokenState token = after.token(r.deviceId(), role).orElseThrow();
        assertThat(token.scopes().asSet())
            .as("token scopes := token scopes ∪ requested")
            .containsAll(granted.asSet());
      }
      return Effects.NONE;
    }

    private static ScopeSet needed(RequestRow r) {
      ScopeSet needed = ScopeSet.of(PAIRING).union(r.scopes());
      return r.roles().contains(Role.NODE) ? needed.union(ScopeSet.of(ADMIN)) : needed;
    }

    private Effects reject() {
      Optional<String> id = pickRequest();
      if (id.isEmpty()) {
        return advance();
      }
      Approver approver =
          random.nextInt(4) == 0 ? PairingFixture.approverWith(READ) : PairingFixture.owner();
      Optional<RequestRow> r = Optional.ofNullable(prev.requests().get(id.get()));
      log.add(
          "reject "
              + id.get().substring(0, 8)
              + " state="
              + r.map(RequestRow::state)
              + " by "
              + approver.scopes());
      long now = f.clock.millis();
      Optional<DetailCode> expectedFailure;
      if (r.isEmpty()) {
        expectedFailure = Optional.of(DetailCode.PAIRING_REQUEST_NOT_FOUND);
      } else if (r.get().state() == RequestState.REJECTED) {
        expectedFailure = Optional.empty();
      } else if (r.get().state() == RequestState.EXPIRED
          || (r.get().state() == RequestState.PENDING && r.get().expiresAtMs() <= now)) {
        expectedFailure = Optional.of(DetailCode.PAIRING_REQUEST_EXPIRED);
      } else if (r.get().state() != RequestState.PENDING) {
        expectedFailure = Optional.of(DetailCode.PAIRING_REQUEST_ALREADY_RESOLVED);
      } else if (!approver.scopes().allows(PAIRING)) {
        expectedFailure = Optional.of(DetailCode.APPROVER_MISSING_SCOPE);
      } else {
        expectedFailure = Optional.empty();
      }
      if (expectedFailure.isPresent()) {
        assertFailsWith(expectedFailure.get(), () -> f.service().reject(id.get(), approver));
        return Effects.NONE;
      }
      PairingRequest rejected = f.service().reject(id.get(), approver);
      assertThat(rejected.state()).isEqualTo(RequestState.REJECTED);
      return Effects.NONE;
    }

    private Effects rotate() {
      String d = devices.get(random.nextInt(devices.size())).deviceId();
      Role role = random.nextInt(4) == 0 ? Role.NODE : Role.OPERATOR;
      RoleKey key = new RoleKey(d, role);
      Optional<ScopeSet> baseline = prev.baseline(d, role);
      int mode = random.nextInt(20);
      Optional<ScopeSet> scopes;
      if (mode < 10) {
        scopes = Optional.empty();
      } else if (mode < 17) {
        List<Scope> subset = new ArrayList<>();
        baseline.ifPresent(
            b -> b.asSet().stream().filter(s -> random.nextBoolean()).forEach(subset::add));
        scopes = Optional.of(ScopeSet.of(subset));
      } else {
        scopes = Optional.of(randomScopes().union(ScopeSet.of(ALL_SCOPES.get(random.nextInt(6)))));
      }
      Approver approver =
          random.nextInt(7) == 0 ? PairingFixture.approverWith(PAIRING) : PairingFixture.owner();
      log.add("rotate " + key + " scopes=" + scopes + " by " + approver.scopes());

      Optional<DetailCode> expectedFailure = Optional.empty();
      ScopeSet after = ScopeSet.empty();
      if (!prev.devices().contains(d)) {
        expectedFailure = Optional.of(DetailCode.DEVICE_NOT_FOUND);
      } else if (baseline.isEmpty()) {
        expectedFailure = Optional.of(DetailCode.ROLE_NOT_APPROVED);
      } else {
        ScopeSet before = prev.token(d, role).map(TokenState::scopes).orElse(baseline.get());
        after = scopes.map(s -> Approvals.scopesFor(role, s)).orElse(before);
        if (!baseline.get().covers(after)) {
          expectedFailure = Optional.of(DetailCode.SCOPE_OUTSIDE_BASELINE);
        } else if (!approver.scopes().covers(ScopeSet.of(PAIRING).union(after))) {
          expectedFailure = Optional.of(DetailCode.APPROVER_MISSING_SCOPE);
        }
      }
      if (expectedFailure.isPresent()) {
        assertFailsWith(expectedFailure.get(), () -> f.service().rotate(d, role, scopes, approver));
        return Effects.NONE;
      }
      count("rotate");
      PairingService.RotatedToken rotated = f.service().rotate(d, role, scopes, approver);
      assertThat(rotated.scopes()).isEqualTo(after);
      StoreSnapshot now = snapshot();
      TokenState token = now.token(d, role).orElseThrow();
      assertThat(token.hashHex()).contains(hashHex(rotated.token()));
      assertThat(token.scopes()).isEqualTo(after);
      assertThat(now.baseline(d, role)).contains(scopes.isPresent() ? after : baseline.get());
      Optional.ofNullable(liveTokens.put(key, rotated.token())).ifPresent(staleTokens::add);
      return new Effects(scopes.isPresent() ? Set.of(key) : Set.of(), Set.of(key), false);
    }

    private Effects revoke() {
      String d = devices.get(random.nextInt(devices.size())).deviceId();
      Role role = random.nextInt(4) == 0 ? Role.NODE : Role.OPERATOR;
      RoleKey key = new RoleKey(d, role);
      Approver approver =
          random.nextInt(7) == 0 ? PairingFixture.approverWith(PAIRING) : PairingFixture.owner();
      log.add("revoke " + key + " by " + approver.scopes());
      Optional<ScopeSet> baseline = prev.baseline(d, role);
      Optional<DetailCode> expectedFailure =
          !prev.devices().contains(d)
              ? Optional.of(DetailCode.DEVICE_NOT_FOUND)
              : baseline.isEmpty()
                  ? Optional.of(DetailCode.ROLE_NOT_APPROVED)
                  : !approver.scopes().covers(ScopeSet.of(PAIRING).union(baseline.get()))
                      ? Optional.of(DetailCode.APPROVER_MISSING_SCOPE)
                      : Optional.empty();
      if (expectedFailure.isPresent()) {
        assertFailsWith(expectedFailure.get(), () -> f.service().revoke(d, role, approver));
        return Effects.NONE;
      }
      count("revoke");
      f.service().revoke(d, role, approver);
      StoreSnapshot now = snapshot();
      assertThat(now.baseline(d, role)).isEmpty();
      assertThat(now.token(d, role).map(TokenState::revoked)).contains(true);
      Optional.ofNullable(liveTokens.remove(key)).ifPresent(staleTokens::add);
      return new Effects(Set.of(key), Set.of(key), false);
    }

    private Effects remove() {
      String d = devices.get(random.nextInt(devices.size())).deviceId();
      Approver approver =
          random.nextInt(7) == 0 ? PairingFixture.approverWith(PAIRING) : PairingFixture.owner();
      log.add("remove " + d.substring(0, 8) + " by " + approver.scopes());
      ScopeSet held = prev.baseline(d, Role.OPERATOR).orElse(ScopeSet.empty());
      Optional<DetailCode> expectedFailure =
          !prev.devices().contains(d) && prev.pendingOf(d).isEmpty()
              ? Optional.of(DetailCode.DEVICE_NOT_FOUND)
              : !approver.scopes().covers(ScopeSet.of(PAIRING).union(held))
                  ? Optional.of(DetailCode.APPROVER_MISSING_SCOPE)
                  : Optional.empty();
      if (expectedFailure.isPresent()) {
        assertFailsWith(expectedFailure.get(), () -> f.service().remove(d, approver));
        return Effects.NONE;
      }
      count("remove");
      f.service().remove(d, approver);
      StoreSnapshot now = snapshot();
      assertThat(now.devices()).doesNotContain(d);
      assertThat(now.tokens().keySet()).noneMatch(k -> k.deviceId().equals(d));
      assertThat(now.pendingOf(d)).isEmpty();
      prev.pendingOf(d)
          .ifPresent(
              p -> assertThat(now.request(p.requestId()).state()).isEqualTo(RequestState.REMOVED));
      Set<RoleKey> gone = new HashSet<>();
      for (Role role : Role.values()) {
        RoleKey key = new RoleKey(d, role);
        gone.add(key);
        Optional.ofNullable(liveTokens.remove(key)).ifPresent(staleTokens::add);
      }
      return new Effects(gone, gone, false);
    }

    // ---- time ---------------------------------------------------------------------------------

    private Effects advance() {
      int roll = random.nextInt(20);
      Duration by =
          roll < 13
              ? Duration.ofSeconds(1 + random.nextInt(120))
              : roll < 19
                  ? Duration.ofMinutes(5).plusSeconds(random.nextInt(120))
                  : Duration.ofHours(24).plusMinutes(1);
      boolean sweep = random.nextBoolean();
      log.add("advance " + by + (sweep ? " + sweep" : ""));
      f.advance(by);
      if (!sweep) {
        return Effects.NONE;
      }
      long now = f.clock.millis();
      Set<String> dueToExpire = new HashSet<>();
      long dueToPrune = 0;
      for (RequestRow r : prev.requests().values()) {
        if (r.state() == RequestState.PENDING && r.expiresAtMs() <= now) {
          dueToExpire.add(r.requestId());
        } else if (r.state() != RequestState.PENDING
            && r.resolvedAtMs().orElseThrow() < now - RETENTION_MS) {
          dueToPrune++;
        }
      }
      PairingService.SweepResult result = f.service().sweep();
      assertThat(result.expired())
          .extracting(PairingRequest::requestId)
          .containsExactlyInAnyOrderElementsOf(dueToExpire);
      assertThat((long) result.pruned()).isEqualTo(dueToPrune);
      if (!dueToExpire.isEmpty()) {
        count("expired");
      }
      return new Effects(Set.of(), Set.of(), true);
    }

    private void remember(StoreSnapshot now) {
      now.requests().values().stream()
          .map(RequestRow::requestId)
          .filter(id -> !requestDevice.containsKey(id))
          .sorted()
          .forEach(id -> {
            requestDevice.put(id, now.request(id).deviceId());
            seenRequests.add(id);
          });
    }

    // ---- helpers ------------------------------------------------------------------------------

    private ScopeSet randomScopes() {
      List<Scope> scopes = new ArrayList<>();
      for (Scope scope : ALL_SCOPES) {
        if (random.nextInt(10) < (scope.equals(ADMIN) ? 1 : 3)) {
          scopes.add(scope);
        }
      }
      return ScopeSet.of(scopes);
    }

    private void assertFailsWith(DetailCode code, Runnable action) {
      count("refused-owner-action");
      try {
        action.run();
      } catch (ClawgateException e) {
        assertThat(e.detail()).as("refusal: %s", e.getMessage()).isEqualTo(code);
        assertThat(snapshot()).as("a refused owner action changes nothing").isEqualTo(prev);
        return;
      }
      throw new AssertionError("expected " + code + " but the action succeeded");
    }

    private static String hashHex(String token) {
      return HexFormat.of().formatHex(Secrets.hash(token));
    }
  }
}
