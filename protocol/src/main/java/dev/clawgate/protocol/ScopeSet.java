package dev.clawgate.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An immutable, sorted set of {@link Scope scopes} with the implication-aware questions the pairing
 * rules ask: does this set {@link #allows allow} a scope, {@link #covers cover} another set, and
 * what is {@link #missing missing} from it.
 */
public final class ScopeSet {
  private static final ScopeSet EMPTY = new ScopeSet(new TreeSet<>());

  private final SortedSet<Scope> scopes;

  private ScopeSet(SortedSet<Scope> scopes) {
    this.scopes = Collections.unmodifiableSortedSet(scopes);
  }

  public static ScopeSet empty() {
    return EMPTY;
  }

  public static ScopeSet of(Scope... scopes) {
    return of(List.of(scopes));
  }

  public static ScopeSet of(Collection<Scope> scopes) {
    return scopes.isEmpty() ? EMPTY : new ScopeSet(new TreeSet<>(scopes));
  }

  /** Parses wire names; a malformed one is an error naming {@code field[i]}. */
  public static ScopeSet parse(List<String> names, String field) {
    List<Scope> parsed = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      parsed.add(Scope.parse(names.get(i), field + "[" + i + "]"));
    }
    return of(parsed);
  }

  /**
   * The set of a {@link #spaceSeparated} text (blank: empty). The names must be known to be valid
   * (from the store); a bad one is a programming error.
   */
  public static ScopeSet ofSpaceSeparated(String text) {
    return text.isBlank() ? empty() : ofNames(List.of(text.strip().split(" +")));
  }

  /** Parses names known to be valid (from the store); a bad one is a programming error. */
  public static ScopeSet ofNames(Collection<String> names) {
    return of(names.stream().map(Scope::new).toList());
  }

  /**
   * The names, sorted, joined by single spaces: OAuth's {@code scope} form (RFC 6749 §3.3) and the
   * form the store keeps.
   */
  public String spaceSeparated() {
    return String.join(" ", names());
  }

  /**
   * The scopes of this set that {@code authority} allows (by the implication rules: an authority of
   * {@code operator.write} allows {@code operator.read}).
   */
  public ScopeSet allowedBy(ScopeSet authority) {
    return of(scopes.stream().filter(authority::allows).toList());
  }

  /** Whether some scope in this set satisfies {@code required}. */
  public boolean allows(Scope required) {
    for (Scope held : scopes) {
      if (held.satisfies(required)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this set allows every scope of {@code requested}. */
  public boolean covers(ScopeSet requested) {
    for (Scope scope : requested.scopes) {
      if (!allows(scope)) {
        return false;
      }
    }
    return true;
  }

  /** The scopes of {@code requested} that this set does not allow. */
  public ScopeSet missing(ScopeSet requested) {
    return of(requested.scopes.stream().filter(s -> !allows(s)).toList());
  }

  /** The union of both sets. */
  public ScopeSet union(ScopeSet other) {
    if (other.scopes.isEmpty() || scopes.containsAll(other.scopes)) {
      return this;
    }
    TreeSet<Scope> merged = new TreeSet<>(scopes);
    merged.addAll(other.scopes);
    return new ScopeSet(merged);
  }

  /** The scopes of this set that are literally absent from {@code other} (no implication). */
  public ScopeSet minus(ScopeSet other) {
    return of(scopes.stream().filter(s -> !other.scopes.contains(s)).toList());
  }

  public boolean contains(Scope scope) {
    return scopes.contains(scope);
  }

  public boolean isEmpty() {
    return scopes.isEmpty();
  }

  public int size() {
    return scopes.size();
  }

  public SortedSet<Scope> asSet() {
    return scopes;
  }

  /** The wire names, sorted. */
  public List<String> names() {
    return scopes.stream().map(Scope::name).toList();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ScopeSet that && scopes.equals(that.scopes);
  }

  @Override
  public int hashCode() {
    return scopes.hashCode();
  }

  /** Comma-separated names, e.g. {@code operator.read,operator.write}; empty set: {@code ""}. */
  @Override
  public String toString() {
    return scopes.stream().map(Scope::name).collect(Collectors.joining(","));
  }
}
