package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.gateway.e2e.OAuthClient.McpEndpointCalls;
import dev.clawgate.protocol.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The OAuth flow of a remote MCP client against a real gateway, over HTTP: discovery from the 401,
 * registration, authorization whose consent is a pairing request approved by the owner, the token
 * endpoint, tool calls with the bearer, refresh; then a second authorization that asks nothing and
 * a step-up that asks only for the new scope.
 */
class OAuthEndToEndTest {
  @TempDir Path stateDir;

  /** The JSON-RPC message of a POST answer, whether it came as JSON or as an SSE stream. */
  static JsonNode message(HttpResponse<String> response) {
    String body = response.body();
    if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
      String last = "";
      for (String line : body.split("\n")) {
        if (line.startsWith("data:") && line.length() > 6) {
          last = line.substring(5).trim();
        }
      }
      body = last;
    }
    return Json.mapper().readTree(body);
  }

  /** Authorizes {@code scope}, approving its pairing request as the owner, and gets tokens. */
  static JsonNode authorizeApproved(OAuthClient client, Owner owner, String scope)
      throws Exception {
    OAuthClient.Attempt attempt = client.authorize(scope);
    assertThat(attempt.response().statusCode()).isEqualTo(303);
    String consent = attempt.location();
    assertThat(consent).startsWith("/oauth/consent?id=");
    HttpResponse<String> page = client.follow(consent);
    assertThat(page.statusCode()).isEqualTo(200);
    String requestId = requestIdOn(page.body());
    owner.approve(requestId, 1);
    HttpResponse<String> done = client.follow(consent);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    Map<String, String> callback =
        OAuthClient.callback(done.headers().firstValue("Location").get());
    assertThat(callback.get("state")).isEqualTo(attempt.state());
    assertThat(callback.get("iss")).isEqualTo(client.base);
    return client.exchange(callback.getOrDefault("code", ""), attempt.verifier());
  }

  static String requestIdOn(String html) {
    int at = html.indexOf("clawgate devices approve ");
    assertThat(at).as(html).isPositive();
    return html.substring(at + "clawgate devices approve ".length()).split("[<\\s]", 2)[0];
  }

  static String initialize(OAuthClient client, String accessToken) throws Exception {
    HttpResponse<String> init =
        client.mcp("", McpEndpointCalls.INITIALIZE, Optional.of(accessToken));
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  @Test
  void aClientDiscoversRegistersIsApprovedOnceAndCallsTools() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      OAuthClient client = new OAuthClient(gateway.port()).discover();
      assertThat(client.serverMetadata.path("code_challenge_methods_supported").toString())
          .isEqualTo("[\"S256\"]");
      assertThat(client.serverMetadata.path("client_id_metadata_document_supported").asBoolean())
          .isTrue();
      JsonNode registration = client.register("Claude", OAuthClient.REDIRECT);
      assertThat(registration.path("token_endpoint_auth_method").asString()).isEqualTo("none");

      // The consent page shows who asks, where the browser returns, and what is asked.
      OAuthClient.Attempt attempt = client.authorize("operator.read");
      HttpResponse<String> page = client.follow(attempt.location());
      assertThat(page.body())
          .contains("Claude", "127.0.0.1", "operator.read", "clawgate devices approve ");
      assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
      String requestId = requestIdOn(page.body());
      JsonNode pending = owner.pendingRequest(requestId);
      assertThat(pending.path("kind").asString()).isEqualTo("oauth-client");
      assertThat(pending.path("scopes").toString()).isEqualTo("[\"operator.read\"]");

      owner.approve(requestId, 1);
      HttpResponse<String> done = client.follow(attempt.location());
      Map<String, String> callback =
          OAuthClient.callback(done.headers().firstValue("Location").get());
      JsonNode tokens = client.exchange(callback.getOrDefault("code", ""), attempt.verifier());
      assertThat(tokens.path("access_token").asString()).startsWith("cga_");
      assertThat(tokens.path("scope").asString()).isEqualTo("operator.read");
      // The page is done: a second visit does not hand out another code.
      assertThat(client.follow(attempt.location()).statusCode()).isEqualTo(410);

      String access = tokens.path("access_token").asString();
      String session = initialize(client, access);
      // Only the tools its scopes allow are listed: the six reading ones.
      JsonNode tools =
          message(client.mcp(session, McpEndpointCalls.TOOLS_LIST, Optional.of(access)));
      assertThat(tools.at("/result/tools").valueStream().map(t -> t.path("name").asString()))
          .hasSize(6)
          .doesNotContain("messages_send", "permissions_respond");
      JsonNode list =
          message(
              client.mcp(
                  session,
                  McpEndpointCalls.call(3, "conversations_list", "{}"),
                  Optional.of(access)));
      assertThat(list.path("result").path("isError").asBoolean()).as(list.toString()).isFalse();

      // A tool outside the token's scopes: 403 naming what to ask for (held + missing).
      HttpResponse<String> send =
          client.mcp(
              session,
              McpEndpointCalls.call(4, "messages_send", "{\"session_key\":\"x\",\"text\":\"hi\"}"),
              Optional.of(access));
      assertThat(send.statusCode()).isEqualTo(403);
      assertThat(send.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"insufficient_scope\"", "scope=\"operator.read operator.write\"");

      // Refresh rotates; the old refresh token is then spent.
      HttpResponse<String> refreshed = client.refresh(tokens.path("refresh_token").asString());
      assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
      JsonNode rotated = Json.mapper().readTree(refreshed.body());
      assertThat(rotated.path("refresh_token").asString())
          .isNotEqualTo(tokens.path("refresh_token").asString());
      assertThat(
              client
                  .mcp(
                      "",
                      McpEndpointCalls.INITIALIZE,
                      Optional.of(rotated.path("access_token").asString()))
                  .statusCode())
          .isEqualTo(200);

      // A second authorization for the same scope asks nothing: straight back with a code.
      OAuthClient.Attempt again = client.authorize("operator.read");
      assertThat(again.response().statusCode()).isEqualTo(303);
      Map<String, String> direct = OAuthClient.callback(again.location());
      assertThat(direct).containsKey("code");
      assertThat(owner.pendingRequestIds()).isEmpty();
      client.exchange(direct.getOrDefault("code", ""), again.verifier());

      // Step-up: only operator.write is asked; approval grants the union.
      OAuthClient.Attempt stepUp = client.authorize("operator.read operator.write");
      String stepUpPage = client.follow(stepUp.location()).body();
      String stepUpRequest = requestIdOn(stepUpPage);
      JsonNode asked = owner.pendingRequest(stepUpRequest);
      assertThat(asked.path("scopes").toString()).isEqualTo("[\"operator.write\"]");
      assertThat(stepUpPage).contains("Already allowed: operator.read");
      owner.approve(stepUpRequest, 1);
      Map<String, String> stepped =
          OAuthClient.callback(
              client.follow(stepUp.location()).headers().firstValue("Location").get());
      JsonNode union = client.exchange(stepped.getOrDefault("code", ""), stepUp.verifier());
      assertThat(union.path("scope").asString()).isEqualTo("operator.read operator.write");
      String wide = union.path("access_token").asString();
      // The same session (same client) now may send: not a 403 any more.
      HttpResponse<String> sent =
          client.mcp(
              session,
              McpEndpointCalls.call(
                  5, "messages_send", "{\"session_key\":\"agent:main:nobody\",\"text\":\"hi\"}"),
              Optional.of(wide));
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
      JsonNode widened =
          message(client.mcp(session, McpEndpointCalls.TOOLS_LIST, Optional.of(wide)));
      assertThat(widened.at("/result/tools").valueStream().map(t -> t.path("name").asString()))
          .hasSize(7)
          .contains("messages_send");

      List<AuditEntry> audit = gateway.audit("oauth.");
      assertThat(audit).extracting(AuditEntry::action).contains("oauth.register", "oauth.grant");
      // Three grants: the first, the silent second one, and the step-up, which says so.
      assertThat(audit)
          .filteredOn(e -> e.action().equals("oauth.grant"))
          .extracting(e -> e.detail().get("stepUp"))
          .containsExactlyInAnyOrder(false, false, true);
    }
  }

  @Test
  void theOwnerApprovesOnTheConsentPageWithTheSharedToken() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir)) {
      OAuthClient client = new OAuthClient(gateway.port()).discover();
      client.register("Phone connector", OAuthClient.REDIRECT);
      OAuthClient.Attempt attempt = client.authorize("operator.read operator.approvals");
      String id = attempt.location().substring(attempt.location().indexOf("id=") + 3);

      HttpResponse<String> wrong = client.consentDecision(id, "not-the-token", "approve");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("not the gateway");

      HttpResponse<String> approved = client.consentDecision(id, GatewayUnderTest.TOKEN, "approve");
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(303);
      Map<String, String> callback =
          OAuthClient.callback(approved.headers().firstValue("Location").get());
      JsonNode tokens = client.exchange(callback.getOrDefault("code", ""), attempt.verifier());
      assertThat(tokens.path("scope").asString()).isEqualTo("operator.approvals operator.read");
    }
  }

  @Test
  void theOwnerDeniesOnTheConsentPage() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir)) {
      OAuthClient client = new OAuthClient(gateway.port()).discover();
      client.register("Unwanted", OAuthClient.REDIRECT);
      OAuthClient.Attempt attempt = client.authorize("operator.read");
      String id = attempt.location().substring(attempt.location().indexOf("id=") + 3);
      HttpResponse<String> denied = client.consentDecision(id, GatewayUnderTest.TOKEN, "deny");
      assertThat(denied.statusCode()).isEqualTo(303);
      Map<String, String> callback =
          OAuthClient.callback(denied.headers().firstValue("Location").get());
      assertThat(callback.get("error")).isEqualTo("access_denied");
      assertThat(callback.get("state")).isEqualTo(attempt.state());
    }
  }
}
