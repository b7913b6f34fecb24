package dev.clawgate.gateway.oauth;

import dev.clawgate.core.oauth.OAuthServer;
import dev.clawgate.core.pairing.Approver;
import dev.clawgate.gateway.MethodSpec;
import dev.clawgate.gateway.pairing.PairingMethods;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code token.create}, {@code token.list} and {@code token.revoke} methods: static scoped
 * bearer tokens for HTTP clients configured by header or environment variable ({@code clawgate
 * tokens}). Each is a device of kind {@code token}; creating one is an approval, so the caller
 * needs {@code operator.pairing} and every scope it grants.
 */
public final class TokenMethods {
  /** The longest lifetime a token may be given: ten years. */
  static final long MAX_LIFETIME_SECONDS = 10L * 366 * 24 * 3600;

  private TokenMethods() {}

  @FunctionalInterface
  private interface Action {
    JsonNode run(OAuthServer server, Optional<JsonNode> params, Approver approver);
  }

  private record Entry(String name, Action action) {}

  private static final List<Entry> TABLE =
      List.of(
          new Entry("token.create", TokenMethods::create),
          new Entry("token.list", (s, params, a) -> list(s, params)),
          new Entry("token.revoke", TokenMethods::revoke));

  /** The method declarations. */
  public static List<MethodSpec> specs(OAuthServer server) {
    return TABLE.stream()
        .map(e ->
            MethodSpec.operator(
                e.name(),
                Scope.PAIRING,
                call -> e.action().run(server, call.params(), PairingMethods.approver(call))))
        .toList();
  }

  /**
   * Runs one of these methods without a gateway, on the state dir (the owner CLI while the gateway
   * is not running); same validation and results as over the wire.
   *
   * @throws ClawgateException {@code UNKNOWN_METHOD} for any other method
   */
  public static JsonNode invokeDirect(
      OAuthServer server, String method, Optional<JsonNode> params, Approver approver) {
    for (Entry e : TABLE) {
      if (e.name().equals(method)) {
        PairingMethods.requireScope(approver, Scope.PAIRING, method);
        return e.action().run(server, params, approver);
      }
    }
    throw PairingMethods.notAnOwnerAction(method);
  }

  /** Whether {@code method} is one of these. */
  public static boolean handles(String method) {
    return TABLE.stream().anyMatch(e -> e.name().equals(method));
  }

  private static JsonNode create(
      OAuthServer server, Optional<JsonNode> callParams, Approver approver) {
    Fields params =
        Fields.params(callParams).allowOnly(Set.of("name", "scopes", "expiresInSeconds"));
    String name = params.string("name", 64);
    ScopeSet scopes =
        ScopeSet.parse(params.stringList("scopes", 8, Scope.MAX_LENGTH), "params.scopes");
    Optional<Duration> lifetime =
        params.optInteger("expiresInSeconds", 60, MAX_LIFETIME_SECONDS).map(Duration::ofSeconds);
    OAuthServer.CreatedToken created = server.createStaticToken(name, scopes, lifetime, approver);
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("deviceId", created.deviceId());
    node.put("name", created.name());
    node.put("token", created.value());
    created.scopes().names().forEach(node.putArray("scopes")::add);
    created.expiresAtMs().ifPresent(at -> node.put("expiresAtMs", at));
    return node;
  }

  private static JsonNode list(OAuthServer server, Optional<JsonNode> callParams) {
    Fields.params(callParams).allowOnly(Set.of());
    ObjectNode node = Json.mapper().createObjectNode();
    ArrayNode tokens = node.putArray("tokens");
    for (OAuthServer.StaticToken token : server.staticTokens()) {
      ObjectNode item = tokens.addObject();
      item.put("deviceId", token.deviceId());
      item.put("name", token.name());
      token.scopes().names().forEach(item.putArray("scopes")::add);
      item.put("createdAtMs", token.createdAtMs());
      token.expiresAtMs().ifPresent(at -> item.put("expiresAtMs", at));
      token.lastUsedAtMs().ifPresent(at -> item.put("lastUsedAtMs", at));
    }
    return node;
  }

  private static JsonNode revoke(
      OAuthServer server, Optional<JsonNode> callParams, Approver approver) {
    Fields params = Fields.params(callParams).allowOnly(Set.of("token"));
    OAuthServer.StaticToken revoked =
        server.revokeStaticToken(params.string("token", 128), approver);
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("status", "revoked");
    node.put("deviceId", revoked.deviceId());
    node.put("name", revoked.name());
    return node;
  }
}
