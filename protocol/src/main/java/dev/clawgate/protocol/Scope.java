package dev.clawgate.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One operator scope, such as {@code operator.read}.
 *
 * <p>The implication rules live here and nowhere else: {@code operator.admin} satisfies every
 * {@code operator.*} scope, {@code operator.write} satisfies {@code operator.read}, and every other
 * scope needs an exact match. Unknown well-formed scopes are accepted and match only themselves (or
 * admin, when they are {@code operator.*}).
 *
 * @param name the wire name
 */
public record Scope(String name) implements Comparable<Scope> {
  /** Longest accepted scope name. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern FORMAT = Pattern.compile("[a-z][a-z0-9-]*(\\.[A-Za-z0-9_-]+)+");

  public static final Scope ADMIN = new Scope("operator.admin");
  public static final Scope READ = new Scope("operator.read");
  public static final Scope WRITE = new Scope("operator.write");
  public static final Scope APPROVALS = new Scope("operator.approvals");
  public static final Scope PAIRING = new Scope("operator.pairing");
  public static final Scope TALK_SECRETS = new Scope("operator.talk.secrets");

  public Scope {
    Objects.requireNonNull(name, "null name");
    if (name.length() > MAX_LENGTH || !FORMAT.matcher(name).matches()) {
      throw new IllegalArgumentException("not a scope: " + name);
    }
  }

  /** Parses a wire scope name, reporting a bad one against {@code field}. */
  public static Scope parse(String name, String field) {
    if (name.length() > MAX_LENGTH || !FORMAT.matcher(name).matches()) {
      throw ClawgateException.invalidParams(field, "not a valid scope name");
    }
    return new Scope(name);
  }

  /** Whether this is an {@code operator.*} scope. */
  public boolean isOperator() {
    return name.startsWith("operator.");
  }

  /** Whether holding this scope satisfies a requirement for {@code required}. */
  public boolean satisfies(Scope required) {
    if (equals(required)) {
      return true;
    }
    if (equals(ADMIN)) {
      return required.isOperator();
    }
    return equals(WRITE) && required.equals(READ);
  }

  @Override
  public int compareTo(Scope other) {
    return name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
