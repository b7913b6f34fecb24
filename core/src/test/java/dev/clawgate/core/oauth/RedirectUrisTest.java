package dev.clawgate.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Redirect URI registration rules and matching (OAuth 2.1 §2.3.1, RFC 8252 §7.3). */
class RedirectUrisTest {

  // ---- registration ---------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://app.example/callback",
        "https://app.example:8443/cb?x=1",
        "http://127.0.0.1:33418/callback",
        "http://127.0.0.1/callback",
        "http://localhost:8080/cb",
        "http://[::1]:9000/cb",
        "com.example.app:/oauth/callback"
      })
  void aValidRedirectUriHasNoProblem(String uri) {
    assertThat(RedirectUris.problem(uri)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://app.example/callback",
        "http://127.0.0.1.evil.example/cb",
        "http://localhost.evil.example/cb",
        "https://app.example/callback#frag",
        "/callback",
        "callback",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "https:///nohost",
        "",
        "http://exa mple/cb"
      })
  void anInvalidRedirectUriHasAProblem(String uri) {
    assertThat(RedirectUris.problem(uri)).isPresent();
  }

  // ---- matching -------------------------------------------------------------------------------

  @Test
  void anIdenticalRedirectUriMatches() {
    assertThat(RedirectUris.matches("https://app.example/cb", "https://app.example/cb")).isTrue();
  }

  @Test
  void aDifferentPathDoesNotMatch() {
    assertThat(RedirectUris.matches("https://app.example/cb", "https://app.example/cb2")).isFalse();
    assertThat(RedirectUris.matches("http://127.0.0.1:3000/cb", "http://127.0.0.1:3000/other"))
        .isFalse();
  }

  @Test
  void aDifferentQueryDoesNotMatch() {
    assertThat(RedirectUris.matches("https://app.example/cb?a=1", "https://app.example/cb?a=2"))
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]"})
  void aLoopbackRedirectUriMatchesOnAnyPort(String host) {
    String registered = "http://" + host + ":3000/callback";

    assertThat(RedirectUris.matches(registered, "http://" + host + ":51234/callback")).isTrue();
    assertThat(RedirectUris.matches(registered, "http://" + host + "/callback")).isTrue();
    assertThat(RedirectUris.matches("http://" + host + "/callback", registered)).isTrue();
  }

  @Test
  void aLoopbackRedirectUriDoesNotMatchAnotherLoopbackHost() {
    assertThat(RedirectUris.matches("http://127.0.0.1:3000/cb", "http://localhost:3000/cb"))
        .isFalse();
  }

  @Test
  void anHttpsRedirectUriIsNeverPortFlexible() {
    assertThat(RedirectUris.matches("https://app.example/cb", "https://app.example:8443/cb"))
        .isFalse();
    assertThat(RedirectUris.matches("https://localhost:3000/cb", "https://localhost:3001/cb"))
        .isFalse();
    assertThat(RedirectUris.matches("https://127.0.0.1:3000/cb", "https://127.0.0.1:3001/cb"))
        .isFalse();
  }

  @Test
  void aLoopbackUriHasAPortlessForm() {
    assertThat(RedirectUris.portless("http://127.0.0.1:3000/cb?x=1"))
        .contains("http://127.0.0.1/cb?x=1");
    assertThat(RedirectUris.portless("http://localhost:8080/cb")).contains("http://localhost/cb");
    assertThat(RedirectUris.portless("http://[::1]:9000/cb")).contains("http://[::1]/cb");
  }

  @Test
  void aNonLoopbackUriHasNoPortlessForm() {
    assertThat(RedirectUris.portless("https://app.example:8443/cb")).isEmpty();
    assertThat(RedirectUris.portless("https://127.0.0.1:8443/cb")).isEmpty();
    assertThat(RedirectUris.portless("http://app.example:8080/cb")).isEmpty();
    assertThat(RedirectUris.portless("com.example.app:/cb")).isEmpty();
  }

  @Test
  void theDisplayHostIsTheHostOrThePrivateScheme() {
    assertThat(RedirectUris.displayHost("https://app.example/cb")).isEqualTo("app.example");
    assertThat(RedirectUris.displayHost("com.example.app:/cb")).isEqualTo("com.example.app:");
  }

  // ---- properties over generated URIs ---------------------------------------------------------

  static Stream<Long> seeds() {
    return IntStream.range(0, 20).mapToObj(i -> 0x5eed_0000L + i * 7919L);
  }

  private static String randomSegment(Random random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._~";
    int length = 1 + random.nextInt(12);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static String randomHost(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> "127.0.0.1";
      case 1 -> "localhost";
      case 2 -> "[::1]";
      case 3 -> "127." + random.nextInt(256) + "." + random.nextInt(256) + ".1";
      default -> "h" + random.nextInt(1000) + ".example";
    };
  }

  private static String randomPath(Random random) {
    StringBuilder path = new StringBuilder();
    int segments = random.nextInt(4);
    for (int i = 0; i < segments; i++) {
      path.append('/').append(randomSegment(random));
    }
    return path.length() == 0 ? "/" : path.toString();
  }

  private static String randomUri(Random random) {
    String scheme = random.nextBoolean() ? "https" : "http";
    String port = random.nextBoolean() ? "" : ":" + (1 + random.nextInt(65535));
    String query = random.nextInt(4) == 0 ? "?" + randomSegment(random) + "=1" : "";
    return scheme + "://" + randomHost(random) + port + randomPath(random) + query;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void everyRedirectUriMatchesItself(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      String uri = randomUri(random);
      assertThat(RedirectUris.matches(uri, uri)).as(uri).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void anHttpsRedirectUriNeverMatchesTheSameUriWithAPort(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      String host = randomHost(random);
      String path = randomPath(random);
      int port = 1 + random.nextInt(65535);
      String registered = "https://" + host + path;
      String presented = "https://" + host + ":" + port + path;
      assertThat(RedirectUris.matches(registered, presented))
          .as(registered + " vs " + presented)
          .isFalse();
      assertThat(RedirectUris.matches(presented, registered))
          .as(presented + " vs " + registered)
          .isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void anHttpLoopbackRedirectUriMatchesTheSameUriOnAnyPort(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      String host =
          random.nextBoolean() ? "127.0.0.1" : random.nextBoolean() ? "localhost" : "[::1]";
      String path = randomPath(random);
      String registered = "http://" + host + ":" + (1 + random.nextInt(65535)) + path;
      String presented = "http://" + host + ":" + (1 + random.nextInt(65535)) + path;
      assertThat(RedirectUris.matches(registered, presented))
          .as(registered + " vs " + presented)
          .isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void matchingIsSymmetric(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      String a = randomUri(random);
      String b = randomUri(random);
      assertThat(RedirectUris.matches(a, b))
          .as(a + " vs " + b)
          .isEqualTo(RedirectUris.matches(b, a));
    }
  }
}
