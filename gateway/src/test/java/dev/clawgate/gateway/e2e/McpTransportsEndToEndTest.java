package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The other two MCP transports on a real gateway in token mode, with a static bearer token of
 * {@code operator.read}: the deprecated HTTP+SSE transport at {@code /sse} + {@code /messages}, and
 * the stateless 2026-07-28 form on {@code /mcp}. Both check the token and hide the tools its scopes
 * do not allow, as {@code /mcp} sessions do.
 */
class McpTransportsEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path stateDir;

  private static String readToken(Owner owner) {
    ObjectNode params = Json.mapper().createObjectNode().put("name", "reader");
    params.putArray("scopes").add("operator.read");
    return owner.call("token.create", params).path("token").asString();
  }

  @Test
  void theLegacySseTransportServesTheToolsToABearer() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      String token = readToken(owner);
      String base = "http://127.0.0.1:" + gateway.port();
      assertThat(
              HTTP.send(
                      HttpRequest.newBuilder(URI.create(base + "/sse")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(401);

      HttpResponse<InputStream> stream =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/sse"))
                  .header("Accept", "text/event-stream")
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
      Thread reader =
          Thread.ofVirtual()
              .start(() -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                  String event = "message";
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("event:")) {
                      event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                      events.add(new String[] {event, line.substring(5).trim()});
                      event = "message";
                    }
                  }
                } catch (java.io.IOException e) {
                  // the stream ends when the test closes it
                }
              });
      try {
        String[] endpoint = events.poll(10, TimeUnit.SECONDS);
        assertThat(endpoint).isNotNull();
        assertThat(endpoint[0]).isEqualTo("endpoint");
        assertThat(endpoint[1]).startsWith("/messages?sessionId=");
        URI messages = URI.create(base + endpoint[1]);

        assertThat(post(messages, token, OAuthClient.McpEndpointCalls.INITIALIZE)).isEqualTo(202);
        assertThat(message(events).at("/result/serverInfo/name").asString()).isEqualTo("clawgate");
        assertThat(post(messages, token, OAuthClient.McpEndpointCalls.TOOLS_LIST)).isEqualTo(202);
        assertThat(message(events).at("/result/tools")).hasSize(6);
        // The open stream is a session on the gateway's gauge.
        HttpResponse<String> metrics =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body().lines()).contains("clawgate_mcp_http_sessions 1");
        // Without the token, the session id alone is nothing.
        assertThat(post(messages, "", OAuthClient.McpEndpointCalls.TOOLS_LIST)).isEqualTo(401);
      } finally {
        reader.interrupt();
        stream.body().close();
      }
    }
  }

  private static int post(URI messages, String token, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(messages)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static JsonNode message(BlockingQueue<String[]> events) throws InterruptedException {
    String[] event = events.poll(10, TimeUnit.SECONDS);
    assertThat(event).as("an answer on the stream").isNotNull();
    assertThat(event[0]).isEqualTo("message");
    return Json.mapper().readTree(event[1]);
  }

  @Test
  void theStatelessFormChecksTheBearerAndHidesToolsByScope() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      String token = readToken(owner);
      String body =
          "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
              + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
              + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"},"
              + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/mcp"))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .header("Accept", "application/json, text/event-stream")
              .header("MCP-Protocol-Version", "2026-07-28")
              .header("Mcp-Method", "tools/list")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      assertThat(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      HttpResponse<String> listed =
          HTTP.send(
              request.header("Authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
      assertThat(listed.headers().firstValue("Mcp-Session-Id")).isEmpty();
      JsonNode answer = OAuthEndToEndTest.message(listed);
      assertThat(answer.path("id").asInt()).isEqualTo(7);
      assertThat(answer.at("/result/tools").valueStream().map(t -> t.path("name").asString()))
          .hasSize(6)
          .doesNotContain("messages_send");
    }
  }
}
