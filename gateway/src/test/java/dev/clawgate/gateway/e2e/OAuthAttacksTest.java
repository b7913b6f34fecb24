package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.gateway.e2e.OAuthClient.McpEndpointCalls;
import dev.clawgate.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Attacks on the OAuth flow and on {@code /mcp} fail cleanly: a precise error, nothing issued, and
 * where a stolen credential is suspected (a replayed code, a reused refresh token) everything it
 * could have produced is revoked.
 */
class OAuthAttacksTest {
  @TempDir Path stateDir;

  private static JsonNode error(HttpResponse<String> response) {
    return Json.mapper().readTree(response.body());
  }

  /** A registered, approved client and the callback of one authorization (code not yet used). */
  private record Ready(OAuthClient client, OAuthClient.Attempt attempt, String code) {}

  private static Ready approvedCode(GatewayUnderTest gateway, Owner owner) throws Exception {
    OAuthClient client = new OAuthClient(gateway.port()).discover();
    client.register("Victim", OAuthClient.REDIRECT);
    OAuthClient.Attempt attempt = client.authorize("operator.read");
    String requestId = OAuthEndToEndTest.requestIdOn(client.follow(attempt.location()).body());
    owner.approve(requestId, 1);
    Map<String, String> callback =
        OAuthClient.callback(
            client.follow(attempt.location()).headers().firstValue("Location").orElseThrow());
    return new Ready(client, attempt, callback.getOrDefault("code", ""));
  }

  private static HttpResponse<String> exchange(Ready ready, String verifier) throws Exception {
    return ready
        .client()
        .token(
            Map.of(
                "grant_type",
                "authorization_code",
                "code",
                ready.code(),
                "redirect_uri",
                OAuthClient.REDIRECT,
                "client_id",
                ready.client().clientId,
                "code_verifier",
                verifier,
                "resource",
                ready.client().base + "/mcp"));
  }

  @Test
  void aWrongOrMissingPkceVerifierGetsNoTokenAndBurnsTheCode() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready ready = approvedCode(gateway, owner);
      HttpResponse<String> missing =
          ready
              .client()
              .token(
                  Map.of(
                      "grant_type",
                      "authorization_code",
                      "code",
                      ready.code(),
                      "redirect_uri",
                      OAuthClient.REDIRECT,
                      "client_id",
                      ready.client().clientId));
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(error(missing).path("error").asString()).isEqualTo("invalid_request");

      HttpResponse<String> wrong = exchange(ready, OAuthClient.random(48));
      assertThat(wrong.statusCode()).isEqualTo(400);
      assertThat(error(wrong).path("error").asString()).isEqualTo("invalid_grant");
      assertThat(error(wrong).path("error_description").asString()).contains("code_verifier");
      // One attempt per code: the right verifier is too late now.
      HttpResponse<String> late = exchange(ready, ready.attempt().verifier());
      assertThat(late.statusCode()).isEqualTo(400);
      assertThat(error(late).path("access_token").isMissingNode()).isTrue();
    }
  }

  @Test
  void aRedirectUriThatWasNotRegisteredIsNeverRedirectedTo() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir)) {
      OAuthClient client = new OAuthClient(gateway.port()).discover();
      client.register("Victim", OAuthClient.REDIRECT);
      OAuthClient.Attempt attempt =
          client.authorize("operator.read", "https://attacker.example/steal", client.base + "/mcp");
      assertThat(attempt.response().statusCode()).isEqualTo(400);
      assertThat(attempt.response().headers().firstValue("Location")).isEmpty();
      assertThat(attempt.response().body()).contains("not registered");
      // Same host, other path: no prefix matching either.
      OAuthClient.Attempt sibling =
          client.authorize(
              "operator.read", OAuthClient.REDIRECT + "/../evil", client.base + "/mcp");
      assertThat(sibling.response().statusCode()).isEqualTo(400);
      // Registering a non-loopback http redirect is refused outright.
      HttpResponse<String> registration =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(client.base + "/oauth/register"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"client_name\":\"x\",\"redirect_uris\":[\"http://attacker.example/cb\"]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(registration.statusCode()).isEqualTo(400);
      assertThat(error(registration).path("error").asString()).isEqualTo("invalid_redirect_uri");
    }
  }

  @Test
  void aTokenForAnotherResourceIsRefused() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir)) {
      OAuthClient client = new OAuthClient(gateway.port()).discover();
      client.register("Victim", OAuthClient.REDIRECT);
      OAuthClient.Attempt attempt =
          client.authorize("operator.read", OAuthClient.REDIRECT, "https://other.example/mcp");
      Map<String, String> callback = OAuthClient.callback(attempt.location());
      assertThat(callback.get("error")).isEqualTo("invalid_target");
      assertThat(callback.get("state")).isEqualTo(attempt.state());
      assertThat(callback).doesNotContainKey("code");

      // A token minted by another server (or any string) is not a token here.
      HttpResponse<String> foreign =
          client.mcp("", McpEndpointCalls.INITIALIZE, Optional.of("cga_" + OAuthClient.random(32)));
      assertThat(foreign.statusCode()).isEqualTo(401);
      assertThat(foreign.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"invalid_token\"");
    }
  }

  @Test
  void aTokenInTheQueryStringIsRefusedEvenWhenValid() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready ready = approvedCode(gateway, owner);
      JsonNode tokens = ready.client().exchange(ready.code(), ready.attempt().verifier());
      String access = tokens.path("access_token").asString();
      HttpResponse<String> viaQuery =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(ready.client().base + "/mcp?access_token=" + access))
                      .header("Content-Type", "application/json")
                      .header("Accept", "application/json, text/event-stream")
                      .POST(HttpRequest.BodyPublishers.ofString(McpEndpointCalls.INITIALIZE))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(viaQuery.statusCode()).isEqualTo(400);
      assertThat(viaQuery.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("error=\"invalid_request\"");
      assertThat(viaQuery.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }
  }

  @Test
  void aReplayedCodeIsRefusedAndRevokesTheTokensItGave() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready ready = approvedCode(gateway, owner);
      JsonNode first = ready.client().exchange(ready.code(), ready.attempt().verifier());
      HttpResponse<String> replay = exchange(ready, ready.attempt().verifier());
      assertThat(replay.statusCode()).isEqualTo(400);
      assertThat(error(replay).path("error").asString()).isEqualTo("invalid_grant");
      assertThat(
              ready
                  .client()
                  .mcp(
                      "",
                      McpEndpointCalls.INITIALIZE,
                      Optional.of(first.path("access_token").asString()))
                  .statusCode())
          .isEqualTo(401);
      assertThat(ready.client().refresh(first.path("refresh_token").asString()).statusCode())
          .isEqualTo(400);
      assertThat(gateway.audit("oauth.code_replay")).hasSize(1);
    }
  }

  @Test
  void aReusedRefreshTokenRevokesTheWholeFamily() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready ready = approvedCode(gateway, owner);
      OAuthClient client = ready.client();
      JsonNode first = client.exchange(ready.code(), ready.attempt().verifier());
      String stolen = first.path("refresh_token").asString();
      HttpResponse<String> rotated = client.refresh(stolen);
      assertThat(rotated.statusCode()).isEqualTo(200);
      JsonNode current = Json.mapper().readTree(rotated.body());

      HttpResponse<String> reuse = client.refresh(stolen);
      assertThat(reuse.statusCode()).isEqualTo(400);
      assertThat(error(reuse).path("error").asString()).isEqualTo("invalid_grant");
      assertThat(error(reuse).path("error_description").asString()).contains("already used");
      // The legitimate holder's newer tokens are gone too: whoever reused it may hold them.
      assertThat(
              client
                  .mcp(
                      "",
                      McpEndpointCalls.INITIALIZE,
                      Optional.of(current.path("access_token").asString()))
                  .statusCode())
          .isEqualTo(401);
      assertThat(client.refresh(current.path("refresh_token").asString()).statusCode())
          .isEqualTo(400);
      assertThat(gateway.audit("oauth.refresh_reuse")).hasSize(1);
    }
  }

  @Test
  void aRemovedClientGetsInvalidClientAndMayRegisterAgain() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready ready = approvedCode(gateway, owner);
      JsonNode tokens = ready.client().exchange(ready.code(), ready.attempt().verifier());
      String deviceId = owner.deviceIdOfClient(ready.client().clientId);
      owner.remove(deviceId);
      HttpResponse<String> refresh =
          ready.client().refresh(tokens.path("refresh_token").asString());
      assertThat(refresh.statusCode()).isEqualTo(401);
      assertThat(error(refresh).path("error").asString()).isEqualTo("invalid_client");
      assertThat(
              ready
                  .client()
                  .mcp(
                      "",
                      McpEndpointCalls.INITIALIZE,
                      Optional.of(tokens.path("access_token").asString()))
                  .statusCode())
          .isEqualTo(401);
      JsonNode again = ready.client().register("Victim", OAuthClient.REDIRECT);
      assertThat(again.path("client_id").asString()).isNotEmpty();
    }
  }

  @Test
  void anApprovedClientSignedInFromAnotherBrowserAsksTheOwnerAgain() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready ready = approvedCode(gateway, owner);
      ready.client().exchange(ready.code(), ready.attempt().verifier());
      // Anyone can learn the client id (registering the same metadata returns it) and start an
      // authorization with a verifier of their own; the code would come back in their redirect.
      OAuthClient other = new OAuthClient(gateway.port()).discover();
      assertThat(other.register("Victim", OAuthClient.REDIRECT).path("client_id").asString())
          .isEqualTo(ready.client().clientId);
      OAuthClient.Attempt attempt = other.authorize("operator.read");
      assertThat(attempt.response().statusCode()).isEqualTo(303);
      assertThat(attempt.location()).startsWith("/oauth/consent?id=");
      HttpResponse<String> page = other.follow(attempt.location());
      assertThat(page.body()).contains("not from this browser");
      JsonNode asked = owner.pendingRequest(OAuthEndToEndTest.requestIdOn(page.body()));
      assertThat(asked.path("reason").asString()).isEqualTo("re-authorize");
      // The owner's own browser still passes without asking.
      OAuthClient.Attempt owners = ready.client().authorize("operator.read");
      assertThat(OAuthClient.callback(owners.location())).containsKey("code");
    }
  }

  @Test
  void aHostileOriginIsRefusedBeforeAnythingElse() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready ready = approvedCode(gateway, owner);
      String access =
          ready
              .client()
              .exchange(ready.code(), ready.attempt().verifier())
              .path("access_token")
              .asString();
      HttpResponse<String> hostile =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(ready.client().base + "/mcp"))
                      .header("Content-Type", "application/json")
                      .header("Accept", "application/json, text/event-stream")
                      .header("Origin", "https://evil.example")
                      .header("Authorization", "Bearer " + access)
                      .POST(HttpRequest.BodyPublishers.ofString(McpEndpointCalls.INITIALIZE))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(hostile.statusCode()).isEqualTo(403);
      assertThat(hostile.headers().firstValue("Mcp-Session-Id")).isEmpty();
      assertThat(hostile.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void anotherPrincipalsSessionIdIsNotFound() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir);
        Owner owner = Owner.connect(gateway)) {
      Ready victim = approvedCode(gateway, owner);
      String victimToken =
          victim
              .client()
              .exchange(victim.code(), victim.attempt().verifier())
              .path("access_token")
              .asString();
      String victimSession = OAuthEndToEndTest.initialize(victim.client(), victimToken);

      OAuthClient attacker = new OAuthClient(gateway.port()).discover();
      attacker.register("Attacker", "http://127.0.0.1:43117/other");
      OAuthClient.Attempt attempt =
          attacker.authorize(
              "operator.read", "http://127.0.0.1:43117/other", attacker.base + "/mcp");
      owner.approve(OAuthEndToEndTest.requestIdOn(attacker.follow(attempt.location()).body()), 1);
      String location =
          attacker.follow(attempt.location()).headers().firstValue("Location").orElseThrow();
      String code = OAuthClient.parse(URI.create(location).getRawQuery()).getOrDefault("code", "");
      HttpResponse<String> tokens =
          attacker.token(
              Map.of(
                  "grant_type",
                  "authorization_code",
                  "code",
                  code,
                  "redirect_uri",
                  "http://127.0.0.1:43117/other",
                  "client_id",
                  attacker.clientId,
                  "code_verifier",
                  attempt.verifier()));
      String attackerToken = Json.mapper().readTree(tokens.body()).path("access_token").asString();

      HttpResponse<String> hijack =
          attacker.mcp(victimSession, McpEndpointCalls.TOOLS_LIST, Optional.of(attackerToken));
      assertThat(hijack.statusCode()).isEqualTo(404);
      // The victim's own session is untouched.
      assertThat(
              victim
                  .client()
                  .mcp(victimSession, McpEndpointCalls.TOOLS_LIST, Optional.of(victimToken))
                  .statusCode())
          .isEqualTo(200);
    }
  }
}
