package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class HandshakeTest extends GatewayTestBase {

  @Test
  void challengeArrivesFirstWithAUuidNonce() {
    start();
    TestSocket socket = open();
    JsonNode challenge = socket.challenge();
    assertThat(UUID.fromString(challenge.path("nonce").asString()).toString())
        .isEqualTo(challenge.path("nonce").asString());
    assertThat(challenge.path("ts").asLong()).isPositive();
  }

  @Test
  void eachConnectionGetsItsOwnNonce() {
    start();
    String first = open().challenge().path("nonce").asString();
    String second = open().challenge().path("nonce").asString();
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void wsPathIsAcceptedToo() {
    start();
    TestSocket socket = track(TestSocket.open(server().port(), "/ws", Map.of()));
    assertThat(socket.connect(Fixtures.operator().toNode()).path("ok").asBoolean()).isTrue();
  }

  @Test
  void silentClientIsClosedAfterTheHandshakeTimeout() {
    start(b -> b.handshakeTimeout(Duration.ofMillis(300)));
    TestSocket socket = open();
    socket.challenge();
    assertThat(socket.awaitClose()).isEqualTo(new TestSocket.Close(1008, "handshake timeout"));
  }

  @Test
  void connectedClientOutlivesTheHandshakeTimeout() throws Exception {
    start(b -> b.handshakeTimeout(Duration.ofMillis(300)));
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    Thread.sleep(600);
    assertThat(socket.call("health").path("ok").asBoolean()).isTrue();
  }

  @Test
  void oversizedPreConnectFrameClosesWith1009() {
    start();
    TestSocket socket = open();
    socket.challenge();
    socket.send("{\"pad\":\"" + "x".repeat(70_000) + "\"}");
    TestSocket.Close close = socket.awaitClose();
    assertThat(close.code()).isEqualTo(1009);
    assertThat(close.reason()).contains("65536");
  }

  @Test
  void preConnectLimitCountsUtf8Bytes() {
    start();
    TestSocket socket = open();
    socket.challenge();
    // 33,000 characters but 66,000 UTF-8 bytes: over the limit.
    socket.send("\"" + "é".repeat(33_000) + "\"");
    assertThat(socket.awaitClose().code()).isEqualTo(1009);
  }

  @Test
  void malformedJsonBeforeConnectIsAnsweredThenClosed() {
    start();
    TestSocket socket = open();
    socket.challenge();
    socket.send("{not json");
    JsonNode response = socket.next();
    assertThat(response.path("type").asString()).isEqualTo("res");
    assertThat(response.path("id").asString()).isEmpty();
    assertThat(response.path("ok").asBoolean(true)).isFalse();
    assertThat(detail(response)).isEqualTo("MALFORMED_FRAME");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
  }

  @Test
  void malformedFrameWithReadableIdEchoesTheId() {
    start();
    TestSocket socket = open();
    socket.challenge();
    socket.send("{\"type\":\"req\",\"id\":\"7\",\"method\":\"connect\",\"extra\":1}");
    JsonNode response = socket.next();
    assertThat(response.path("id").asString()).isEqualTo("7");
    assertThat(detail(response)).isEqualTo("MALFORMED_FRAME");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
  }

  @Test
  void firstFrameMustBeConnect() {
    start();
    TestSocket socket = open();
    socket.challenge();
    String id = socket.request("health", Json.mapper().createObjectNode());
    JsonNode response = socket.next();
    assertThat(response.path("id").asString()).isEqualTo(id);
    assertThat(response.path("error").path("code").asString()).isEqualTo("INVALID_REQUEST");
    assertThat(response.path("error").path("message").asString())
        .isEqualTo("first frame must be a connect request");
    assertThat(detail(response)).isEqualTo("CONNECT_REQUIRED");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
  }

  @Test
  void invalidConnectParamsAreRefused() {
    start();
    TestSocket socket = open();
    ObjectNode params = Fixtures.operator().toNode();
    params.remove("client");
    JsonNode response = socket.connect(params);
    assertThat(detail(response)).isEqualTo("INVALID_PARAMS");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
  }

  @Test
  void protocolMismatchNamesBothRangesAndClosesWith1002() {
    start();
    TestSocket socket = open();
    JsonNode response =
        socket.connect(
            Fixtures.params(Role.OPERATOR, List.of(), AuthParams.none().withToken("secret"), 5, 6)
                .toNode());
    JsonNode error = response.path("error");
    assertThat(error.path("code").asString()).isEqualTo("INVALID_REQUEST");
    assertThat(error.path("message").asString())
        .isEqualTo("protocol mismatch: client speaks 5..6, gateway speaks 3..4");
    assertThat(error.path("details").path("code").asString()).isEqualTo("PROTOCOL_MISMATCH");
    assertThat(error.path("details").path("expectedProtocol").asInt()).isEqualTo(4);
    assertThat(error.path("details").path("minimumProbeProtocol").asInt()).isEqualTo(3);
    assertThat(error.path("details").path("supported").path("min").asInt()).isEqualTo(3);
    assertThat(error.path("details").path("supported").path("max").asInt()).isEqualTo(4);
    assertThat(socket.awaitClose().code()).isEqualTo(1002);
    assertThat(authorizer.attempts).isEmpty();
  }

  @Test
  void negotiatesTheHighestCommonProtocol() {
    start();
    AuthParams auth = AuthParams.none().withToken("secret");
    JsonNode three = open().connect(Fixtures.params(Role.OPERATOR, List.of(), auth, 3, 3).toNode());
    JsonNode four = open().connect(Fixtures.params(Role.OPERATOR, List.of(), auth, 3, 4).toNode());
    JsonNode upTo9 = open().connect(Fixtures.params(Role.OPERATOR, List.of(), auth, 1, 9).toNode());
    assertThat(three.path("payload").path("protocol").asInt()).isEqualTo(3);
    assertThat(four.path("payload").path("protocol").asInt()).isEqualTo(4);
    assertThat(upTo9.path("payload").path("protocol").asInt()).isEqualTo(4);
  }

  @Test
  void helloOkAnnouncesExactlyTheRegistryAndTheGrant() {
    start(b ->
        b.serverVersion("9.9.9")
            .tickInterval(Duration.ofSeconds(7))
            .method(
                MethodSpec.operator(
                    "test.echo",
                    Scope.READ,
                    call -> call.params().orElse(Json.mapper().createObjectNode())))
            .method(MethodSpec.admin("test.admin", call -> Json.mapper().createObjectNode())));
    TestSocket socket = open();
    JsonNode response = socket.connect(Fixtures.operator("operator.read").toNode());
    assertThat(response.path("ok").asBoolean()).isTrue();
    JsonNode hello = response.path("payload");
    assertThat(hello.path("type").asString()).isEqualTo("hello-ok");
    assertThat(hello.path("server").path("version").asString()).isEqualTo("9.9.9");
    assertThat(UUID.fromString(hello.path("server").path("connId").asString())).isNotNull();
    assertThat(strings(hello.path("features").path("methods")))
        .containsExactlyElementsOf(server().methods().names())
        .containsExactly("health", "status", "test.echo", "test.admin");
    assertThat(strings(hello.path("features").path("events")))
        .containsExactlyElementsOf(GatewayEvents.ALL);
    assertThat(hello.path("auth").path("method").asString()).isEqualTo("token");
    assertThat(hello.path("auth").path("role").asString()).isEqualTo("operator");
    assertThat(strings(hello.path("auth").path("scopes"))).containsExactly("operator.read");
    assertThat(hello.path("policy").path("maxPayload").asLong()).isEqualTo(25L * 1024 * 1024);
    assertThat(hello.path("policy").path("maxBufferedBytes").asLong()).isEqualTo(50L * 1024 * 1024);
    assertThat(hello.path("policy").path("tickIntervalMs").asLong()).isEqualTo(7000);
  }

  @Test
  void secondConnectIsRefusedButTheConnectionStays() {
    start();
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    JsonNode again = socket.call("connect", Fixtures.operator("operator.read").toNode());
    assertThat(detail(again)).isEqualTo("ALREADY_CONNECTED");
    assertThat(socket.call("health").path("ok").asBoolean()).isTrue();
    assertThat(socket.isClosed()).isFalse();
  }

  @Test
  void authorizerRefusalIsAnsweredThenClosedWith1008() {
    start();
    TestSocket socket = open();
    JsonNode response = socket.connect(Fixtures.withToken(Fixtures.operator(), "wrong").toNode());
    assertThat(detail(response)).isEqualTo("AUTH_TOKEN_MISMATCH");
    assertThat(socket.awaitClose().code()).isEqualTo(1008);
  }

  static List<String> strings(JsonNode array) {
    return array.valueStream().map(JsonNode::asString).toList();
  }
}
