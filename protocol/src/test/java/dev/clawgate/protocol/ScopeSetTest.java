package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Implication-aware questions about sets of scopes. */
class ScopeSetTest {
  private static final Scope NODE_EXEC = new Scope("node.exec");

  @Test
  void adminCoversEveryOperatorScopeButNotOthers() {
    ScopeSet admin = ScopeSet.of(Scope.ADMIN);

    assertThat(
            admin.covers(
                ScopeSet.of(
                    Scope.READ, Scope.WRITE, Scope.APPROVALS, Scope.PAIRING, Scope.TALK_SECRETS)))
        .isTrue();
    assertThat(admin.covers(ScopeSet.of(Scope.READ, NODE_EXEC))).isFalse();
    assertThat(admin.missing(ScopeSet.of(Scope.READ, NODE_EXEC))).isEqualTo(ScopeSet.of(NODE_EXEC));
  }

  @Test
  void writeCoversReadButReadDoesNotCoverWrite() {
    assertThat(ScopeSet.of(Scope.WRITE).covers(ScopeSet.of(Scope.READ))).isTrue();
    assertThat(ScopeSet.of(Scope.READ).covers(ScopeSet.of(Scope.WRITE))).isFalse();
  }

  @Test
  void missingListsWhatIsNotAllowed() {
    ScopeSet held = ScopeSet.of(Scope.WRITE, Scope.PAIRING);

    ScopeSet missing = held.missing(ScopeSet.of(Scope.READ, Scope.APPROVALS, Scope.PAIRING));

    assertThat(missing).isEqualTo(ScopeSet.of(Scope.APPROVALS));
  }

  @Test
  void everySetCoversTheEmptySet() {
    assertThat(ScopeSet.empty().covers(ScopeSet.empty())).isTrue();
    assertThat(ScopeSet.of(Scope.READ).covers(ScopeSet.empty())).isTrue();
    assertThat(ScopeSet.empty().covers(ScopeSet.of(Scope.READ))).isFalse();
  }

  @Test
  void unionMergesWithoutImplication() {
    ScopeSet union = ScopeSet.of(Scope.ADMIN).union(ScopeSet.of(Scope.READ));

    assertThat(union.names()).containsExactly("operator.admin", "operator.read");
  }

  @Test
  void minusIsLiteral() {
    ScopeSet set = ScopeSet.of(Scope.READ, Scope.WRITE);

    assertThat(set.minus(ScopeSet.of(Scope.ADMIN))).isEqualTo(set);
    assertThat(set.minus(ScopeSet.of(Scope.WRITE))).isEqualTo(ScopeSet.of(Scope.READ));
  }

  @Test
  void namesAreSortedAndDuplicatesCollapse() {
    ScopeSet set =
        ScopeSet.parse(List.of("operator.write", "operator.admin", "operator.write"), "scopes");

    assertThat(set.names()).containsExactly("operator.admin", "operator.write");
    assertThat(set.size()).isEqualTo(2);
    assertThat(set).hasToString("operator.admin,operator.write");
    assertThat(ScopeSet.empty()).hasToString("");
  }

  @Test
  void equalSetsHaveEqualHashCodes() {
    ScopeSet a = ScopeSet.ofNames(List.of("operator.read", "operator.pairing"));
    ScopeSet b = ScopeSet.of(Scope.PAIRING, Scope.READ);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void parseNamesTheIndexOfAMalformedScope() {
    ClawgateException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ClawgateException.class,
            () -> ScopeSet.parse(List.of("operator.read", "nope"), "params.scopes"));

    assertThat(e.getMessage()).isEqualTo("params.scopes[1]: not a valid scope name");
  }
}
