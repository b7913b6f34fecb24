package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's own {@code /mcp}: mounted on the gateway port, the conversation tools in process
 * over Streamable HTTP, open only with {@code gateway.auth.mode: none} (loopback) and then only to
 * requests that name this machine, 401 in every other mode.
 */
class McpEndpointTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

  @TempDir Path stateDir;

  private static HttpResponse<String> post(GatewayUnderTest gateway, String body, String session)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/mcp"))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!session.isEmpty()) {
      request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutAuthTheToolsAnswerOverStreamableHttp() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.noAuth(stateDir)) {
      HttpResponse<String> init = post(gateway, INITIALIZE, "");
      assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
      String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
      JsonNode result = Json.mapper().readTree(init.body()).path("result");
      assertThat(result.path("serverInfo").path("name").asString()).isEqualTo("clawgate");
      assertThat(result.path("protocolVersion").asString()).isEqualTo("2025-11-25");

      assertThat(
              post(
                      gateway,
                      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                      session)
                  .statusCode())
          .isEqualTo(202);
      HttpResponse<String> tools =
          post(gateway, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", session);
      assertThat(Json.mapper().readTree(tools.body()).at("/result/tools")).hasSize(9);
      HttpResponse<String> listed =
          post(
              gateway,
              "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                  + "\"conversations_list\",\"arguments\":{}}}",
              session);
      JsonNode call = Json.mapper().readTree(listed.body()).path("result");
      assertThat(call.path("isError").asBoolean()).as(listed.body()).isFalse();
      assertThat(call.at("/structuredContent/conversations").isArray()).isTrue();

      assertThat(post(gateway, INITIALIZE.replace("\"id\":1", "\"id\":4"), "no-such").statusCode())
          .as("an unknown session id with initialize opens a new session")
          .isEqualTo(200);
      assertThat(
              post(gateway, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}", "no-such")
                  .statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void aStartedGatewayIsReady() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.noAuth(stateDir)) {
      HttpResponse<String> ready =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutAuthAHostOrOriginThatIsNotThisMachineIsRefused() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.noAuth(stateDir)) {
      assertThat(rawPost(gateway.port(), "evil.example.com", null)).startsWith("HTTP/1.1 403");
      assertThat(rawPost(gateway.port(), "localhost:" + gateway.port(), "http://evil.example.com"))
          .startsWith("HTTP/1.1 403");
      assertThat(rawPost(gateway.port(), "localhost:" + gateway.port(), "http://localhost:3000"))
          .startsWith("HTTP/1.1 200");
      assertThat(rawPost(gateway.port(), "[::1]:" + gateway.port(), null))
          .startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void withTokenAuthEveryRequestIsAnswered401WithTheResourceMetadataChallenge() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.defaultPairingPolicy(stateDir)) {
      HttpResponse<String> refused = post(gateway, INITIALIZE, "");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
          .startsWith("Bearer resource_metadata=\"")
          .contains("/.well-known/oauth-protected-resource/mcp");
      // The shared gateway token is not an MCP credential.
      HttpResponse<String> withToken =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/mcp"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + GatewayUnderTest.TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(withToken.statusCode()).isEqualTo(401);
    }
  }

  /** POST initialize over a raw socket, with a chosen Host (the JDK client will not set one). */
  private static String rawPost(int port, String host, @Nullable String origin) throws IOException {
    byte[] body = INITIALIZE.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder()
            .append("POST /mcp HTTP/1.1\r\n")
            .append("Host: ")
            .append(host)
            .append("\r\n")
            .append("Content-Type: application/json\r\n")
            .append("Accept: application/json\r\n")
            .append("Connection: close\r\n")
            .append("Content-Length: ")
            .append(body.length)
            .append("\r\n");
    if (origin != null) {
      head.append("Origin: ").append(origin).append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
