package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /metrics} on a real gateway: Prometheus text for a token holding {@code
 * operator.read}; 401 without one, 401 for an OAuth access token (issued for {@code /mcp}), 403 for
 * a static token without read; in mode {@code none} only for requests naming this machine.
 */
class MetricsEndpointTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path stateDir;

  private static HttpResponse<String> scrape(GatewayUnderTest gateway, Optional<String> bearer)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/metrics"));
    bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String staticToken(Owner owner, String name, String... scopes) {
    ObjectNode params = Json.mapper().createObjectNode().put("name", name);
    for (String scope : scopes) {
      params.withArray("scopes").add(scope);
    }
    return owner.call("token.create", params).path("token").asString();
  }

  @Test
  void aReadTokenScrapesAndOthersAreRefused() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      assertThat(scrape(gateway, Optional.empty()).statusCode()).isEqualTo(401);

      String reader = staticToken(owner, "prometheus", "operator.read");
      HttpResponse<String> ok = scrape(gateway, Optional.of(reader));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      // Using a token counts as its device being seen.
      assertThat(
              owner
                  .call("device.pair.list", Json.mapper().createObjectNode())
                  .path("paired")
                  .valueStream()
                  .filter(d -> d.path("kind").asString().equals("token"))
                  .findFirst()
                  .orElseThrow()
                  .path("lastSeenAtMs")
                  .isNumber())
          .isTrue();
      assertThat(ok.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
      assertThat(ok.body())
          .contains(
              "clawgate_up 1",
              "clawgate_rpc_requests_total{method=\"token.create\",outcome=\"ok\"} 1",
              "clawgate_oauth_events_total{event=\"token_issued\"}");

      // operator.write implies read (as for connections); approvals alone does not.
      String writer = staticToken(owner, "approver", "operator.approvals");
      HttpResponse<String> forbidden = scrape(gateway, Optional.of(writer));
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("insufficient_scope", "operator.read");

      // An OAuth access token is for /mcp: not for /metrics.
      OAuthClient client = new OAuthClient(gateway.port()).discover();
      client.register("Scraper", OAuthClient.REDIRECT);
      OAuthClient.Attempt attempt = client.authorize("operator.read");
      String requestId = OAuthEndToEndTest.requestIdOn(client.follow(attempt.location()).body());
      owner.approve(requestId, 1);
      Map<String, String> callback =
          OAuthClient.callback(
              client.follow(attempt.location()).headers().firstValue("Location").orElseThrow());
      String access =
          client
              .exchange(callback.getOrDefault("code", ""), attempt.verifier())
              .path("access_token")
              .asString();
      // A tool call outside the token's scopes is a step-up, counted.
      String session = OAuthEndToEndTest.initialize(client, access);
      assertThat(
              client
                  .mcp(
                      session,
                      OAuthClient.McpEndpointCalls.call(
                          3, "messages_send", "{\"session_key\":\"x\",\"text\":\"y\"}"),
                      Optional.of(access))
                  .statusCode())
          .isEqualTo(403);
      assertThat(scrape(gateway, Optional.of(reader)).body())
          .contains("clawgate_oauth_events_total{event=\"insufficient_scope\"} 2");
      HttpResponse<String> wrongAudience = scrape(gateway, Optional.of(access));
      assertThat(wrongAudience.statusCode()).isEqualTo(401);
      assertThat(wrongAudience.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("another resource");
    }
  }

  @Test
  void withoutAuthOnlyRequestsNamingThisMachineAreAnswered() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.noAuth(stateDir)) {
      assertThat(scrape(gateway, Optional.empty()).statusCode()).isEqualTo(200);
      // A rebinding page's request names its own host.
      try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
        socket
            .getOutputStream()
            .write(
                ("GET /metrics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String answer =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 403");
      }
    }
  }
}
