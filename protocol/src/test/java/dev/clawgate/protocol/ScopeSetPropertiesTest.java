package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Algebraic properties of {@link ScopeSet}, checked over random sets drawn from a seeded generator.
 * A failure names its seed, which reproduces it exactly.
 */
class ScopeSetPropertiesTest {
  private static final int SEEDS = 200;

  /** Known scopes, unknown operator scopes and non-operator scopes, so every rule is exercised. */
  private static final List<Scope> POOL =
      List.of(
          Scope.ADMIN,
          Scope.READ,
          Scope.WRITE,
          Scope.APPROVALS,
          Scope.PAIRING,
          Scope.TALK_SECRETS,
          new Scope("operator.future"),
          new Scope("node.exec"),
          new Scope("plugin.github.read"),
          new Scope("talk.secrets"));

  static Stream<Long> seeds() {
    return LongStream.range(0, SEEDS).boxed();
  }

  private static RandomGenerator random(long seed) {
    return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
  }

  private static ScopeSet randomSet(RandomGenerator random) {
    int size = random.nextInt(POOL.size() + 1);
    List<Scope> scopes = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      // Admin is rarer so that sets without it (where exact matching decides) are common.
      Scope scope = POOL.get(random.nextInt(POOL.size()));
      if (!scope.equals(Scope.ADMIN) || random.nextInt(4) == 0) {
        scopes.add(scope);
      }
    }
    return ScopeSet.of(scopes);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void unionIsCommutative(long seed) {
    RandomGenerator random = random(seed);
    ScopeSet a = randomSet(random);
    ScopeSet b = randomSet(random);

    assertThat(a.union(b)).isEqualTo(b.union(a));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void unionIsAssociative(long seed) {
    RandomGenerator random = random(seed);
    ScopeSet a = randomSet(random);
    ScopeSet b = randomSet(random);
    ScopeSet c = randomSet(random);

    assertThat(a.union(b).union(c)).isEqualTo(a.union(b.union(c)));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void unionCoversBothInputs(long seed) {
    RandomGenerator random = random(seed);
    ScopeSet a = randomSet(random);
    ScopeSet b = randomSet(random);

    ScopeSet union = a.union(b);

    assertThat(union.covers(a)).isTrue();
    assertThat(union.covers(b)).isTrue();
    assertThat(union.asSet()).containsAll(a.asSet()).containsAll(b.asSet());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void coversIsReflexive(long seed) {
    ScopeSet a = randomSet(random(seed));

    assertThat(a.covers(a)).isTrue();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void coversIsTransitive(long seed) {
    RandomGenerator random = random(seed);
    ScopeSet a = randomSet(random);
    // Derive b and c from a so that the premise holds often, not just by rare chance.
    ScopeSet b = random.nextBoolean() ? a.minus(randomSet(random)) : randomSet(random);
    ScopeSet c = random.nextBoolean() ? b.minus(randomSet(random)) : randomSet(random);
    if (random.nextBoolean()) {
      b = b.union(implied(b, random));
    }

    if (a.covers(b) && b.covers(c)) {
      assertThat(a.covers(c)).as("a=%s b=%s c=%s", a, b, c).isTrue();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void missingIsEmptyExactlyWhenCovered(long seed) {
    RandomGenerator random = random(seed);
    ScopeSet a = randomSet(random);
    ScopeSet b = randomSet(random);

    assertThat(a.missing(b).isEmpty()).as("a=%s b=%s", a, b).isEqualTo(a.covers(b));
    assertThat(a.missing(b).asSet())
        .allSatisfy(s -> {
          assertThat(a.allows(s)).as("a allows %s, reported missing", s).isFalse();
          assertThat(b.contains(s)).as("%s was not requested", s).isTrue();
        });
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void missingIsWhatTheUnionAdds(long seed) {
    RandomGenerator random = random(seed);
    ScopeSet a = randomSet(random);
    ScopeSet b = randomSet(random);

    assertThat(a.union(a.missing(b)).covers(b)).isTrue();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void widenedSetStillCoversWhatItCovered(long seed) {
    RandomGenerator random = random(seed);
    ScopeSet a = randomSet(random);
    ScopeSet b = randomSet(random);
    ScopeSet c = random.nextBoolean() ? a.minus(randomSet(random)) : randomSet(random);

    if (a.covers(c)) {
      assertThat(a.union(b).covers(c)).as("a=%s b=%s c=%s", a, b, c).isTrue();
    }
  }

  /** Scopes that {@code set} allows without holding them literally (read under write, ...). */
  private static ScopeSet implied(ScopeSet set, RandomGenerator random) {
    List<Scope> implied = new ArrayList<>();
    for (Scope scope : POOL) {
      if (set.allows(scope) && random.nextBoolean()) {
        implied.add(scope);
      }
    }
    return ScopeSet.of(implied);
  }
}
