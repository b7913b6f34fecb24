package dev.clawgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.config.ConfigLoader.Loaded;
import dev.clawgate.core.config.ConfigLoader.Overrides;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets stay secret: no {@code toString()} of the configuration and no error message, not even
 * the parser's complaint about a file that is not JSON, contains a token or password, while the
 * message still says where the problem is.
 */
class ConfigSecrecyTest {
  private static final String SECRET = "abcdefsecret123";
  private static final List<String> SECRETS =
      List.of("tok-Ae8Zr4Qw", "pw-Yc5Jk2Lm", "remote-tok-Hs3Vb7", "remote-pw-Nd6Xf1");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve(GatewayConfig.FILE_NAME);
  }

  private Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("CLAWGATE_STATE_DIR", dir.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  private ClawgateException loadFails(String text) throws IOException {
    Files.writeString(file(), text);
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class, () -> ConfigLoader.load(Overrides.none(), env()));
    assertThat(e).as("loading %s", text).isNotNull();
    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    return e;
  }

  /** The message without the file's path (a temp dir name could contain anything). */
  private String messageWithoutPath(ClawgateException e) {
    return e.getMessage().replace(file().toString(), "<file>");
  }

  /** Every substring of {@code secret} of {@code length} characters. */
  static List<String> pieces(String secret, int length) {
    return IntStream.rangeClosed(0, secret.length() - length)
        .mapToObj(i -> secret.substring(i, i + length))
        .toList();
  }

  @Test
  void noToStringShowsASecretWhereverItCameFrom() throws IOException {
    Files.writeString(
        file(),
        """
        { gateway: {
            auth: { mode: 'token', token: 'tok-Ae8Zr4Qw', password: 'pw-Yc5Jk2Lm' },
            remote: { url: 'ws://gw.example', token: 'remote-tok-Hs3Vb7', password: 'remote-pw-Nd6Xf1' } } }
        """);
    Overrides flags =
        new Overrides(
            Optional.of(dir),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(AuthMode.TOKEN),
            Optional.of("tok-Ae8Zr4Qw"),
            Optional.of("pw-Yc5Jk2Lm"));

    List<Object> shown =
        List.of(
            ConfigLoader.load(Overrides.none(), env()),
            ConfigLoader.load(Overrides.none(), env()).config(),
            ConfigLoader.load(Overrides.none(), env()).config().auth(),
            ConfigLoader.load(Overrides.none(), env()).config().remote(),
            ConfigLoader.load(
                Overrides.none(),
                env(
                    "CLAWGATE_GATEWAY_TOKEN",
                    "tok-Ae8Zr4Qw",
                    "CLAWGATE_GATEWAY_PASSWORD",
                    "pw-Yc5Jk2Lm")),
            ConfigLoader.load(flags, env()),
            flags);

    for (Object o : shown) {
      assertThat(o.toString()).as(o.getClass().getSimpleName()).doesNotContain(SECRETS);
    }
    assertThat(shown.get(1).toString()).contains("token=<set from config gateway.auth.token>");
  }

  @Test
  void theGeneratedTokenIsNotInAnyToString() {
    Loaded loaded = ConfigLoader.loadForGateway(Overrides.none(), env());
    String token = loaded.generatedToken().orElseThrow();

    assertThat(loaded.toString()).doesNotContain(token).contains("generated token");
    assertThat(loaded.config().toString()).doesNotContain(token);
  }

  static Stream<String> invalidFilesWithSecrets() {
    String both = "token: 'tok-Ae8Zr4Qw', password: 'pw-Yc5Jk2Lm'";
    return Stream.of(
        "{ gateway: { auth: { " + both + " } } }",
        "{ gateway: { bind: 'lan', auth: { mode: 'none', " + both + " } } }",
        "{ gateway: { auth: { mode: 'password', token: 'tok-Ae8Zr4Qw' } } }",
        "{ gateway: { auth: { token: '" + "tok-Ae8Zr4Qw".repeat(100) + "' } } }",
        "{ gateway: { auth: { mode: 'token', " + both + ", extra: 1 } } }",
        "{ gateway: { auth: { mode: 1, " + both + " } } }",
        "{ gateway: { port: 'x', auth: { " + both + " } } }",
        "{ gateway: { remote: { token: 'remote-tok-Hs3Vb7', password: 'remote-pw-Nd6Xf1', x: 1 } } }",
        "{ gateway: { remote: { token: ['remote-tok-Hs3Vb7'] } } }",
        "{ gateway: { auth: { password: { value: 'pw-Yc5Jk2Lm' } } } }",
        "{ gateway: { auth: { token: 'tok-Ae8Zr4Qw', token: 'pw-Yc5Jk2Lm' } } }");
  }

  @ParameterizedTest
  @MethodSource("invalidFilesWithSecrets")
  void validationErrorsNeverShowASecret(String text) throws IOException {
    assertThat(loadFails(text).getMessage()).doesNotContain(SECRETS);
  }

  static Stream<Arguments> malformedFilesWithSecrets() {
    return Stream.of(
        Arguments.of("{ gateway: { auth: { token: abcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { password: abcdefsecret123, } } }", SECRET),
        Arguments.of("{ gateway: { remote: { token: abcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: trueabcdefsecret123 } } }", "true" + SECRET),
        Arguments.of("{ gateway: { auth: { token: nullabcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: NaNabcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: -Infinityabcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: abc$def_secret123 } } }", "abc$def_secret123"),
        Arguments.of("{ gateway: { auth: { token: \u00e9abcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: abcdefsecret123: } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: abcdefsecret123 } } ", SECRET),
        Arguments.of("{ gateway: { auth: { token: \"abcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: 'abcdefsecret123 } } }", SECRET),
        Arguments.of(
            "{ gateway: { auth: { token: \"abcdefsecret123\" } } } abcdefsecret123", SECRET),
        Arguments.of(
            "{ gateway: { auth: { token: \"abcdefsecret123\" } } } 'abcdefsecret123'", SECRET),
        Arguments.of("{ gateway: { auth: { token: \"abcdefsecret123\" } } ]", SECRET),
        Arguments.of("{ gateway: { auth: { token: \"abc\\qdefsecret123\" } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: \"abcdef\u0001secret123\" } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: \"abcdefsecret123\" \"x\" } } }", SECRET),
        Arguments.of("{ gateway: { auth: { abcdefsecret123 } } }", SECRET),
        Arguments.of("abcdefsecret123", SECRET),
        Arguments.of("{ gateway: { auth: { token: 0xabcdefsecret123 } } }", SECRET),
        Arguments.of("{ gateway: { auth: { token: 123abcdefsecret } } }", "123abcdefsecret"));
  }

  @ParameterizedTest
  @MethodSource("malformedFilesWithSecrets")
  void aFileThatIsNotJsonNeverEchoesTheSecretButSaysWhere(String text, String secret)
      throws IOException {
    ClawgateException e = loadFails(text);

    String message = messageWithoutPath(e);
    assertThat(message).startsWith("<file>: not valid JSON: ").containsPattern("line \\d+");
    assertThat(message).doesNotContain(pieces(secret, 4));
  }

  @Test
  void theParseErrorGivesTheLineAndColumnOfTheProblem() throws IOException {
    ClawgateException e =
        loadFails(
            """
            {
              gateway: {
                auth: {
                  token: abcdefsecret123
                }
              }
            }
            """);

    assertThat(messageWithoutPath(e))
        .contains("Unrecognized token")
        .contains("(line 4, column 14)")
        .doesNotContain(pieces(SECRET, 4));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{ gateway: { port: 1 ", "{ gateway: [ }"})
  void aParseErrorWithoutSecretsStillReadsNaturally(String text) throws IOException {
    assertThat(messageWithoutPath(loadFails(text)))
        .startsWith("<file>: not valid JSON: ")
        .containsPattern("\\(line 1, column \\d+\\)$");
  }
}
