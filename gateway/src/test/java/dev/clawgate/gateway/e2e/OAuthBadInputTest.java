package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Bad input to the OAuth endpoints gets a precise error and changes nothing: every table of the
 * state database is compared before and after each request.
 */
class OAuthBadInputTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String JSON = "application/json";

  @TempDir Path stateDir;

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("POST", "/oauth/register", JSON, "{not json", 400, "invalid_client_metadata"),
        Arguments.of("POST", "/oauth/register", JSON, "[]", 400, "invalid_client_metadata"),
        Arguments.of("POST", "/oauth/register", "text/plain", "{}", 400, "invalid_client_metadata"),
        Arguments.of(
            "POST",
            "/oauth/register",
            JSON,
            "{\"redirect_uris\":[\"http://example.com/cb\"]}",
            400,
            "invalid_redirect_uri"),
        Arguments.of(
            "POST",
            "/oauth/register",
            JSON,
            "{\"redirect_uris\":[\"https://ok.example/cb\"],\"grant_types\":[\"client_credentials\"]}",
            400,
            "invalid_client_metadata"),
        Arguments.of(
            "POST", "/oauth/register", JSON, "{\"x\":\"" + "a".repeat(70_000) + "\"}", 413, ""),
        Arguments.of("GET", "/oauth/register", "", "", 405, "invalid_request"),
        Arguments.of("POST", "/oauth/token", JSON, "{}", 400, "invalid_request"),
        Arguments.of("POST", "/oauth/token", FORM, "", 400, "invalid_request"),
        Arguments.of(
            "POST",
            "/oauth/token",
            FORM,
            "grant_type=authorization_code&grant_type=refresh_token&client_id=x",
            400,
            "invalid_request"),
        Arguments.of(
            "POST", "/oauth/token", FORM, "grant_type=password&client_id=x", 401, "invalid_client"),
        Arguments.of(
            "POST",
            "/oauth/token",
            FORM,
            "grant_type=refresh_token&client_id=nobody&refresh_token=cgr_x",
            401,
            "invalid_client"),
        Arguments.of(
            "POST", "/oauth/token", FORM, "grant_type=x&client_id=%zz", 400, "invalid_request"),
        Arguments.of("POST", "/oauth/revoke", FORM, "token=cga_nothing", 400, "invalid_request"),
        Arguments.of("GET", "/oauth/nope", "", "", 404, "not_found"),
        Arguments.of("GET", "/.well-known/openid-configuration", "", "", 404, "not_found"),
        Arguments.of(
            "POST", "/.well-known/oauth-authorization-server", JSON, "{}", 405, "invalid_request"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("requests")
  void isRefusedPreciselyAndChangesNothing(
      String method, String path, String type, String body, int status, String error)
      throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir)) {
      StoreContents before = gateway.contents();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
              .method(
                  method,
                  body.isEmpty()
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (!type.isEmpty()) {
        request.header("Content-Type", type);
      }
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
      if (!error.isEmpty()) {
        JsonNode answer = Json.mapper().readTree(response.body());
        assertThat(answer.path("error").asString()).isEqualTo(error);
        assertThat(answer.path("error_description").asString()).isNotBlank();
      }
      assertThat(response.body()).doesNotContain("Exception", "\tat ");
      assertThat(gateway.contents()).isEqualTo(before);
    }
  }

  @org.junit.jupiter.api.Test
  void behindATrustedProxyTheForwardedClientIsRecorded() throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.behindProxy(stateDir)) {
      HttpResponse<String> registered =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + gateway.port() + "/oauth/register"))
                  .header("Content-Type", JSON)
                  .header("X-Forwarded-For", "203.0.113.7")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"client_name\":\"x\",\"redirect_uris\":[\"https://x.example/cb\"]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(registered.statusCode()).isEqualTo(201);
      assertThat(gateway.audit("oauth.register"))
          .singleElement()
          .satisfies(e -> assertThat(e.remoteAddress()).contains("203.0.113.7"));
    }
  }

  @ParameterizedTest(name = "authorize {0}")
  @MethodSource("authorizations")
  void anAuthorizationThatCannotBeTrustedToRedirectShowsAPageAndChangesNothing(
      String name, Map<String, String> query) throws Exception {
    try (GatewayUnderTest gateway = GatewayUnderTest.ownerApprovesEveryPairing(stateDir)) {
      StoreContents before = gateway.contents();
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + gateway.port()
                              + "/oauth/authorize?"
                              + OAuthClient.form(query)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.headers().firstValue("Location")).isEmpty();
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/html");
      assertThat(gateway.contents()).isEqualTo(before);
    }
  }

  static Stream<Arguments> authorizations() {
    return Stream.of(
        Arguments.of("without a client", Map.of("response_type", "code")),
        Arguments.of(
            "of an unknown client",
            Map.of(
                "response_type", "code",
                "client_id", "cgc-unknown",
                "redirect_uri", "https://x.example/cb")),
        Arguments.of(
            "of a metadata-document client that cannot be fetched",
            Map.of(
                "response_type", "code",
                "client_id", "https://127.0.0.1:1/client.json",
                "redirect_uri", "https://x.example/cb")));
  }
}
