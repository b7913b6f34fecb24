package dev.clawgate.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The params of the {@code connect} request. Parsing is strict and bounded: unknown keys are
 * rejected and every list and string has a maximum size.
 *
 * @param minProtocol lowest protocol version the client speaks
 * @param maxProtocol highest protocol version the client speaks
 * @param client what software connects
 * @param caps capability claims
 * @param commands node command claims
 * @param permissions node permission claims
 * @param pathEnv node PATH claim
 * @param role the requested role
 * @param scopeNames the requested scopes in the order sent (the signature covers this order)
 * @param auth presented credentials
 * @param device the device's identity proof, when sent
 * @param locale the client's locale
 * @param userAgent the client's user agent
 */
public record ConnectParams(
    int minProtocol,
    int maxProtocol,
    ClientInfo client,
    List<String> caps,
    List<String> commands,
    Map<String, Boolean> permissions,
    Optional<String> pathEnv,
    Role role,
    List<String> scopeNames,
    AuthParams auth,
    Optional<DeviceProof> device,
    Optional<String> locale,
    Optional<String> userAgent) {

  /** Most scopes a client may request at once. */
  public static final int MAX_SCOPES = 32;

  /** These params with {@code proof} as the device identity proof (replacing any). */
  public ConnectParams withDevice(DeviceProof proof) {
    return new ConnectParams(
        minProtocol,
        maxProtocol,
        client,
        caps,
        commands,
        permissions,
        pathEnv,
        role,
        scopeNames,
        auth,
        Optional.of(proof),
        locale,
        userAgent);
  }

  private static final Set<String> KEYS =
      Set.of(
          "minProtocol",
          "maxProtocol",
          "client",
          "caps",
          "commands",
          "permissions",
          "pathEnv",
          "role",
          "scopes",
          "auth",
          "device",
          "locale",
          "userAgent");

  public ConnectParams {
    Objects.requireNonNull(client, "null client");
    caps = List.copyOf(caps);
    commands = List.copyOf(commands);
    permissions = Map.copyOf(permissions);
    Objects.requireNonNull(pathEnv, "null pathEnv");
    Objects.requireNonNull(role, "null role");
    scopeNames = List.copyOf(scopeNames);
    Objects.requireNonNull(auth, "null auth");
    Objects.requireNonNull(device, "null device");
    Objects.requireNonNull(locale, "null locale");
    Objects.requireNonNull(userAgent, "null userAgent");
    if (minProtocol > maxProtocol) {
      throw ClawgateException.invalidParams(
          "params.minProtocol", "must not be greater than maxProtocol");
    }
  }

  /** Parses and validates the params of a {@code connect} request. */
  public static ConnectParams parse(Optional<JsonNode> params) {
    Fields fields = Fields.params(params).allowOnly(KEYS);
    int min = (int) fields.integer("minProtocol", 1, 1000);
    int max = (int) fields.integer("maxProtocol", 1, 1000);
    Role role =
        fields.optString("role", 32).map(r -> Role.parse(r, "params.role")).orElse(Role.OPERATOR);
    List<String> scopes = fields.stringList("scopes", MAX_SCOPES, Scope.MAX_LENGTH);
    ScopeSet.parse(scopes, "params.scopes");
    return new ConnectParams(
        min,
        max,
        ClientInfo.parse(fields.object("client")),
        fields.stringList("caps", 64, 128),
        fields.stringList("commands", 512, 256),
        fields.booleanMap("permissions", 256),
        fields.optString("pathEnv", 16 * 1024),
        role,
        scopes,
        fields.optObject("auth").map(AuthParams::parse).orElse(AuthParams.none()),
        fields.optObject("device").map(DeviceProof::parse),
        fields.optString("locale", 64),
        fields.optString("userAgent", 512));
  }

  /** The requested scopes as a set. */
  public ScopeSet scopes() {
    return ScopeSet.parse(scopeNames, "params.scopes");
  }

  /** The wire form, as a client sends it. */
  public ObjectNode toNode() {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("minProtocol", minProtocol);
    node.put("maxProtocol", maxProtocol);
    ObjectNode c = node.putObject("client");
    c.put("id", client.id());
    client.displayName().ifPresent(v -> c.put("displayName", v));
    c.put("version", client.version());
    c.put("platform", client.platform());
    client.deviceFamily().ifPresent(v -> c.put("deviceFamily", v));
    client.modelIdentifier().ifPresent(v -> c.put("modelIdentifier", v));
    c.put("mode", client.mode());
    client.instanceId().ifPresent(v -> c.put("instanceId", v));
    strings(node.putArray("caps"), caps);
    if (!commands.isEmpty()) {
      strings(node.putArray("commands"), commands);
    }
    if (!permissions.isEmpty()) {
      ObjectNode p = node.putObject("permissions");
      permissions.forEach(p::put);
    }
    pathEnv.ifPresent(v -> node.put("pathEnv", v));
    ObjectNode a = node.putObject("auth");
    auth.token().ifPresent(v -> a.put("token", v));
    auth.password().ifPresent(v -> a.put("password", v));
    auth.deviceToken().ifPresent(v -> a.put("deviceToken", v));
    auth.bootstrapToken().ifPresent(v -> a.put("bootstrapToken", v));
    node.put("role", role.wireName());
    strings(node.putArray("scopes"), scopeNames);
    device.ifPresent(d -> {
      ObjectNode dn = node.putObject("device");
      dn.put("id", d.id());
      dn.put("publicKey", d.publicKey());
      dn.put("signature", d.signature());
      dn.put("signedAt", d.signedAt());
      d.nonce().ifPresent(n -> dn.put("nonce", n));
    });
    locale.ifPresent(v -> node.put("locale", v));
    userAgent.ifPresent(v -> node.put("userAgent", v));
    return node;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
