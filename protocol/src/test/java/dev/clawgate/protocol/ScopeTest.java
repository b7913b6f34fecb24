package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The implication table of pairing.md: admin ⊇ operator.*, write ⊇ read, else exact. */
class ScopeTest {
  private static final List<Scope> OPERATOR_SCOPES =
      List.of(
          Scope.ADMIN,
          Scope.READ,
          Scope.WRITE,
          Scope.APPROVALS,
          Scope.PAIRING,
          Scope.TALK_SECRETS,
          new Scope("operator.future-scope"));

  @Test
  void adminSatisfiesEveryOperatorScope() {
    assertThat(OPERATOR_SCOPES).allSatisfy(s -> assertThat(Scope.ADMIN.satisfies(s)).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"node.exec", "plugin.github.read", "operatorx.read", "talk.secrets"})
  void adminDoesNotSatisfyANonOperatorScope(String name) {
    assertThat(Scope.ADMIN.satisfies(new Scope(name))).isFalse();
  }

  @Test
  void writeSatisfiesRead() {
    assertThat(Scope.WRITE.satisfies(Scope.READ)).isTrue();
  }

  @Test
  void readDoesNotSatisfyWrite() {
    assertThat(Scope.READ.satisfies(Scope.WRITE)).isFalse();
  }

  @Test
  void everyOtherPairNeedsAnExactMatch() {
    for (Scope held : OPERATOR_SCOPES) {
      for (Scope required : OPERATOR_SCOPES) {
        boolean implied =
            held.equals(Scope.ADMIN) || (held.equals(Scope.WRITE) && required.equals(Scope.READ));
        assertThat(held.satisfies(required))
            .as("%s satisfies %s", held, required)
            .isEqualTo(held.equals(required) || implied);
      }
    }
  }

  @Test
  void nothingButAdminSatisfiesAdmin() {
    assertThat(OPERATOR_SCOPES)
        .filteredOn(s -> !s.equals(Scope.ADMIN))
        .noneSatisfy(s -> assertThat(s.satisfies(Scope.ADMIN)).isTrue());
  }

  @Test
  void talkSecretsIsNotImpliedByWrite() {
    assertThat(Scope.WRITE.satisfies(Scope.TALK_SECRETS)).isFalse();
    assertThat(Scope.READ.satisfies(Scope.TALK_SECRETS)).isFalse();
  }

  @Test
  void nonOperatorScopeSatisfiesOnlyItself() {
    Scope node = new Scope("node.exec");

    assertThat(node.satisfies(node)).isTrue();
    assertThat(node.isOperator()).isFalse();
    assertThat(OPERATOR_SCOPES).noneSatisfy(s -> assertThat(node.satisfies(s)).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "operator", "operator.", "OPERATOR.read", "operator.read ", "1.read"})
  void malformedNameIsNotAScope(String name) {
    assertThatIllegalArgumentException().isThrownBy(() -> new Scope(name));
  }

  @Test
  void parseReportsAMalformedNameAgainstItsField() {
    ClawgateException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ClawgateException.class, () -> Scope.parse("bad scope", "params.scopes[3]"));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_PARAMS);
    assertThat(e.getMessage()).isEqualTo("params.scopes[3]: not a valid scope name");
  }
}
