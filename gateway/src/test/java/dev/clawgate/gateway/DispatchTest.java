package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class DispatchTest extends GatewayTestBase {

  private GatewayServer startWithTestMethods() {
    return start(b ->
        b.method(
                MethodSpec.operator(
                    "test.echo",
                    Scope.READ,
                    call -> call.params().orElse(Json.mapper().createObjectNode())))
            .method(MethodSpec.admin("test.admin", call -> ok()))
            .method(MethodSpec.node("node.event", call -> ok()))
            .method(
                MethodSpec.operator(
                    "test.refuse",
                    Scope.READ,
                    call -> {
                      throw ClawgateException.of(
                              ErrorCode.NOT_FOUND, DetailCode.DEVICE_NOT_FOUND, "no such device")
                          .build();
                    }))
            .method(
                MethodSpec.operator(
                    "test.crash",
                    Scope.READ,
                    call -> {
                      throw new IllegalStateException("secret internals");
                    }))
            .method(
                MethodSpec.operator(
                    "test.whoami",
                    Scope.READ,
                    call -> {
                      ObjectNode node = Json.mapper().createObjectNode();
                      node.put("connId", call.connId());
                      node.put("role", call.role().wireName());
                      node.put("scopes", call.scopes().toString());
                      node.put("remote", call.remoteAddress());
                      node.put("local", call.local());
                      return node;
                    })));
  }

  private static ObjectNode ok() {
    return Json.mapper().createObjectNode().put("ok", true);
  }

  @Test
  void builtInsAnswerWithReadScope() {
    start(b -> b.serverVersion("1.2.3"));
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    JsonNode health = socket.call("health");
    assertThat(health.path("ok").asBoolean()).isTrue();
    assertThat(health.path("payload").path("ok").asBoolean()).isTrue();
    assertThat(health.path("payload").path("ts").asLong()).isPositive();
    JsonNode status = socket.call("status").path("payload");
    assertThat(status.path("version").asString()).isEqualTo("1.2.3");
    assertThat(status.path("connections").asInt()).isEqualTo(1);
    assertThat(status.path("uptimeMs").asLong()).isNotNegative();
    assertThat(status.path("protocol").path("min").asInt()).isEqualTo(3);
    assertThat(status.path("protocol").path("max").asInt()).isEqualTo(4);
  }

  @Test
  void writeImpliesRead() {
    start();
    TestSocket socket = connected(Fixtures.operator("operator.write"));
    assertThat(socket.call("health").path("ok").asBoolean()).isTrue();
  }

  @Test
  void unknownMethodIsNamed() {
    start();
    TestSocket socket = connected(Fixtures.operator("operator.admin"));
    JsonNode response = socket.call("no.such.method");
    assertThat(response.path("error").path("code").asString()).isEqualTo("INVALID_REQUEST");
    assertThat(detail(response)).isEqualTo("UNKNOWN_METHOD");
    assertThat(response.path("error").path("message").asString())
        .isEqualTo("unknown method: no.such.method");
  }

  @Test
  void missingScopeNamesRequiredAndHeld() {
    startWithTestMethods();
    TestSocket reader = connected(Fixtures.operator("operator.read", "operator.pairing"));
    JsonNode response = reader.call("test.admin");
    JsonNode error = response.path("error");
    assertThat(error.path("code").asString()).isEqualTo("FORBIDDEN");
    assertThat(detail(response)).isEqualTo("MISSING_SCOPE");
    assertThat(error.path("message").asString())
        .isEqualTo(
            "test.admin requires operator.admin; this connection holds"
                + " operator.pairing,operator.read");
    assertThat(error.path("details").path("required").asString()).isEqualTo("operator.admin");
    assertThat(HandshakeTest.strings(error.path("details").path("held")))
        .containsExactly("operator.pairing", "operator.read");

    TestSocket nobody = connected(Fixtures.operator());
    assertThat(nobody.call("health").path("error").path("message").asString())
        .isEqualTo("health requires operator.read; this connection holds no scopes");
  }

  @Test
  void adminSatisfiesEveryOperatorScope() {
    startWithTestMethods();
    TestSocket admin = connected(Fixtures.operator("operator.admin"));
    assertThat(admin.call("test.admin").path("ok").asBoolean()).isTrue();
    assertThat(admin.call("health").path("ok").asBoolean()).isTrue();
  }

  @Test
  void rolesAreKeptApart() {
    startWithTestMethods();
    TestSocket operator = connected(Fixtures.operator("operator.admin"));
    JsonNode refused = operator.call("node.event");
    assertThat(refused.path("error").path("code").asString()).isEqualTo("FORBIDDEN");
    assertThat(detail(refused)).isEqualTo("ROLE_NOT_ALLOWED");

    TestSocket node = connected(Fixtures.node());
    assertThat(node.call("node.event").path("ok").asBoolean()).isTrue();
    assertThat(detail(node.call("health"))).isEqualTo("ROLE_NOT_ALLOWED");
  }

  @Test
  void handlerErrorsKeepTheirShape() {
    startWithTestMethods();
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    JsonNode refused = socket.call("test.refuse");
    assertThat(refused.path("error").path("code").asString()).isEqualTo("NOT_FOUND");
    assertThat(detail(refused)).isEqualTo("DEVICE_NOT_FOUND");
    assertThat(refused.path("error").path("message").asString()).isEqualTo("no such device");
  }

  @Test
  void unexpectedHandlerFailureShowsOnlyARef() {
    startWithTestMethods();
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    JsonNode crashed = socket.call("test.crash");
    assertThat(crashed.path("error").path("code").asString()).isEqualTo("INTERNAL");
    assertThat(crashed.path("error").path("message").asString())
        .matches("internal error \\(ref [0-9a-f]{8}\\)");
    assertThat(crashed.toString()).doesNotContain("secret internals");
    assertThat(socket.call("health").path("ok").asBoolean()).isTrue();
  }

  @Test
  void handlerSeesTheCaller() {
    startWithTestMethods();
    TestSocket socket = open();
    JsonNode hello = socket.connect(Fixtures.operator("operator.read").toNode());
    JsonNode me = socket.call("test.whoami").path("payload");
    assertThat(me.path("connId").asString())
        .isEqualTo(hello.path("payload").path("server").path("connId").asString());
    assertThat(me.path("role").asString()).isEqualTo("operator");
    assertThat(me.path("scopes").asString()).isEqualTo("operator.read");
    assertThat(me.path("remote").asString()).isEqualTo("127.0.0.1");
    assertThat(me.path("local").asBoolean()).isTrue();
  }

  @Test
  void malformedFrameAfterConnectIsAnsweredAndTheConnectionStays() {
    start();
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    socket.send("[1,2,3]");
    JsonNode response = socket.next(f -> f.path("type").asString("").equals("res"));
    assertThat(response.path("id").asString()).isEmpty();
    assertThat(detail(response)).isEqualTo("MALFORMED_FRAME");
    socket.send("{\"type\":\"req\",\"id\":\"x1\",\"method\":\"health\",\"bogus\":true}");
    JsonNode withId = socket.next(f -> f.path("type").asString("").equals("res"));
    assertThat(withId.path("id").asString()).isEqualTo("x1");
    assertThat(socket.call("health").path("ok").asBoolean()).isTrue();
  }

  @Test
  void framesLargerThanThePreConnectLimitAreFineAfterConnect() {
    startWithTestMethods();
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    String big = "y".repeat(200_000);
    ObjectNode params = Json.mapper().createObjectNode().put("blob", big);
    JsonNode echoed = socket.call("test.echo", params);
    assertThat(echoed.path("payload").path("blob").asString()).isEqualTo(big);
  }

  @Test
  void binaryFramesCloseWith1003() {
    start();
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    socket.sendBinary(new byte[] {1, 2, 3});
    assertThat(socket.awaitClose().code()).isEqualTo(1003);
  }

  @Test
  void requestsRunConcurrently() throws Exception {
    CountDownLatch bothRunning = new CountDownLatch(2);
    start(b ->
        b.method(
            MethodSpec.operator(
                "test.rendezvous",
                Scope.READ,
                call -> {
                  bothRunning.countDown();
                  try {
                    return ok().put("met", bothRunning.await(5, TimeUnit.SECONDS));
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                })));
    TestSocket socket = connected(Fixtures.operator("operator.read"));
    String first = socket.request("test.rendezvous", Json.mapper().createObjectNode());
    String second = socket.request("test.rendezvous", Json.mapper().createObjectNode());
    List<JsonNode> responses = List.of(socket.next(), socket.next());
    assertThat(responses)
        .extracting(r -> r.path("id").asString())
        .containsExactlyInAnyOrder(first, second);
    assertThat(responses)
        .allSatisfy(r -> assertThat(r.path("payload").path("met").asBoolean()).isTrue());
  }

  @Test
  void registryRejectsDuplicatesAndConnect() {
    assertThatThrownBy(() ->
            MethodRegistry.of(
                List.of(
                    MethodSpec.admin("a.b", call -> ok()), MethodSpec.admin("a.b", call -> ok()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.b");
    assertThatThrownBy(() -> MethodSpec.admin("connect", call -> ok()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() ->
            GatewayServer.builder(Fixtures.config(), new Fixtures.Authorizer())
                .method(MethodSpec.admin("health", call -> ok()))
                .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("health");
  }
}
