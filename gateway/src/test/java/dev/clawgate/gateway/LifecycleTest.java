package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.config.GatewayConfig.Bind;
import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LifecycleTest extends GatewayTestBase {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server().port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthzIsLive() throws Exception {
    start(b -> b.serverVersion("3.1.4"));
    HttpResponse<String> response = get("/healthz");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode body = dev.clawgate.protocol.Json.mapper().readTree(response.body());
    assertThat(body.path("ok").asBoolean()).isTrue();
    assertThat(body.path("status").asString()).isEqualTo("live");
    assertThat(body.path("version").asString()).isEqualTo("3.1.4");
    assertThat(body.path("uptimeMs").asLong()).isNotNegative();
  }

  @Test
  void readyzIs503UntilMarkedReadyThen200() throws Exception {
    start();
    HttpResponse<String> starting = get("/readyz");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).contains("\"status\":\"not ready\"");
    assertThat(get("/healthz").statusCode()).as("alive while not ready").isEqualTo(200);

    server().markReady();
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"status\":\"ready\"");
  }

  @Test
  void unknownPathsAreJson404s() throws Exception {
    start();
    for (String path : List.of("/nope", "/", "/ws")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).isEqualTo("{\"ok\":false,\"error\":\"not found\"}");
    }
  }

  @Test
  void gracefulCloseSendsShutdownThen1001() {
    start();
    TestSocket socket = connected(Fixtures.operator());
    TestSocket waiting = open();
    waiting.challenge();
    server().close();
    JsonNode shutdown = socket.nextEvent("shutdown");
    assertThat(shutdown.path("payload").path("reason").asString()).isEqualTo("gateway stopping");
    assertThat(socket.awaitClose()).isEqualTo(new TestSocket.Close(1001, "gateway shutting down"));
    assertThat(waiting.awaitClose().code()).isEqualTo(1001);
    assertThat(server().connectionCount()).isZero();
    server().close(); // idempotent
    assertThatThrownBy(() -> TestSocket.open(server().port(), "/", Map.of()))
        .isInstanceOf(CompletionException.class);
  }

  @Test
  void portIsEphemeralAndKnownAfterStart() {
    GatewayServer gateway =
        track(GatewayServer.builder(Fixtures.config(), new Fixtures.Authorizer()).build());
    assertThatThrownBy(gateway::port).isInstanceOf(IllegalStateException.class);
    gateway.start();
    assertThat(gateway.port()).isPositive();
    assertThatThrownBy(gateway::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesANonLoopbackBindWithoutAuth() {
    GatewayServer gateway =
        track(
            GatewayServer.builder(
                    Fixtures.config(Bind.LAN, AuthMode.NONE, RateLimit.defaults(), List.of()),
                    new Fixtures.Authorizer())
                .build());
    assertThatThrownBy(gateway::start)
        .isInstanceOfSatisfying(
            ClawgateException.class,
            e -> {
              assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
              assertThat(e.getMessage()).contains("gateway.auth.mode is none").contains("0.0.0.0");
            });
  }

  @Test
  void loopbackBindWithoutAuthStarts() {
    GatewayServer gateway =
        track(
            GatewayServer.builder(
                    Fixtures.config(Bind.LOOPBACK, AuthMode.NONE, RateLimit.defaults(), List.of()),
                    new Fixtures.Authorizer())
                .build());
    gateway.start();
    assertThat(gateway.port()).isPositive();
  }
}
