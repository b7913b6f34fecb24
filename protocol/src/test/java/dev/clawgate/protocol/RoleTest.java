package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoleTest {

  @Test
  void wireNamesParseToTheirRoles() {
    assertThat(Role.parse("operator", "role")).isEqualTo(Role.OPERATOR);
    assertThat(Role.parse("node", "role")).isEqualTo(Role.NODE);
    assertThat(Role.NODE).hasToString("node");
  }

  @Test
  void unknownRoleIsReportedAgainstItsField() {
    ClawgateException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ClawgateException.class, () -> Role.parse("OPERATOR", "payload.auth.role"));

    assertThat(e.getMessage()).isEqualTo("payload.auth.role: must be \"operator\" or \"node\"");
  }
}
