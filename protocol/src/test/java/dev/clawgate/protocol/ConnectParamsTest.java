package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Strict, path-aware validation of {@code connect} params. */
class ConnectParamsTest {

  /** A complete, valid params object with every level present. */
  private static ObjectNode valid() {
    return (ObjectNode)
        Json.mapper()
            .readTree(
                """
                {
                  "minProtocol": 3,
                  "maxProtocol": 4,
                  "client": {"id": "cli", "version": "1.0", "platform": "linux", "mode": "cli"},
                  "caps": [],
                  "auth": {"token": "secret-token"},
                  "role": "operator",
                  "scopes": ["operator.read"],
                  "device": {
                    "id": "abc",
                    "publicKey": "key",
                    "signature": "sig",
                    "signedAt": 1,
                    "nonce": "n"
                  }
                }
                """);
  }

  private static ClawgateException rejection(Consumer<ObjectNode> edit) {
    ObjectNode params = valid();
    edit.accept(params);
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class, () -> ConnectParams.parse(Optional.of(params)));
    assertThat(e).as("params %s must be rejected", params).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_PARAMS);
    return e;
  }

  private static ObjectNode child(ObjectNode params, String name) {
    return (ObjectNode) params.get(name);
  }

  @Test
  void validParamsParse() {
    ConnectParams params = ConnectParams.parse(Optional.of(valid()));

    assertThat(params.minProtocol()).isEqualTo(3);
    assertThat(params.maxProtocol()).isEqualTo(4);
    assertThat(params.client()).isEqualTo(ClientInfo.of("cli", "1.0", "linux", "cli"));
    assertThat(params.auth()).isEqualTo(AuthParams.none().withToken("secret-token"));
    assertThat(params.device().orElseThrow())
        .isEqualTo(new DeviceProof("abc", "key", "sig", 1, Optional.of("n")));
    assertThat(params.commands()).isEmpty();
    assertThat(params.permissions()).isEmpty();
    assertThat(params.locale()).isEmpty();
  }

  @Test
  void parsedParamsSurviveTheirWireForm() {
    ObjectNode node = valid();
    node.put("locale", "en-US");
    node.put("userAgent", "clawgate-test/1");
    node.put("pathEnv", "/usr/bin");
    node.putArray("commands").add("system.run");
    node.putObject("permissions").put("screen", true);
    child(node, "client").put("displayName", "My CLI").put("instanceId", "i-1");
    ConnectParams params = ConnectParams.parse(Optional.of(node));

    assertThat(ConnectParams.parse(Optional.of(params.toNode()))).isEqualTo(params);
  }

  @Test
  void defaultRoleIsOperator() {
    ObjectNode node = valid();
    node.remove("role");

    assertThat(ConnectParams.parse(Optional.of(node)).role()).isEqualTo(Role.OPERATOR);
  }

  @Test
  void nodeRoleIsAccepted() {
    ObjectNode node = valid();
    node.put("role", "node");
    node.putArray("scopes");

    assertThat(ConnectParams.parse(Optional.of(node)).role()).isEqualTo(Role.NODE);
  }

  @Test
  void absentAuthMeansNoCredentials() {
    ObjectNode node = valid();
    node.remove("auth");
    node.remove("device");

    ConnectParams params = ConnectParams.parse(Optional.of(node));

    assertThat(params.auth()).isEqualTo(AuthParams.none());
    assertThat(params.auth().signatureToken()).isEmpty();
    assertThat(params.device()).isEmpty();
  }

  @Test
  void scopesKeepTheOrderSent() {
    ObjectNode node = valid();
    node.putArray("scopes").add("operator.write").add("operator.admin").add("operator.read");

    ConnectParams params = ConnectParams.parse(Optional.of(node));

    assertThat(params.scopeNames())
        .containsExactly("operator.write", "operator.admin", "operator.read");
    assertThat(params.scopes()).isEqualTo(ScopeSet.of(Scope.READ, Scope.WRITE, Scope.ADMIN));
  }

  static Stream<Arguments> unknownKeys() {
    return Stream.of(
        Arguments.of("params", "nickname", "params.nickname: unknown field"),
        Arguments.of("client", "nickname", "params.client.nickname: unknown field"),
        Arguments.of("auth", "apiKey", "params.auth.apiKey: unknown field"),
        Arguments.of("device", "algorithm", "params.device.algorithm: unknown field"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("unknownKeys")
  void unknownKeyIsRejectedWithItsFullPath(String level, String key, String message) {
    ClawgateException e =
        rejection(params -> (level.equals("params") ? params : child(params, level)).put(key, "x"));

    assertThat(e.getMessage()).isEqualTo(message);
  }

  static Stream<Arguments> missingFields() {
    return Stream.of(
        Arguments.of("params", "minProtocol"),
        Arguments.of("params", "maxProtocol"),
        Arguments.of("params", "client"),
        Arguments.of("client", "id"),
        Arguments.of("client", "version"),
        Arguments.of("client", "platform"),
        Arguments.of("client", "mode"),
        Arguments.of("device", "id"),
        Arguments.of("device", "publicKey"),
        Arguments.of("device", "signature"),
        Arguments.of("device", "signedAt"));
  }

  @ParameterizedTest(name = "{0}.{1}")
  @MethodSource("missingFields")
  void missingRequiredFieldIsNamedByPath(String level, String field) {
    ClawgateException e =
        rejection(params -> (level.equals("params") ? params : child(params, level)).remove(field));

    String path = level.equals("params") ? "params." + field : "params." + level + "." + field;
    assertThat(e.getMessage()).isEqualTo(path + ": required");
    assertThat(e.details()).containsEntry("field", path);
  }

  @Test
  void blankRequiredStringIsRejected() {
    ClawgateException e = rejection(params -> child(params, "client").put("id", "   "));

    assertThat(e.getMessage()).isEqualTo("params.client.id: must not be empty");
  }

  @Test
  void wrongTypeIsRejected() {
    ClawgateException e = rejection(params -> params.put("minProtocol", "3"));

    assertThat(e.getMessage()).isEqualTo("params.minProtocol: must be an integer");
  }

  @Test
  void nonObjectClientIsRejected() {
    ClawgateException e = rejection(params -> params.put("client", "cli"));

    assertThat(e.getMessage()).isEqualTo("params.client: must be an object");
  }

  @Test
  void tooManyScopesAreRejected() {
    ClawgateException e =
        rejection(params -> {
          ArrayNode scopes = params.putArray("scopes");
          IntStream.rangeClosed(0, ConnectParams.MAX_SCOPES)
              .forEach(i -> scopes.add("operator.s" + i));
        });

    assertThat(e.getMessage())
        .isEqualTo("params.scopes: more than " + ConnectParams.MAX_SCOPES + " items");
  }

  @Test
  void exactlyTheMaximumNumberOfScopesIsAccepted() {
    ObjectNode node = valid();
    ArrayNode scopes = node.putArray("scopes");
    IntStream.range(0, ConnectParams.MAX_SCOPES).forEach(i -> scopes.add("operator.s" + i));

    assertThat(ConnectParams.parse(Optional.of(node)).scopeNames())
        .hasSize(ConnectParams.MAX_SCOPES);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "admin",
        "Operator.read",
        "operator.",
        ".read",
        "operator..read",
        "operator.read write",
        "operator.re|ad",
        "operator.re,ad",
        "operator.r\u00e9ad"
      })
  void malformedScopeNameIsRejectedWithItsIndex(String scope) {
    ClawgateException e =
        rejection(params -> params.putArray("scopes").add("operator.read").add(scope));

    assertThat(e.getMessage()).isEqualTo("params.scopes[1]: not a valid scope name");
  }

  @Test
  void overlongScopeNameIsRejected() {
    ClawgateException e =
        rejection(
            params -> params.putArray("scopes").add("operator." + "x".repeat(Scope.MAX_LENGTH)));

    assertThat(e.getMessage()).startsWith("params.scopes[0]: ");
  }

  @Test
  void nonStringScopeIsRejected() {
    ClawgateException e = rejection(params -> params.putArray("scopes").add(7));

    assertThat(e.getMessage()).isEqualTo("params.scopes[0]: must be a non-empty string");
  }

  @Test
  void minProtocolAboveMaxProtocolIsRejected() {
    ClawgateException e =
        rejection(params -> {
          params.put("minProtocol", 4);
          params.put("maxProtocol", 3);
        });

    assertThat(e.getMessage())
        .isEqualTo("params.minProtocol: must not be greater than maxProtocol");
  }

  @ParameterizedTest
  @ValueSource(strings = {"admin", "member", "Operator", "NODE"})
  void unknownRoleIsRejected(String role) {
    ClawgateException e = rejection(params -> params.put("role", role));

    assertThat(e.getMessage()).isEqualTo("params.role: must be \"operator\" or \"node\"");
  }

  @Test
  void negativeSignedAtIsRejected() {
    ClawgateException e = rejection(params -> child(params, "device").put("signedAt", -1));

    assertThat(e.getMessage()).startsWith("params.device.signedAt: must be between 0 and ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "true", "{}", "[\"n\"]"})
  void nonStringNonceIsRejected(String nonce) {
    ClawgateException e =
        rejection(params -> child(params, "device").set("nonce", Json.mapper().readTree(nonce)));

    assertThat(e.getMessage()).isEqualTo("params.device.nonce: must be a string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void blankNonceIsReadAsAbsent(String nonce) {
    ObjectNode node = valid();
    child(node, "device").put("nonce", nonce);

    assertThat(ConnectParams.parse(Optional.of(node)).device().orElseThrow().nonce()).isEmpty();
  }

  @Test
  void protocolOutOfRangeIsRejected() {
    ClawgateException e = rejection(params -> params.put("minProtocol", 0));

    assertThat(e.getMessage()).isEqualTo("params.minProtocol: must be between 1 and 1000");
  }

  @Test
  void nonBooleanPermissionIsRejected() {
    ClawgateException e = rejection(params -> params.putObject("permissions").put("screen", "yes"));

    assertThat(e.getMessage()).isEqualTo("params.permissions.screen: must be a boolean");
  }

  @Test
  void absentParamsNameTheFirstMissingField() {
    ClawgateException e =
        catchThrowableOfType(ClawgateException.class, () -> ConnectParams.parse(Optional.empty()));

    assertThat(e.getMessage()).endsWith(": required").startsWith("params.");
  }

  @Test
  void paramsThatAreNotAnObjectAreRejected() {
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class,
            () -> ConnectParams.parse(Optional.of(Json.mapper().createArrayNode())));

    assertThat(e.getMessage()).isEqualTo("params: must be an object");
  }
}
