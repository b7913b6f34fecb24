package dev.clawgate.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The payload of a successful {@code connect}: {@code {type:"hello-ok", protocol, server, features,
 * snapshot?, auth, policy}}.
 *
 * @param protocol the negotiated protocol version
 * @param serverVersion the gateway's version
 * @param connId this connection's id
 * @param methods the methods this gateway implements (clients feature-detect with it)
 * @param events the events this gateway may emit
 * @param snapshot the initial state snapshot, when sent
 * @param auth what this connection was granted
 * @param policy the limits that apply from now on
 */
public record HelloOk(
    int protocol,
    String serverVersion,
    String connId,
    List<String> methods,
    List<String> events,
    Optional<JsonNode> snapshot,
    Auth auth,
    Policy policy) {

  public HelloOk {
    Objects.requireNonNull(serverVersion, "null serverVersion");
    Objects.requireNonNull(connId, "null connId");
    methods = List.copyOf(methods);
    events = List.copyOf(events);
    Objects.requireNonNull(snapshot, "null snapshot");
    Objects.requireNonNull(auth, "null auth");
    Objects.requireNonNull(policy, "null policy");
  }

  /**
   * {@code hello-ok.auth}. {@link #toString()} hides the device token.
   *
   * @param method how the connection authenticated: {@code token}, {@code password}, {@code
   *     device-token}, {@code device} or {@code none}
   * @param role the granted role
   * @param scopes the scopes of the device token held, or the granted scopes without a device
   * @param deviceToken the device token, only when it was issued to this connection just now
   * @param issuedAtMs when that token was issued
   */
  public record Auth(
      Optional<String> method,
      Role role,
      List<String> scopes,
      Optional<String> deviceToken,
      Optional<Long> issuedAtMs) {
    public Auth {
      Objects.requireNonNull(method, "null method");
      Objects.requireNonNull(role, "null role");
      scopes = List.copyOf(scopes);
      Objects.requireNonNull(deviceToken, "null deviceToken");
      Objects.requireNonNull(issuedAtMs, "null issuedAtMs");
    }

    @Override
    public String toString() {
      return "Auth[method="
          + method.orElse("?")
          + ", role="
          + role
          + ", scopes="
          + scopes
          + ", deviceToken="
          + (deviceToken.isPresent() ? "<redacted>" : "<absent>")
          + "]";
    }
  }

  /**
   * {@code hello-ok.policy}.
   *
   * @param maxPayload largest frame accepted, in bytes
   * @param maxBufferedBytes most bytes queued for the connection
   * @param tickIntervalMs interval of tick events
   */
  public record Policy(long maxPayload, long maxBufferedBytes, long tickIntervalMs) {}

  /** The wire payload. */
  public ObjectNode toNode() {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("type", "hello-ok");
    node.put("protocol", protocol);
    ObjectNode server = node.putObject("server");
    server.put("version", serverVersion);
    server.put("connId", connId);
    ObjectNode features = node.putObject("features");
    methods.forEach(features.putArray("methods")::add);
    events.forEach(features.putArray("events")::add);
    snapshot.ifPresent(s -> node.set("snapshot", s));
    ObjectNode a = node.putObject("auth");
    auth.method().ifPresent(m -> a.put("method", m));
    a.put("role", auth.role().wireName());
    auth.scopes().forEach(a.putArray("scopes")::add);
    auth.deviceToken().ifPresent(t -> a.put("deviceToken", t));
    auth.issuedAtMs().ifPresent(t -> a.put("issuedAtMs", t));
    ObjectNode p = node.putObject("policy");
    p.put("maxPayload", policy.maxPayload());
    p.put("maxBufferedBytes", policy.maxBufferedBytes());
    p.put("tickIntervalMs", policy.tickIntervalMs());
    return node;
  }

  /**
   * Reads a hello-ok payload as a client does: tolerant of the extra fields other gateways send,
   * strict about the ones clawgate relies on.
   */
  public static HelloOk parse(JsonNode payload) {
    Fields fields = Fields.object(payload, "payload");
    if (!"hello-ok".equals(fields.optString("type", 32).orElse(""))) {
      throw ClawgateException.invalidParams("payload.type", "must be \"hello-ok\"");
    }
    Fields server = fields.object("server");
    Fields features = fields.optObject("features").orElse(Fields.object(emptyObject(), "features"));
    Fields auth = fields.object("auth");
    Fields policy = fields.object("policy");
    return new HelloOk(
        (int) fields.integer("protocol", 1, 1000),
        server.optString("version", 256).orElse("unknown"),
        server.optString("connId", 256).orElse(""),
        lenientStrings(features.node().path("methods")),
        lenientStrings(features.node().path("events")),
        Optional.ofNullable(fields.node().get("snapshot")),
        new Auth(
            auth.optString("method", 64),
            Role.parse(auth.optString("role", 32).orElse("operator"), "payload.auth.role"),
            auth.stringList("scopes", 256, Scope.MAX_LENGTH),
            auth.optString("deviceToken", 1024),
            auth.optInteger("issuedAtMs", 0, Long.MAX_VALUE)),
        new Policy(
            policy
                .optInteger("maxPayload", 0, Long.MAX_VALUE)
                .orElse((long) ProtocolLimits.MAX_PAYLOAD_BYTES),
            policy
                .optInteger("maxBufferedBytes", 0, Long.MAX_VALUE)
                .orElse(ProtocolLimits.MAX_BUFFERED_BYTES),
            policy
                .optInteger("tickIntervalMs", 1, Long.MAX_VALUE)
                .orElse(ProtocolLimits.TICK_INTERVAL.toMillis())));
  }

  private static JsonNode emptyObject() {
    return Json.mapper().createObjectNode();
  }

  private static List<String> lenientStrings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array.isArray()) {
      for (JsonNode item : array) {
        if (item.isString()) {
          values.add(item.stringValue());
        }
      }
    }
    return values;
  }
}
