package dev.clawgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.config.ChannelsConfig.AccountPolicy;
import dev.clawgate.core.config.ChannelsConfig.DmPolicy;
import dev.clawgate.core.config.ChannelsConfig.GroupPolicy;
import dev.clawgate.core.config.ChannelsConfig.TelegramAccount;
import dev.clawgate.core.config.ChannelsConfig.WebhookAccount;
import dev.clawgate.core.config.ConfigLoader.Overrides;
import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.DmScope;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code channels.<type>.<accountId>} in {@code clawgate.json}: defaults, every key, secrets from
 * the file, an environment variable or a secret file, an {@code INVALID_CONFIG} error naming the
 * field for every wrong value, and no secret in any {@code toString()} or error message.
 */
class ChannelsConfigTest {
  private static final String TOKEN = "123456:AAHsecretTokenValue_x-9";
  private static final String WEBHOOK_SECRET = "whsec-0123456789abcdefXYZ";

  @TempDir Path dir;

  private Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("CLAWGATE_STATE_DIR", dir.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  private ChannelsConfig load(String text, String... env) throws IOException {
    Files.writeString(dir.resolve(GatewayConfig.FILE_NAME), text);
    return ConfigLoader.loadForGateway(Overrides.none(), env(env)).config().channels();
  }

  private ClawgateException loadFails(String text, String... env) throws IOException {
    Files.writeString(dir.resolve(GatewayConfig.FILE_NAME), text);
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class, () -> ConfigLoader.loadForGateway(Overrides.none(), env(env)));
    assertThat(e).as("loading %s", text).isNotNull();
    assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG);
    return e;
  }

  @Test
  void commandsOtherThanTheGatewayDoNotReadChannelSecrets() throws IOException {
    Files.writeString(
        dir.resolve(GatewayConfig.FILE_NAME),
        "{ channels: { telegram: { main: { botTokenEnv: 'UNSET_TG' } },"
            + " webhook: { w: { secretFile: 'missing.secret' } } } }");

    ChannelsConfig channels = ConfigLoader.load(Overrides.none(), env()).config().channels();

    assertThat(channels.telegram().getFirst().botToken().resolved()).isFalse();
    assertThat(channels.telegram().getFirst().botToken().value()).isEmpty();
    assertThat(channels.webhook().getFirst().secret().resolved()).isFalse();
    assertThat(loadFails(Files.readString(dir.resolve(GatewayConfig.FILE_NAME))).getMessage())
        .contains("UNSET_TG");
  }

  @Test
  void withoutChannelsThereAreNone() throws IOException {
    assertThat(load("{}")).isEqualTo(ChannelsConfig.none());
    assertThat(load("{ channels: null }")).isEqualTo(ChannelsConfig.none());
    assertThat(load("{ channels: { telegram: {}, webhook: null } }"))
        .isEqualTo(ChannelsConfig.none());
  }

  @Test
  void aTelegramAccountNeedsOnlyItsTokenAndGetsSafeDefaults() throws IOException {
    ChannelsConfig channels =
        load("{ channels: { telegram: { main: { botToken: '" + TOKEN + "' } } } }");

    TelegramAccount main = channels.telegram("main").orElseThrow();
    assertThat(main.botToken().value()).isEqualTo(TOKEN);
    assertThat(main.botToken().source()).isEqualTo("config channels.telegram.main.botToken");
    assertThat(main.apiBaseUrl()).isEqualTo(URI.create("https://api.telegram.org"));
    assertThat(main.pollTimeoutSeconds()).isEqualTo(25);
    assertThat(main.textChunkLimit()).isEqualTo(4096);
    AccountPolicy policy = main.account();
    assertThat(policy.accountId()).isEqualTo("main");
    assertThat(policy.enabled()).isTrue();
    assertThat(policy.agentId()).isEqualTo("main");
    assertThat(policy.dmScope()).isEqualTo(DmScope.PER_CHANNEL_PEER);
    assertThat(policy.dmPolicy()).isEqualTo(DmPolicy.ALLOWLIST);
    assertThat(policy.groupPolicy()).isEqualTo(GroupPolicy.DISABLED);
    assertThat(policy.allowFrom()).isEmpty();
    assertThat(policy.owners()).isEmpty();
    assertThat(channels.webhook()).isEmpty();
  }

  @Test
  void everyTelegramKeyIsRead() throws IOException {
    ChannelsConfig channels =
        load(
            """
            {
              // JSON5, as people write it
              channels: {
                telegram: {
                  main: {
                    enabled: false,
                    agentId: 'ops',
                    dmScope: 'per-account-channel-peer',
                    dmPolicy: 'open',
                    allowFrom: [ 42, '43' ],
                    groupPolicy: 'allowlist',
                    groupAllowFrom: [ -1001234567890 ],
                    owners: [ '42' ],
                    botTokenEnv: 'TG_TOKEN',
                    apiBaseUrl: 'http://127.0.0.1:8081/',
                    pollTimeoutSeconds: 0,
                    textChunkLimit: 1000,
                  },
                },
              },
            }
            """,
            "TG_TOKEN",
            "  " + TOKEN + "\n");

    TelegramAccount main = channels.telegram().get(0);
    assertThat(main.botToken().value()).isEqualTo(TOKEN);
    assertThat(main.botToken().source()).isEqualTo("env TG_TOKEN");
    assertThat(main.apiBaseUrl()).isEqualTo(URI.create("http://127.0.0.1:8081"));
    assertThat(main.pollTimeoutSeconds()).isZero();
    assertThat(main.textChunkLimit()).isEqualTo(1000);
    assertThat(main.account())
        .isEqualTo(
            new AccountPolicy(
                "main",
                false,
                "ops",
                DmScope.PER_ACCOUNT_CHANNEL_PEER,
                DmPolicy.OPEN,
                Set.of("42", "43"),
                GroupPolicy.ALLOWLIST,
                Set.of("-1001234567890"),
                Set.of("42")));
  }

  @Test
  void aTokenFileIsResolvedAgainstTheStateDirAndTrimmed() throws IOException {
    Files.writeString(dir.resolve("tg.token"), "\n" + TOKEN + "  \n");
    Path absolute = Files.writeString(dir.resolve("hook.secret"), WEBHOOK_SECRET + "\n");

    ChannelsConfig channels =
        load(
            "{ channels: { telegram: { main: { tokenFile: 'tg.token' } },"
                + " webhook: { ci: { secretFile: '"
                + absolute
                + "' } } } }");

    assertThat(channels.telegram("main").orElseThrow().botToken().value()).isEqualTo(TOKEN);
    assertThat(channels.telegram("main").orElseThrow().botToken().source())
        .isEqualTo("file " + dir.resolve("tg.token").toAbsolutePath().normalize());
    assertThat(channels.webhook("ci").orElseThrow().secret().value()).isEqualTo(WEBHOOK_SECRET);
  }

  @Test
  void aWebhookAccountHasDefaultsAndIsInboundOnlyWithoutAnOutboundUrl() throws IOException {
    ChannelsConfig channels =
        load(
            "{ channels: { webhook: { ci: { secretEnv: 'HOOK_SECRET' } } } }",
            "HOOK_SECRET",
            WEBHOOK_SECRET);

    WebhookAccount ci = channels.webhook("ci").orElseThrow();
    assertThat(ci.secret().value()).isEqualTo(WEBHOOK_SECRET);
    assertThat(ci.outboundUrl()).isEmpty();
    assertThat(ci.timestampTolerance()).isEqualTo(Duration.ofMinutes(5));
    assertThat(ci.maxAttempts()).isEqualTo(5);
    assertThat(ci.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(ci.account().dmPolicy()).isEqualTo(DmPolicy.ALLOWLIST);
  }

  @Test
  void everyWebhookKeyIsRead() throws IOException {
    ChannelsConfig channels =
        load(
            """
            { channels: { webhook: {
                ci: {
                  secret: '%s',
                  outboundUrl: 'https://hooks.example.com/in?x=1',
                  timestampToleranceSeconds: 60,
                  maxAttempts: 20,
                  maxBodyBytes: 26214400,
                  dmPolicy: 'disabled',
                  groupPolicy: 'open',
                },
                second: { secret: '%s', enabled: true },
            } } }
            """
                .formatted(WEBHOOK_SECRET, WEBHOOK_SECRET));

    WebhookAccount ci = channels.webhook().get(0);
    assertThat(ci.outboundUrl()).contains(URI.create("https://hooks.example.com/in?x=1"));
    assertThat(ci.timestampTolerance()).isEqualTo(Duration.ofSeconds(60));
    assertThat(ci.maxAttempts()).isEqualTo(20);
    assertThat(ci.maxBodyBytes()).isEqualTo(25 * 1024 * 1024);
    assertThat(ci.account().dmPolicy()).isEqualTo(DmPolicy.DISABLED);
    assertThat(ci.account().groupPolicy()).isEqualTo(GroupPolicy.OPEN);
    assertThat(channels.accounts())
        .extracting(AccountPolicy::accountId)
        .containsExactly("ci", "second");
  }

  @Test
  void policiesAdmitOwnersAllowlistedPeersAndAllowlistedGroups() {
    AccountPolicy allowlist =
        new AccountPolicy(
            "a",
            true,
            "main",
            DmScope.PER_CHANNEL_PEER,
            DmPolicy.ALLOWLIST,
            Set.of("friend"),
            GroupPolicy.ALLOWLIST,
            Set.of("team"),
            Set.of("boss"));

    assertThat(allowlist.admits(ChatType.DIRECT, "friend", "friend")).isTrue();
    assertThat(allowlist.admits(ChatType.DIRECT, "boss", "boss")).isTrue();
    assertThat(allowlist.admits(ChatType.DIRECT, "stranger", "stranger")).isFalse();
    assertThat(allowlist.admits(ChatType.GROUP, "team", "stranger")).isTrue();
    assertThat(allowlist.admits(ChatType.GROUP, "other", "boss")).isFalse();
    assertThat(allowlist.isOwner("boss")).isTrue();
    assertThat(allowlist.isOwner("friend")).isFalse();

    AccountPolicy closed =
        new AccountPolicy(
            "a",
            true,
            "main",
            DmScope.MAIN,
            DmPolicy.DISABLED,
            Set.of("friend"),
            GroupPolicy.DISABLED,
            Set.of("team"),
            Set.of("boss"));
    assertThat(closed.admits(ChatType.DIRECT, "boss", "boss")).isFalse();
    assertThat(closed.admits(ChatType.GROUP, "team", "boss")).isFalse();

    AccountPolicy open =
        new AccountPolicy(
            "a",
            true,
            "main",
            DmScope.MAIN,
            DmPolicy.OPEN,
            Set.of(),
            GroupPolicy.OPEN,
            Set.of(),
            Set.of());
    assertThat(open.admits(ChatType.DIRECT, "anyone", "anyone")).isTrue();
    assertThat(open.admits(ChatType.GROUP, "any-group", "anyone")).isTrue();
  }

  static Stream<Arguments> invalidConfigs() {
    String tg = "{ channels: { telegram: { main: { botToken: '" + TOKEN + "', %s } } } }";
    String wh = "{ channels: { webhook: { ci: { secret: '" + WEBHOOK_SECRET + "', %s } } } }";
    return Stream.of(
        Arguments.of("{ channels: { slack: {} } }", "channels.slack: unknown field"),
        Arguments.of("{ channels: [] }", "channels: must be an object"),
        Arguments.of(
            "{ channels: { telegram: { main: 1 } } }", "channels.telegram.main: must be an object"),
        Arguments.of(
            "{ channels: { telegram: { 'bad id': { botToken: '" + TOKEN + "' } } } }",
            "channels.telegram.bad id: account ids are 1 to 64 letters"),
        Arguments.of(tg.formatted("bogus: 1"), "channels.telegram.main.bogus: unknown field"),
        Arguments.of(
            "{ channels: { telegram: { main: {} } } }",
            "channels.telegram.main.botToken: required: set one of botToken, tokenFile or"
                + " botTokenEnv"),
        Arguments.of(
            tg.formatted("botTokenEnv: 'TG'"),
            "channels.telegram.main.botToken: set only one of botToken, botTokenEnv"),
        Arguments.of(
            "{ channels: { telegram: { main: { botToken: 'not a token' } } } }",
            "channels.telegram.main.botToken: does not look like a bot token"),
        Arguments.of(
            "{ channels: { telegram: { main: { botTokenEnv: 'TG_MISSING' } } } }",
            "channels.telegram.main.botTokenEnv: environment variable TG_MISSING is not set or"
                + " empty"),
        Arguments.of(
            "{ channels: { telegram: { main: { botTokenEnv: 'TG EMPTY' } } } }",
            "channels.telegram.main.botTokenEnv: must be the name of an environment variable"),
        Arguments.of(
            "{ channels: { telegram: { main: { tokenFile: 'missing.token' } } } }",
            "channels.telegram.main.tokenFile: no such file: "),
        Arguments.of(
            tg.formatted("apiBaseUrl: 'ftp://example.com'"),
            "channels.telegram.main.apiBaseUrl: must be an http:// or https:// URL"),
        Arguments.of(
            tg.formatted("apiBaseUrl: 'https://user:pw@example.com'"),
            "channels.telegram.main.apiBaseUrl: must not contain user info"),
        Arguments.of(
            tg.formatted("pollTimeoutSeconds: 51"),
            "channels.telegram.main.pollTimeoutSeconds: must be between 0 and 50"),
        Arguments.of(
            tg.formatted("textChunkLimit: 4097"),
            "channels.telegram.main.textChunkLimit: must be between 1 and 4096"),
        Arguments.of(
            tg.formatted("dmPolicy: 'pairing'"),
            "channels.telegram.main.dmPolicy: must be one of allowlist, open, disabled (got"
                + " \"pairing\")"),
        Arguments.of(
            tg.formatted("groupPolicy: 'all'"),
            "channels.telegram.main.groupPolicy: must be one of disabled, open, allowlist"),
        Arguments.of(
            tg.formatted("dmScope: 'per-group'"),
            "channels.telegram.main.dmScope: must be one of main, per-peer"),
        Arguments.of(
            tg.formatted("allowFrom: [ true ]"),
            "channels.telegram.main.allowFrom[0]: must be a non-empty string or a number"),
        Arguments.of(
            tg.formatted("owners: 'me'"), "channels.telegram.main.owners: must be an array of ids"),
        Arguments.of(
            tg.formatted("enabled: 'yes'"), "channels.telegram.main.enabled: must be a boolean"),
        Arguments.of(
            tg.formatted("agentId: 'a:b'"),
            "channels.telegram.main.agentId: agent ids are letters, digits"),
        Arguments.of(
            "{ channels: { webhook: { ci: { secret: 'short-secret' } } } }",
            "channels.webhook.ci.secret: the secret must be at least 16 characters"),
        Arguments.of(
            "{ channels: { webhook: { ci: { } } } }",
            "channels.webhook.ci.secret: required: set one of secret, secretFile or secretEnv"),
        Arguments.of(
            wh.formatted("maxAttempts: 21"),
            "channels.webhook.ci.maxAttempts: must be between 1 and 20"),
        Arguments.of(
            wh.formatted("maxBodyBytes: 26214401"),
            "channels.webhook.ci.maxBodyBytes: must be between 1024 and 26214400"),
        Arguments.of(
            wh.formatted("timestampToleranceSeconds: 0"),
            "channels.webhook.ci.timestampToleranceSeconds: must be between 1 and 86400"),
        Arguments.of(
            wh.formatted("outboundUrl: 'hooks.example.com'"),
            "channels.webhook.ci.outboundUrl: must be an http:// or https:// URL"),
        Arguments.of(wh.formatted("botToken: 'x'"), "channels.webhook.ci.botToken: unknown field"));
  }

  @ParameterizedTest
  @MethodSource("invalidConfigs")
  void everyInvalidValueIsAnInvalidConfigErrorNamingTheField(String text, String expected)
      throws IOException {
    ClawgateException e = loadFails(text);

    String file = dir.resolve(GatewayConfig.FILE_NAME).toString();
    assertThat(e.getMessage()).startsWith(file + ": " + expected);
  }

  @Test
  void anEmptyTokenFileNamesTheFileButNotTheContent() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.token"), "  \n");

    ClawgateException e =
        loadFails("{ channels: { telegram: { main: { tokenFile: 'empty.token' } } } }");

    assertThat(e.getMessage())
        .contains("channels.telegram.main.tokenFile: file " + empty.toAbsolutePath() + " is empty");
  }

  @Test
  void noToStringShowsAChannelSecretWhereverItCameFrom() throws IOException {
    Path file = Files.writeString(dir.resolve("hook.secret"), WEBHOOK_SECRET + "-file");
    // The receiving end of webhook c keeps a token in its query: toString must hide it too.
    String text =
        """
        { channels: {
            telegram: { a: { botToken: '%s' }, b: { botTokenEnv: 'TG' } },
            webhook: {
              c: { secret: '%s', outboundUrl: 'https://hooks.example.com/x?token=%s' },
              d: { secretFile: '%s' },
              e: { secretEnv: 'HOOK' },
            } } }
        """
            .formatted(TOKEN, WEBHOOK_SECRET, WEBHOOK_SECRET, file);
    Files.writeString(dir.resolve(GatewayConfig.FILE_NAME), text);

    GatewayConfig config =
        ConfigLoader.loadForGateway(
                Overrides.none(),
                env("TG", TOKEN.replace("123456", "777"), "HOOK", WEBHOOK_SECRET + "-env"))
            .config();

    List<String> secrets =
        List.of(
            TOKEN,
            TOKEN.replace("123456", "777"),
            WEBHOOK_SECRET,
            WEBHOOK_SECRET + "-file",
            WEBHOOK_SECRET + "-env",
            "AAHsecret",
            "0123456789abcdef");
    for (Object shown :
        List.of(
            config,
            config.channels(),
            config.channels().telegram().get(0),
            config.channels().telegram().get(1).botToken(),
            config.channels().webhook().get(0),
            config.channels().webhook().get(1),
            config.channels().webhook().get(2))) {
      assertThat(shown.toString()).as(shown.getClass().getSimpleName()).doesNotContain(secrets);
    }
    assertThat(config.channels().telegram().get(1).botToken().toString())
        .isEqualTo("<secret from env TG>");
    assertThat(config.channels().webhook().get(0).toString())
        .contains("outboundUrl=https://hooks.example.com/x,");
  }

  static Stream<String> invalidConfigsWithSecrets() {
    String shortSecret = "tiny-secret-9";
    return Stream.of(
        "{ channels: { telegram: { main: { botToken: '" + TOKEN + " x' } } } }",
        "{ channels: { telegram: { main: { botToken: '" + TOKEN + "', tokenFile: 'f' } } } }",
        "{ channels: { telegram: { main: { botToken: '" + TOKEN + "', dmPolicy: 'x' } } } }",
        "{ channels: { webhook: { ci: { secret: '" + shortSecret + "' } } } }",
        "{ channels: { webhook: { ci: { secretEnv: 'SHORT' } } } }",
        "{ channels: { webhook: { ci: { secret: '" + WEBHOOK_SECRET + "', outboundUrl: 'x' } } } }",
        "{ channels: { webhook: { ci: { secret: '"
            + "x".repeat(5000)
            + WEBHOOK_SECRET
            + "' } } } }");
  }

  @ParameterizedTest
  @MethodSource("invalidConfigsWithSecrets")
  void errorMessagesNeverShowAChannelSecret(String text) throws IOException {
    ClawgateException e = loadFails(text, "SHORT", "tiny-secret-9");

    assertThat(e.getMessage()).doesNotContain(TOKEN, WEBHOOK_SECRET, "tiny-secret-9", "AAHsecret");
  }

  @Test
  void aSecretFileThatCannotBeReadNamesTheFile() throws IOException {
    Path directory = Files.createDirectory(dir.resolve("not-a-file"));

    ClawgateException e =
        loadFails("{ channels: { webhook: { ci: { secretFile: '" + directory + "' } } } }");

    assertThat(e.getMessage())
        .contains("channels.webhook.ci.secretFile: no such file: " + directory.toAbsolutePath());
  }
}
