package dev.clawgate.core.approvals;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How much a plugin approval matters, as the plugin declares it. */
public enum Severity {
  INFO("info"),
  WARNING("warning"),
  CRITICAL("critical");

  private final String wireName;

  Severity(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The severity named {@code wire}, if it is one. */
  public static Optional<Severity> fromWire(String wire) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(wire)).findFirst();
  }

  /** Every wire name, for error messages. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(Severity::wireName).toList();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
