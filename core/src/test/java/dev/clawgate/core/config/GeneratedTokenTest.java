package dev.clawgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.config.ConfigLoader.Loaded;
import dev.clawgate.core.config.ConfigLoader.Overrides;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link ConfigLoader#loadForGateway}: token auth without a token anywhere gets one generated on
 * the first run, saved to {@code clawgate.json} (private, every other key kept) and reused from
 * then on; in every other case the file is left alone.
 */
class GeneratedTokenTest {
  @TempDir Path dir;

  private Path stateDir() {
    return dir.resolve("state");
  }

  private Path file() {
    return stateDir().resolve(GatewayConfig.FILE_NAME);
  }

  private Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("CLAWGATE_STATE_DIR", stateDir().toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void theFirstRunGeneratesAndSavesAPrivateTokenAndTheSecondReusesIt() throws IOException {
    Loaded first = ConfigLoader.loadForGateway(Overrides.none(), env());

    assertThat(first.generatedToken()).isPresent();
    String token = first.generatedToken().orElseThrow();
    assertThat(token).hasSizeGreaterThanOrEqualTo(32);
    assertThat(first.config().auth().mode()).isEqualTo(AuthMode.TOKEN);
    assertThat(first.config().auth().token()).contains(token);
    assertThat(first.config().auth().tokenSource())
        .startsWith("generated")
        .contains(file().toString());
    assertThat(permissions(file())).isEqualTo("rw-------");
    assertThat(permissions(stateDir())).isEqualTo("rwx------");
    JsonNode saved = Json.mapper().readTree(Files.readString(file()));
    assertThat(saved.path("gateway").path("auth").path("token").asString()).isEqualTo(token);
    assertThat(saved.path("gateway").path("auth").path("mode").asString()).isEqualTo("token");
    try (Stream<Path> files = Files.list(stateDir())) {
      assertThat(files).as("no temporary file is left behind").containsExactly(file());
    }

    Loaded second = ConfigLoader.loadForGateway(Overrides.none(), env());

    assertThat(second.generatedToken()).isEmpty();
    assertThat(second.config().auth().token()).contains(token);
    assertThat(second.config().auth().tokenSource()).isEqualTo("config gateway.auth.token");
    assertThat(ConfigLoader.load(Overrides.none(), env()).config().auth().token()).contains(token);
  }

  @Test
  void savingTheTokenKeepsEveryOtherKeyAndTightensTheFileMode() throws IOException {
    Files.createDirectories(stateDir());
    String original =
        """
        {
          "$schema": "https://example.invalid/clawgate.schema.json",
          "channels": {"webhook": {"ci": {"secret": "0123456789abcdef0123", "enabled": false}}},
          "gateway": {
            "port": 0,
            "bind": "lan",
            "auth": {"rateLimit": {"maxAttempts": 3}},
            "remote": {"url": "ws://gw.example:18789", "token": "remote-token"},
            "pairing": {"maxPending": 9},
            "trustedProxies": ["10.0.0.1"]
          }
        }
        """;
    Files.writeString(file(), original);
    Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));

    Loaded loaded = ConfigLoader.loadForGateway(Overrides.none(), env());

    String token = loaded.generatedToken().orElseThrow();
    assertThat(permissions(file())).isEqualTo("rw-------");
    ObjectNode expected = (ObjectNode) Json.mapper().readTree(original);
    ObjectNode auth = (ObjectNode) expected.path("gateway").path("auth");
    auth.put("mode", "token");
    auth.put("token", token);
    assertThat(Json.mapper().readTree(Files.readString(file()))).isEqualTo(expected);
    assertThat(loaded.config().port()).isZero();
    assertThat(loaded.config().pairing().maxPending()).isEqualTo(9);
    assertThat(loaded.config().auth().rateLimit().maxAttempts()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{ gateway: null }", "{ gateway: { auth: null } }", "{ gateway: {} }"})
  void aTokenIsSavedWhereTheFileHasNoAuthObject(String text) throws IOException {
    Files.createDirectories(stateDir());
    Files.writeString(file(), text);

    Loaded loaded = ConfigLoader.loadForGateway(Overrides.none(), env());

    String token = loaded.generatedToken().orElseThrow();
    assertThat(ConfigLoader.load(Overrides.none(), env()).config().auth().token()).contains(token);
  }

  @Test
  void aTokenFromTheEnvironmentOrAFlagIsNeverWrittenToTheFile() {
    Loaded fromEnv =
        ConfigLoader.loadForGateway(Overrides.none(), env("CLAWGATE_GATEWAY_TOKEN", "env-token"));
    Loaded fromFlag =
        ConfigLoader.loadForGateway(
            new Overrides(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("flag-token"),
                Optional.empty()),
            env());

    assertThat(fromEnv.generatedToken()).isEmpty();
    assertThat(fromEnv.config().auth().token()).contains("env-token");
    assertThat(fromFlag.generatedToken()).isEmpty();
    assertThat(fromFlag.config().auth().token()).contains("flag-token");
    assertThat(stateDir()).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{ gateway: { auth: { mode: 'none' } } }",
        "{ gateway: { auth: { password: 'pw' } } }",
        "{ gateway: { auth: { mode: 'token', token: 'configured' } } }"
      })
  void nothingIsGeneratedWhenTheModeNeedsNoTokenOrOneIsConfigured(String text) throws IOException {
    Files.createDirectories(stateDir());
    Files.writeString(file(), text);

    Loaded loaded = ConfigLoader.loadForGateway(Overrides.none(), env());

    assertThat(loaded.generatedToken()).isEmpty();
    assertThat(Files.readString(file())).isEqualTo(text);
  }

  @Test
  void aBrokenFileIsReportedAndNotOverwritten() throws IOException {
    Files.createDirectories(stateDir());
    String broken = "{ gateway: { port: 'x' } }";
    Files.writeString(file(), broken);

    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class, () -> ConfigLoader.loadForGateway(Overrides.none(), env()));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(Files.readString(file())).isEqualTo(broken);
  }
}
