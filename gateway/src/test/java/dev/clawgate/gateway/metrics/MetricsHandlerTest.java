package dev.clawgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.oauth.OAuthEvents;
import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.gateway.mcp.http.Authentication;
import dev.clawgate.gateway.mcp.http.Authenticator;
import dev.clawgate.gateway.mcp.http.BearerChallenges;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler on a real Jetty server, with a stub authenticator keyed by bearer token. */
class MetricsHandlerTest {
  private static final String METADATA =
      "http://127.0.0.1/.well-known/oauth-protected-resource/metrics";
  private static final Map<String, List<String>> TOKENS =
      Map.of(
          "reader", List.of("operator.read"),
          "writer", List.of("operator.write"),
          "pairer", List.of("operator.pairing"));

  private final GatewayMetrics metrics = GatewayMetrics.create("1.0.0");
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private @Nullable Server server;
  private int port;

  /** Refuses requests without a bearer token (401) or with an unknown one (401 invalid_token). */
  private static Authentication authenticate(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null) {
      return Authentication.Refused.missing();
    }
    if (!header.startsWith("Bearer ")) {
      return Authentication.Refused.invalidRequest("not a bearer credential");
    }
    List<String> scopes = TOKENS.get(header.substring("Bearer ".length()));
    if (scopes == null) {
      return Authentication.Refused.invalidToken("unknown token");
    }
    return new Authentication.Granted(McpPrincipal.of("test client", scopes, "client:test"));
  }

  @BeforeEach
  void startServer() throws Exception {
    Authenticator authenticator = MetricsHandlerTest::authenticate;
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new MetricsHandler(metrics, authenticator, new BearerChallenges(METADATA)));
    jetty.start();
    server = jetty;
    port = connector.getLocalPort();
  }

  @AfterEach
  void stopServer() throws Exception {
    Server jetty = server;
    if (jetty != null) {
      jetty.stop();
    }
  }

  private HttpResponse<String> send(String method, @Nullable String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + MetricsHandler.PATH))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutATokenItIs401WithAChallenge() throws Exception {
    HttpResponse<String> response = send("GET", null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer resource_metadata=\"" + METADATA + "\"");
    assertThat(response.body()).doesNotContain("clawgate_");
  }

  @Test
  void anUnknownTokenIs401InvalidToken() throws Exception {
    HttpResponse<String> response = send("GET", "forged");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer error=\"invalid_token\"")
        .contains("resource_metadata=\"" + METADATA + "\"");
    assertThat(response.body()).doesNotContain("clawgate_", "forged");
  }

  @Test
  void withoutOperatorReadItIs403AskingForIt() throws Exception {
    HttpResponse<String> response = send("GET", "pairer");
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer error=\"insufficient_scope\"")
        .contains("scope=\"operator.pairing operator.read\"")
        .contains("resource_metadata=\"" + METADATA + "\"");
    assertThat(response.body()).doesNotContain("clawgate_");
    assertThat(metrics.scrape())
        .contains("clawgate_oauth_events_total{event=\"insufficient_scope\"} 1\n");
  }

  @Test
  void withOperatorReadItIsTheScrape() throws Exception {
    metrics.oauthEvent(OAuthEvents.Event.TOKEN_ISSUED);
    HttpResponse<String> response = send("GET", "reader");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    Map<String, Exposition.Family> families = Exposition.parse(response.body());
    assertThat(families).containsKeys("clawgate_up", "clawgate_oauth_events_total");
  }

  @Test
  void writeImpliesRead() throws Exception {
    assertThat(send("GET", "writer").statusCode()).isEqualTo(200);
  }

  @Test
  void headAnswersWithoutABody() throws Exception {
    HttpResponse<String> response = send("HEAD", "reader");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void otherMethodsAre405() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE")) {
      HttpResponse<String> response = send(method, "reader");
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(response.body()).doesNotContain("clawgate_");
    }
    assertThat(send("POST", null).statusCode()).isEqualTo(405);
  }
}
