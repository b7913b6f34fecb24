package dev.clawgate.core.approvals;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an operator answers. Expiry is not a decision anyone gives: an expired approval's outcome is
 * {@code expired} ({@link Approval#outcome()}).
 */
public enum Decision {
  ALLOW_ONCE("allow-once"),
  ALLOW_ALWAYS("allow-always"),
  DENY("deny");

  /** The outcome of an approval nobody answered in time. */
  public static final String EXPIRED = "expired";

  private final String wireName;

  Decision(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire decision.
   *
   * @throws ClawgateException {@code APPROVAL_DECISION_INVALID} for anything but the three
   */
  public static Decision parse(String wire) {
    for (Decision decision : values()) {
      if (decision.wireName.equals(wire)) {
        return decision;
      }
    }
    throw ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.APPROVAL_DECISION_INVALID,
            "invalid decision \"" + wire + "\": use allow-once, allow-always or deny")
        .detail("field", "params.decision")
        .detail("decision", wire)
        .detail("decisions", wireNames(EnumSet.allOf(Decision.class)))
        .build();
  }

  /** The wire names of {@code decisions}, in declaration order. */
  public static List<String> wireNames(Set<Decision> decisions) {
    return Arrays.stream(values()).filter(decisions::contains).map(Decision::wireName).toList();
  }

  static String encode(Set<Decision> decisions) {
    return String.join(" ", wireNames(decisions));
  }

  static Set<Decision> decode(String stored) {
    Set<Decision> decisions = new LinkedHashSet<>();
    for (String name : stored.split(" ")) {
      if (!name.isEmpty()) {
        decisions.add(parse(name));
      }
    }
    return decisions.isEmpty() ? Set.of() : EnumSet.copyOf(decisions);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
