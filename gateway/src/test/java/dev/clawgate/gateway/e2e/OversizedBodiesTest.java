package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A body over its limit gets its 413, not a dropped connection: the gateway answers only once the
 * client has finished sending, whether the length was declared or the body came in chunks, on a
 * mounted endpoint ({@code /oauth/register}, 64 KiB) and on {@code /mcp} (4 MiB).
 */
class OversizedBodiesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path stateDir;

  static Stream<Arguments> bodies() {
    return Stream.of(
        Arguments.of("/oauth/register", 1 << 20, true),
        Arguments.of("/oauth/register", 1 << 20, false),
        Arguments.of("/mcp", (4 << 20) + (1 << 20), true),
        Arguments.of("/mcp", (4 << 20) + (1 << 20), false));
  }

  @ParameterizedTest(name = "{0}, {1} bytes, length declared: {2}")
  @MethodSource("bodies")
  void getsItsAnswer(String path, int size, boolean declared) throws Exception {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) 'a');
    try (GatewayUnderTest gateway = GatewayUnderTest.noAuth(stateDir)) {
      StoreContents before = gateway.contents();
      // Several times: the failure this guards against is a race the client loses now and then.
      for (int i = 0; i < 5; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(
                    declared
                        ? HttpRequest.BodyPublishers.ofByteArray(body)
                        : HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(body)))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains("exceeds");
      }
      assertThat(gateway.contents()).isEqualTo(before);
    }
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("an expired token", true, "Bearer cga_expired", "application/json", "", 401),
        Arguments.of("no token", true, "", "application/json", "", 401),
        Arguments.of("a hostile origin", true, "", "application/json", "https://evil.example", 403),
        Arguments.of("a wrong content type", false, "", "text/plain", "", 415));
  }

  /**
   * A refusal written before the body is read reaches the client too: a client whose token expired
   * while it posted something large must see the 401 to refresh its token.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aRefusalBeforeTheBodyIsReadReachesTheClient(
      String name,
      boolean tokenMode,
      String authorization,
      String contentType,
      String origin,
      int status)
      throws Exception {
    byte[] body = new byte[1 << 20];
    Arrays.fill(body, (byte) 'a');
    try (GatewayUnderTest gateway =
        tokenMode
            ? GatewayUnderTest.ownerApprovesEveryPairing(stateDir)
            : GatewayUnderTest.noAuth(stateDir)) {
      for (int i = 0; i < 5; i++) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/mcp"))
                .header("Content-Type", contentType)
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!authorization.isEmpty()) {
          request.header("Authorization", authorization);
        }
        if (!origin.isEmpty()) {
          request.header("Origin", origin);
        }
        HttpResponse<String> response =
            HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
      }
    }
  }
}
