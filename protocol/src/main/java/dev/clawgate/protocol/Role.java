package dev.clawgate.protocol;

/**
 * What a connection is: an {@code operator} (people and tools acting on the gateway) or a {@code
 * node} (a machine offering capabilities). A device may hold both, with one token per role.
 */
public enum Role {
  OPERATOR("operator"),
  NODE("node");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire role, reporting an unknown one against {@code field}. */
  public static Role parse(String value, String field) {
    for (Role role : values()) {
      if (role.wireName.equals(value)) {
        return role;
      }
    }
    throw ClawgateException.invalidParams(field, "must be \"operator\" or \"node\"");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
