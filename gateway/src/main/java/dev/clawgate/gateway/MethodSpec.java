package dev.clawgate.gateway;

import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one declaration of a gateway method: its name, who may call it and what answers it. The scope
 * check, {@code hello-ok.features.methods} and the docs all derive from these.
 *
 * <p>Access rules (checked in this order by the dispatcher):
 *
 * <ol>
 *   <li>the connection's role must be in {@link #roles()};
 *   <li>an operator connection must hold {@link #requiredScope()}, or {@code operator.admin} when
 *       the method declares none (default deny); node connections carry no scopes, so for them the
 *       role is the whole check.
 * </ol>
 *
 * @param name the wire name, e.g. {@code sessions.list}
 * @param requiredScope the operator scope needed; empty means {@code operator.admin}
 * @param roles the roles that may call it
 * @param handler what answers it
 */
public record MethodSpec(
    String name, Optional<Scope> requiredScope, Set<Role> roles, MethodHandler handler) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  public MethodSpec {
    Objects.requireNonNull(name, "null name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a method name: " + name);
    }
    if (name.equals("connect")) {
      throw new IllegalArgumentException("connect is the handshake, not a registrable method");
    }
    Objects.requireNonNull(requiredScope, "null requiredScope");
    roles = Set.copyOf(roles);
    if (roles.isEmpty()) {
      throw new IllegalArgumentException(name + ": no role may call it");
    }
    Objects.requireNonNull(handler, "null handler");
  }

  /** An operator method that needs {@code scope}. */
  public static MethodSpec operator(String name, Scope scope, MethodHandler handler) {
    return new MethodSpec(name, Optional.of(scope), EnumSet.of(Role.OPERATOR), handler);
  }

  /** An operator method that needs {@code operator.admin}. */
  public static MethodSpec admin(String name, MethodHandler handler) {
    return new MethodSpec(name, Optional.empty(), EnumSet.of(Role.OPERATOR), handler);
  }

  /** A method only role-{@code node} connections may call. */
  public static MethodSpec node(String name, MethodHandler handler) {
    return new MethodSpec(name, Optional.empty(), EnumSet.of(Role.NODE), handler);
  }

  /** The scope an operator connection must hold: the declared one, else {@code operator.admin}. */
  public Scope effectiveScope() {
    return requiredScope.orElse(Scope.ADMIN);
  }
}
