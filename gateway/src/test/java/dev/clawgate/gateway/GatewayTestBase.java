package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.protocol.ConnectParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import tools.jackson.databind.JsonNode;

/** Starts a real gateway on 127.0.0.1:0 and closes it, with every socket, after each test. */
abstract class GatewayTestBase {
  final Fixtures.Authorizer authorizer = new Fixtures.Authorizer();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private @Nullable GatewayServer server;

  GatewayServer start() {
    return start(Fixtures.config(), b -> b);
  }

  GatewayServer start(UnaryOperator<GatewayServer.Builder> customize) {
    return start(Fixtures.config(), customize);
  }

  GatewayServer start(GatewayConfig config, UnaryOperator<GatewayServer.Builder> customize) {
    GatewayServer started =
        customize
            .apply(GatewayServer.builder(config, authorizer).shutdownGrace(Duration.ofSeconds(1)))
            .build();
    started.start();
    server = started;
    return started;
  }

  GatewayServer server() {
    GatewayServer current = server;
    if (current == null) {
      throw new IllegalStateException("start() first");
    }
    return current;
  }

  TestSocket open() {
    return open(Map.of());
  }

  TestSocket open(Map<String, String> headers) {
    TestSocket socket = TestSocket.open(server().port(), "/", headers);
    resources.add(socket);
    return socket;
  }

  /** A socket past hello-ok with {@code params}. */
  TestSocket connected(ConnectParams params) {
    TestSocket socket = open();
    JsonNode hello = socket.connect(params.toNode());
    assertThat(hello.path("ok").asBoolean(false)).as("hello-ok: %s", hello).isTrue();
    return socket;
  }

  <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  @AfterEach
  void stopGateway() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
    GatewayServer current = server;
    if (current != null) {
      current.close();
    }
  }

  static String detail(JsonNode response) {
    return response.path("error").path("details").path("code").asString("");
  }
}
