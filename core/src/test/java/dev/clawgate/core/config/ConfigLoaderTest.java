package dev.clawgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.config.ConfigLoader.Loaded;
import dev.clawgate.core.config.ConfigLoader.Overrides;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.config.GatewayConfig.Bind;
import dev.clawgate.core.config.GatewayConfig.PairingConfig;
import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.core.config.GatewayConfig.RemoteConfig;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The effective configuration: defaults, the precedence flag over environment over file, and a
 * clear {@code INVALID_CONFIG} error naming the file and the key for every value that is wrong. The
 * environment is always an explicit map, so the machine's {@code CLAWGATE_*} never leaks in.
 */
class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve(GatewayConfig.FILE_NAME);
  }

  private void writeConfig(String text) throws IOException {
    Files.writeString(file(), text);
  }

  private Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("CLAWGATE_STATE_DIR", dir.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  private GatewayConfig load(String text) throws IOException {
    writeConfig(text);
    return ConfigLoader.load(Overrides.none(), env()).config();
  }

  private ClawgateException loadFails(String text) throws IOException {
    writeConfig(text);
    return catchThrowableOfType(
        ClawgateException.class, () -> ConfigLoader.load(Overrides.none(), env()));
  }

  private static Overrides flags(
      Optional<Integer> port,
      Optional<Bind> bind,
      Optional<String> host,
      Optional<AuthMode> mode,
      Optional<String> token,
      Optional<String> password) {
    return new Overrides(Optional.empty(), port, bind, host, mode, token, password);
  }

  @Test
  void withoutAFileEverythingHasItsDocumentedDefaultAndNothingIsWritten() throws IOException {
    Loaded loaded = ConfigLoader.load(Overrides.none(), env());
    GatewayConfig config = loaded.config();

    assertThat(loaded.generatedToken()).isEmpty();
    assertThat(config.stateDir()).isEqualTo(dir.toAbsolutePath().normalize());
    assertThat(config.port()).isEqualTo(GatewayConfig.DEFAULT_PORT).isEqualTo(18789);
    assertThat(config.bind()).isEqualTo(Bind.LOOPBACK);
    assertThat(config.bindHost()).isEqualTo("127.0.0.1");
    assertThat(config.customHost()).isEmpty();
    assertThat(config.auth().mode()).isEqualTo(AuthMode.TOKEN);
    assertThat(config.auth().token()).isEmpty();
    assertThat(config.auth().password()).isEmpty();
    assertThat(config.auth().rateLimit()).isEqualTo(RateLimit.defaults());
    assertThat(config.pairing()).isEqualTo(PairingConfig.defaults());
    assertThat(config.remote()).isEqualTo(RemoteConfig.none());
    assertThat(config.publicUrl()).isEmpty();
    assertThat(config.trustedProxies()).isEmpty();
    assertThat(config.allowedOrigins()).isEmpty();
    assertThat(config.databaseFile()).isEqualTo(config.stateDir().resolve("state.db"));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   \n\t\n", "{}", "// nothing yet\n{}"})
  void anEmptyFileMeansTheDefaults(String text) throws IOException {
    GatewayConfig config = load(text);
    assertThat(config.port()).isEqualTo(GatewayConfig.DEFAULT_PORT);
    assertThat(config.auth().mode()).isEqualTo(AuthMode.TOKEN);
    assertThat(config.pairing()).isEqualTo(PairingConfig.defaults());
  }

  @Test
  void stateDirComesFromTheFlagThenTheEnvironmentThenTheHomeDirectory() {
    Path flag = dir.resolve("from-flag");
    Path fromEnv = dir.resolve("from-env");
    Map<String, String> env = Map.of("CLAWGATE_STATE_DIR", fromEnv.toString());

    assertThat(ConfigLoader.stateDir(Optional.of(flag), env)).isEqualTo(flag);
    assertThat(ConfigLoader.stateDir(Optional.empty(), env)).isEqualTo(fromEnv);
    assertThat(ConfigLoader.stateDir(Optional.empty(), Map.of("CLAWGATE_STATE_DIR", "  ")))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".clawgate"));
    assertThat(ConfigLoader.stateDir(Optional.empty(), Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".clawgate"));
    assertThat(ConfigLoader.stateDir(Optional.of(Path.of("rel/../state")), Map.of()))
        .isAbsolute()
        .isEqualTo(Path.of("state").toAbsolutePath());
  }

  @Test
  void theStateDirFlagChoosesWhichFileIsRead() throws IOException {
    Path other = Files.createDirectory(dir.resolve("other"));
    Files.writeString(other.resolve(GatewayConfig.FILE_NAME), "{ gateway: { port: 4242 } }");
    writeConfig("{ gateway: { port: 1111 } }");
    Overrides flags =
        new Overrides(
            Optional.of(other),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    GatewayConfig config = ConfigLoader.load(flags, env()).config();

    assertThat(config.stateDir()).isEqualTo(other);
    assertThat(config.port()).isEqualTo(4242);
  }

  @Test
  void portFlagBeatsEnvironmentBeatsFile() throws IOException {
    writeConfig("{ gateway: { port: 1111 } }");
    Overrides flag =
        flags(
            Optional.of(3333),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    assertThat(ConfigLoader.load(Overrides.none(), env()).config().port()).isEqualTo(1111);
    assertThat(
            ConfigLoader.load(Overrides.none(), env("CLAWGATE_GATEWAY_PORT", " 2222 "))
                .config()
                .port())
        .isEqualTo(2222);
    assertThat(ConfigLoader.load(flag, env("CLAWGATE_GATEWAY_PORT", "2222")).config().port())
        .isEqualTo(3333);
    assertThat(
            ConfigLoader.load(Overrides.none(), env("CLAWGATE_GATEWAY_PORT", "")).config().port())
        .isEqualTo(1111);
  }

  @Test
  void tokenFlagBeatsEnvironmentBeatsFileAndTheSourceIsNamed() throws IOException {
    writeConfig("{ gateway: { auth: { token: 'file-token-1' } } }");
    Overrides flag =
        flags(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("flag-token-3"),
            Optional.empty());

    var fromFile = ConfigLoader.load(Overrides.none(), env()).config().auth();
    var fromEnv =
        ConfigLoader.load(Overrides.none(), env("CLAWGATE_GATEWAY_TOKEN", "env-token-2"))
            .config()
            .auth();
    var fromFlag =
        ConfigLoader.load(flag, env("CLAWGATE_GATEWAY_TOKEN", "env-token-2")).config().auth();

    assertThat(fromFile.token()).contains("file-token-1");
    assertThat(fromFile.tokenSource()).isEqualTo("config gateway.auth.token");
    assertThat(fromEnv.token()).contains("env-token-2");
    assertThat(fromEnv.tokenSource()).isEqualTo("env CLAWGATE_GATEWAY_TOKEN");
    assertThat(fromFlag.token()).contains("flag-token-3");
    assertThat(fromFlag.tokenSource()).isEqualTo("flag --token");
    assertThat(List.of(fromFile, fromEnv, fromFlag))
        .extracting(GatewayConfig.AuthConfig::mode)
        .containsOnly(AuthMode.TOKEN);
  }

  @Test
  void passwordFlagBeatsEnvironmentBeatsFileAndAPasswordAloneMeansPasswordMode()
      throws IOException {
    writeConfig("{ gateway: { auth: { password: 'file-pw-1' } } }");
    Overrides flag =
        flags(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("flag-pw-3"));

    var fromFile = ConfigLoader.load(Overrides.none(), env()).config().auth();
    var fromEnv =
        ConfigLoader.load(Overrides.none(), env("CLAWGATE_GATEWAY_PASSWORD", "env-pw-2"))
            .config()
            .auth();
    var fromFlag =
        ConfigLoader.load(flag, env("CLAWGATE_GATEWAY_PASSWORD", "env-pw-2")).config().auth();

    assertThat(fromFile.password()).contains("file-pw-1");
    assertThat(fromEnv.password()).contains("env-pw-2");
    assertThat(fromFlag.password()).contains("flag-pw-3");
    assertThat(List.of(fromFile, fromEnv, fromFlag))
        .extracting(GatewayConfig.AuthConfig::mode)
        .containsOnly(AuthMode.PASSWORD);
  }

  @Test
  void bindHostAndAuthModeFlagsBeatTheFile() throws IOException {
    writeConfig(
        "{ gateway: { bind: 'lan', customBindHost: '10.1.2.3', auth: { mode: 'password',"
            + " password: 'pw' } } }");
    Overrides flag =
        flags(
            Optional.empty(),
            Optional.of(Bind.CUSTOM),
            Optional.of("::1"),
            Optional.of(AuthMode.NONE),
            Optional.empty(),
            Optional.empty());

    GatewayConfig fileOnly = ConfigLoader.load(Overrides.none(), env()).config();
    GatewayConfig flagged = ConfigLoader.load(flag, env()).config();

    assertThat(fileOnly.bind()).isEqualTo(Bind.LAN);
    assertThat(fileOnly.bindHost()).isEqualTo("0.0.0.0");
    assertThat(fileOnly.auth().mode()).isEqualTo(AuthMode.PASSWORD);
    assertThat(flagged.bind()).isEqualTo(Bind.CUSTOM);
    assertThat(flagged.bindHost()).isEqualTo("::1");
    assertThat(flagged.auth().mode()).isEqualTo(AuthMode.NONE);
  }

  @Test
  void everyKeyOfAFullFileIsRead() throws IOException {
    GatewayConfig config =
        load(
            """
            {
              "$schema": "https://example.invalid/clawgate.schema.json",
              "channels": {},
              "gateway": {
                "mode": "local",
                "port": 0,
                "bind": "custom",
                "customBindHost": "192.168.7.9",
                "auth": {
                  "mode": "token",
                  "token": "tok",
                  "rateLimit": {"maxAttempts": 3, "windowMs": 1000, "lockoutMs": 2000,
                                "exemptLoopback": false}
                },
                "remote": {"url": "ws://gw.example:18789", "token": "rt", "password": "rp"},
                "pairing": {"autoApproveLocal": false, "pendingTtlMs": 60000, "maxPending": 9,
                            "maxPendingPerAddress": 2, "resolvedRetentionMs": 172800000},
                "publicUrl": "https://gw.example",
                "trustedProxies": ["10.0.0.1", "10.0.0.2"]
              }
            }
            """);

    assertThat(config.port()).isZero();
    assertThat(config.bindHost()).isEqualTo("192.168.7.9");
    assertThat(config.auth().token()).contains("tok");
    assertThat(config.auth().rateLimit())
        .isEqualTo(new RateLimit(3, Duration.ofSeconds(1), Duration.ofSeconds(2), false));
    assertThat(config.remote())
        .isEqualTo(
            new RemoteConfig(
                Optional.of("ws://gw.example:18789"), Optional.of("rt"), Optional.of("rp")));
    assertThat(config.pairing())
        .isEqualTo(new PairingConfig(false, Duration.ofMinutes(1), 9, 2, Duration.ofHours(48)));
    assertThat(config.publicUrl()).contains("https://gw.example");
    assertThat(config.trustedProxies()).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void allowedOriginsAreLowerCasedAndDeduplicated() throws IOException {
    GatewayConfig config =
        load(
            """
            { gateway: { http: { allowedOrigins: [
                'https://Inspector.Example', 'http://localhost:6274', 'http://[::1]:5173',
                'https://inspector.example'] } } }
            """);

    assertThat(config.allowedOrigins())
        .containsExactly("https://inspector.example", "http://localhost:6274", "http://[::1]:5173");
  }

  @Test
  void aBadAllowedOriginIsNamedPrecisely() throws IOException {
    ClawgateException e =
        loadFails(
            "{ gateway: { http: { allowedOrigins: ['https://ok.example', 'https://x/y'] } } }");

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage())
        .startsWith(file() + ": gateway.http.allowedOrigins[1]: must be an origin")
        .contains("\"https://x/y\"");
  }

  @Test
  void handWrittenJson5StyleFilesAreAccepted() throws IOException {
    GatewayConfig config =
        load(
            """
            // written by hand
            {
              /* the gateway */
              gateway: {
                port: 0x4965,          // hexadecimal: 18789
                bind: 'loopback',
                auth: { mode: 'token', token: 'hand-written', },
                trustedProxies: ['10.0.0.1',],
              },
            }
            """);

    assertThat(config.port()).isEqualTo(18789);
    assertThat(config.auth().token()).contains("hand-written");
    assertThat(config.trustedProxies()).containsExactly("10.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"loopback", "LOCALHOST", "Loopback"})
  void bindNamesAreCaseInsensitive(String value) throws IOException {
    assertThat(load("{ gateway: { bind: '" + value + "' } }").bind()).isEqualTo(Bind.LOOPBACK);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "localhost", "LocalHost"})
  void authNoneIsAllowedOnEveryLoopbackBind(String host) throws IOException {
    GatewayConfig config =
        load(
            "{ gateway: { bind: 'custom', customBindHost: '"
                + host
                + "', auth: { mode: 'none' } } }");
    assertThat(config.auth().mode()).isEqualTo(AuthMode.NONE);
    assertThat(load("{ gateway: { auth: { mode: 'none' } } }").auth().mode())
        .isEqualTo(AuthMode.NONE);
  }

  @Test
  void aLanBindWithTokenModeButNoTokenYetLoadsSoTheGatewayCanGenerateOne() throws IOException {
    GatewayConfig config = load("{ gateway: { bind: 'lan' } }");
    assertThat(config.bindHost()).isEqualTo("0.0.0.0");
    assertThat(config.auth().mode()).isEqualTo(AuthMode.TOKEN);
    assertThat(config.auth().token()).isEmpty();
  }

  static Stream<Arguments> invalidFiles() {
    return Stream.of(
        Arguments.of("{ gatewy: {} }", "gatewy"),
        Arguments.of("{ gateway: { prot: 1 } }", "gateway.prot"),
        Arguments.of("{ gateway: { auth: { tokn: 'x' } } }", "gateway.auth.tokn"),
        Arguments.of(
            "{ gateway: { auth: { rateLimit: { max: 1 } } } }", "gateway.auth.rateLimit.max"),
        Arguments.of("{ gateway: { remote: { host: 'h' } } }", "gateway.remote.host"),
        Arguments.of("{ gateway: { pairing: { ttl: 1 } } }", "gateway.pairing.ttl"),
        Arguments.of("{ gateway: 1 }", "gateway"),
        Arguments.of("{ gateway: { auth: 'token' } }", "gateway.auth"),
        Arguments.of("{ gateway: { auth: { rateLimit: [] } } }", "gateway.auth.rateLimit"),
        Arguments.of("{ gateway: { remote: true } }", "gateway.remote"),
        Arguments.of("{ gateway: { pairing: 5 } }", "gateway.pairing"),
        Arguments.of("{ gateway: { port: '18789' } }", "gateway.port"),
        Arguments.of("{ gateway: { port: 1.5 } }", "gateway.port"),
        Arguments.of("{ gateway: { port: -1 } }", "gateway.port"),
        Arguments.of("{ gateway: { port: 65536 } }", "gateway.port"),
        Arguments.of("{ gateway: { port: 99999999999999999999999 } }", "gateway.port"),
        Arguments.of("{ gateway: { bind: 1 } }", "gateway.bind"),
        Arguments.of("{ gateway: { bind: 'wan' } }", "gateway.bind"),
        Arguments.of("{ gateway: { bind: 'custom' } }", "gateway.customBindHost"),
        Arguments.of(
            "{ gateway: { bind: 'custom', customBindHost: ' ' } }", "gateway.customBindHost"),
        Arguments.of("{ gateway: { auth: { mode: 'open' } } }", "gateway.auth.mode"),
        Arguments.of("{ gateway: { auth: { mode: 1 } } }", "gateway.auth.mode"),
        Arguments.of("{ gateway: { auth: { token: 42 } } }", "gateway.auth.token"),
        Arguments.of("{ gateway: { auth: { token: '' } } }", "gateway.auth.token"),
        Arguments.of("{ gateway: { auth: { password: [] } } }", "gateway.auth.password"),
        Arguments.of("{ gateway: { auth: { token: 't', password: 'p' } } }", "gateway.auth.mode"),
        Arguments.of("{ gateway: { auth: { mode: 'password' } } }", "gateway.auth.password"),
        Arguments.of("{ gateway: { bind: 'lan', auth: { mode: 'none' } } }", "gateway.auth.mode"),
        Arguments.of(
            "{ gateway: { bind: 'custom', customBindHost: '192.168.1.10', auth: { mode: 'none' } } }",
            "gateway.auth.mode"),
        Arguments.of(
            "{ gateway: { bind: 'custom', customBindHost: 'gw.example', auth: { mode: 'none' } } }",
            "gateway.auth.mode"),
        Arguments.of(
            "{ gateway: { auth: { rateLimit: { maxAttempts: 0 } } } }",
            "gateway.auth.rateLimit.maxAttempts"),
        Arguments.of(
            "{ gateway: { auth: { rateLimit: { windowMs: 0 } } } }",
            "gateway.auth.rateLimit.windowMs"),
        Arguments.of(
            "{ gateway: { auth: { rateLimit: { lockoutMs: 'long' } } } }",
            "gateway.auth.rateLimit.lockoutMs"),
        Arguments.of(
            "{ gateway: { auth: { rateLimit: { exemptLoopback: 'yes' } } } }",
            "gateway.auth.rateLimit.exemptLoopback"),
        Arguments.of(
            "{ gateway: { pairing: { autoApproveLocal: 1 } } }",
            "gateway.pairing.autoApproveLocal"),
        Arguments.of(
            "{ gateway: { pairing: { pendingTtlMs: -5 } } }", "gateway.pairing.pendingTtlMs"),
        Arguments.of("{ gateway: { pairing: { maxPending: 0 } } }", "gateway.pairing.maxPending"),
        Arguments.of(
            "{ gateway: { pairing: { maxPendingPerAddress: 100001 } } }",
            "gateway.pairing.maxPendingPerAddress"),
        Arguments.of(
            "{ gateway: { pairing: { resolvedRetentionMs: 3600000 } } }",
            "gateway.pairing.resolvedRetentionMs"),
        Arguments.of("{ gateway: { remote: { url: 7 } } }", "gateway.remote.url"),
        Arguments.of("{ gateway: { publicUrl: 5 } }", "gateway.publicUrl"),
        Arguments.of("{ gateway: { trustedProxies: '10.0.0.1' } }", "gateway.trustedProxies"),
        Arguments.of(
            "{ gateway: { trustedProxies: ['10.0.0.1', ''] } }", "gateway.trustedProxies[1]"),
        Arguments.of("{ gateway: { http: [] } }", "gateway.http"),
        Arguments.of("{ gateway: { http: { origins: [] } } }", "gateway.http.origins"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: 'https://a.example' } } }",
            "gateway.http.allowedOrigins"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['https://a.example', '*'] } } }",
            "gateway.http.allowedOrigins[1]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['https://a.example/'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['https://a.example/app'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['ftp://a.example'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['a.example'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['https://u@a.example'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['https://a.example:0'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['https://a.example:70000'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of(
            "{ gateway: { http: { allowedOrigins: ['null'] } } }",
            "gateway.http.allowedOrigins[0]"),
        Arguments.of("{ gateway: { port: 1, port: 2 } }", "port"),
        Arguments.of("{ gateway: { port: 1 ", "line 1"),
        Arguments.of("[]", "JSON object"),
        Arguments.of("'just a string'", "JSON object"));
  }

  @ParameterizedTest
  @MethodSource("invalidFiles")
  void everyInvalidFileIsAnInvalidConfigErrorNamingTheFileAndTheKey(String text, String key)
      throws IOException {
    ClawgateException e = loadFails(text);

    assertThat(e).as("loading %s", text).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage()).startsWith(file() + ": ").contains(key);
  }

  @Test
  void fileValuesAreValidatedEvenWhenAFlagOrTheEnvironmentOverridesThem() throws IOException {
    writeConfig("{ gateway: { port: 'not a port', auth: { token: 42 } } }");
    Overrides flag =
        flags(
            Optional.of(1234),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("flag-token"),
            Optional.empty());

    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class,
            () -> ConfigLoader.load(flag, env("CLAWGATE_GATEWAY_TOKEN", "env-token")));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains(file().toString()).contains("gateway.port");
  }

  @Test
  void aBadPortInTheEnvironmentNamesTheVariable() {
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class,
            () -> ConfigLoader.load(Overrides.none(), env("CLAWGATE_GATEWAY_PORT", "http")));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("CLAWGATE_GATEWAY_PORT").contains("http");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "65536", "70000"})
  void anOutOfRangePortFromTheEnvironmentNamesTheVariableNotTheFile(String port) {
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class,
            () -> ConfigLoader.load(Overrides.none(), env("CLAWGATE_GATEWAY_PORT", port)));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage())
        .contains("CLAWGATE_GATEWAY_PORT")
        .contains("between 0 and 65535")
        .doesNotContain(GatewayConfig.FILE_NAME);
  }

  @Test
  void anOutOfRangePortFlagNamesTheFlagNotTheFile() {
    Overrides flag =
        flags(
            Optional.of(65536),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    ClawgateException e =
        catchThrowableOfType(ClawgateException.class, () -> ConfigLoader.load(flag, env()));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("--port").doesNotContain(GatewayConfig.FILE_NAME);
  }

  @Test
  void authNoneFromFlagsOnALanBindIsRefused() {
    Overrides flag =
        flags(
            Optional.empty(),
            Optional.of(Bind.LAN),
            Optional.empty(),
            Optional.of(AuthMode.NONE),
            Optional.empty(),
            Optional.empty());

    ClawgateException e =
        catchThrowableOfType(ClawgateException.class, () -> ConfigLoader.load(flag, env()));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage()).contains("gateway.auth.mode").contains("0.0.0.0");
  }

  @Test
  void anUnreadableFileIsAnInvalidConfigError() throws IOException {
    Files.createDirectory(file());

    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class, () -> ConfigLoader.load(Overrides.none(), env()));

    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    assertThat(e.getMessage()).startsWith(file() + ": cannot read");
  }
}
