package dev.clawgate.core.pairing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.pairing.StoreSnapshot.RequestRow;
import dev.clawgate.core.pairing.StoreSnapshot.RoleKey;
import dev.clawgate.core.pairing.StoreSnapshot.TokenState;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The invariants of spec/pairing.md, checked on what the database holds after a step: at most one
 * pending request per device; token scopes within the baseline; baselines and token scopes never
 * shrink and token values never change except by the owner action that did it; resolutions are
 * final and request ids are never reused.
 */
final class PairingInvariants {
  private static final long RETENTION_MS = Duration.ofHours(24).toMillis();

  private PairingInvariants() {}

  /**
   * What a step was allowed to change.
   *
   * @param narrowed (device, role) whose baseline and token scopes may shrink
   * @param revalued (device, role) whose token value may change
   * @param swept whether resolved requests past the retention may be pruned
   */
  record Effects(Set<RoleKey> narrowed, Set<RoleKey> revalued, boolean swept) {
    static final Effects NONE = new Effects(Set.of(), Set.of(), false);
  }

  /**
   * Checks {@code now} against the spec's invariants, given the state before the step ({@code
   * prev}), what the step was allowed to change ({@code effects}), the token values issued so far
   * ({@code liveTokens}) and the device of every request id ever seen ({@code requestDevice}).
   */
  static void check(
      StoreSnapshot prev,
      StoreSnapshot now,
      Effects effects,
      Map<RoleKey, String> liveTokens,
      Map<String, String> requestDevice) {
    // At most one pending request per device.
    Map<String, Integer> pendingPerDevice = new HashMap<>();
    now.pendingRequests().forEach(r -> pendingPerDevice.merge(r.deviceId(), 1, Integer::sum));
    assertThat(pendingPerDevice.values()).allMatch(n -> n == 1);

    // Token scopes lie within the baseline; a token without a role is a revoked tombstone.
    now.tokens()
        .forEach((key, token) -> {
          Optional<ScopeSet> baseline = now.baseline(key.deviceId(), key.role());
          if (baseline.isPresent()) {
            assertThat(token.revoked()).as("token of an approved role %s", key).isFalse();
            assertThat(baseline.get().covers(token.scopes()))
                .as("token %s %s within baseline %s", key, token.scopes(), baseline.get())
                .isTrue();
          } else {
            assertThat(token.revoked()).as("token %s without a role is revoked", key).isTrue();
          }
          if (key.role() == Role.NODE) {
            assertThat(token.scopes().isEmpty()).as("node tokens carry no scopes").isTrue();
          }
        });

    // Baselines and token scopes never shrink, token values never change, except by the
    // explicit owner action that did it.
    prev.baselines()
        .forEach((key, baseline) -> {
          if (!effects.narrowed().contains(key)) {
            assertThat(now.baselines()).as("baseline %s kept", key).containsKey(key);
            assertThat(now.baseline(key.deviceId(), key.role()).orElseThrow().asSet())
                .as("baseline %s never shrinks", key)
                .containsAll(baseline.asSet());
          }
        });
    prev.tokens()
        .forEach((key, token) -> {
          if (token.revoked() || effects.narrowed().contains(key)) {
            return;
          }
          TokenState after = now.tokens().get(key);
          assertThat(after).as("token %s kept", key).isNotNull();
          assertThat(after.scopes().asSet())
              .as("token %s scopes never shrink", key)
              .containsAll(token.scopes().asSet());
          if (token.live() && !effects.revalued().contains(key)) {
            assertThat(after.hashHex())
                .as("token %s value unchanged", key)
                .isEqualTo(token.hashHex());
            assertThat(after.live()).isTrue();
          }
        });

    // The model of issued values matches the store exactly.
    liveTokens.forEach((key, value) -> {
      TokenState token = now.tokens().get(key);
      assertThat(token).as("issued token %s is stored", key).isNotNull();
      assertThat(token.live()).as("issued token %s is live", key).isTrue();
      assertThat(token.hashHex()).contains(hashHex(value));
    });
    now.tokens()
        .forEach((key, token) -> {
          if (token.live()) {
            assertThat(liveTokens).as("live token %s was issued to someone", key).containsKey(key);
          }
        });

    // Requests: ids are never reused, resolutions are final, pending requests only grow.
    for (RequestRow r : now.requests().values()) {
      String owner = requestDevice.get(r.requestId());
      if (owner != null) {
        assertThat(r.deviceId())
            .as("request %s stays with its device", r.requestId())
            .isEqualTo(owner);
        assertThat(prev.requests())
            .as("request id %s is never reused after pruning", r.requestId())
            .containsKey(r.requestId());
      }
    }
    prev.requests()
        .forEach((id, before) -> {
          RequestRow after = now.requests().get(id);
          if (after == null) {
            assertThat(before.state())
                .as("only resolved requests are pruned")
                .isNotEqualTo(RequestState.PENDING);
            assertThat(effects.swept()).as("only a sweep prunes").isTrue();
            assertThat(before.resolvedAtMs().orElseThrow())
                .as("kept at least 24 h")
                .isLessThan(now.atMs() - RETENTION_MS);
            return;
          }
          if (before.state() != RequestState.PENDING) {
            assertThat(after).as("resolved request %s is final", id).isEqualTo(before);
            return;
          }
          assertThat(after.revision()).isGreaterThanOrEqualTo(before.revision());
          assertThat(after.scopes().asSet()).containsAll(before.scopes().asSet());
          assertThat(after.roles()).containsAll(before.roles());
          if (after.revision() == before.revision()) {
            assertThat(after.scopes()).isEqualTo(before.scopes());
            assertThat(after.roles()).isEqualTo(before.roles());
          }
        });
  }

  private static String hashHex(String token) {
    return HexFormat.of().formatHex(Secrets.hash(token));
  }
}
