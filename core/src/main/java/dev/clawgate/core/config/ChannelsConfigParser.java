package dev.clawgate.core.config;

import dev.clawgate.core.config.ChannelsConfig.AccountPolicy;
import dev.clawgate.core.config.ChannelsConfig.DmPolicy;
import dev.clawgate.core.config.ChannelsConfig.GroupPolicy;
import dev.clawgate.core.config.ChannelsConfig.Secret;
import dev.clawgate.core.config.ChannelsConfig.TelegramAccount;
import dev.clawgate.core.config.ChannelsConfig.WebhookAccount;
import dev.clawgate.core.conversations.DmScope;
import dev.clawgate.core.conversations.SessionKeys;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Fields;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code channels} of {@code clawgate.json} into a {@link ChannelsConfig}. Every error names
 * the field path ({@code channels.telegram.main.botToken}) and, for a secret taken from elsewhere,
 * the environment variable or file, but never a secret value.
 */
final class ChannelsConfigParser {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelsConfigParser.class);

  private static final Set<String> TYPES = Set.of("telegram", "webhook");
  private static final Set<String> COMMON_KEYS =
      Set.of(
          "enabled",
          "agentId",
          "dmScope",
          "dmPolicy",
          "allowFrom",
          "groupPolicy",
          "groupAllowFrom",
          "owners");
  private static final Set<String> TELEGRAM_KEYS =
      union(
          COMMON_KEYS,
          "botToken",
          "tokenFile",
          "botTokenEnv",
          "apiBaseUrl",
          "pollTimeoutSeconds",
          "textChunkLimit");
  private static final Set<String> WEBHOOK_KEYS =
      union(
          COMMON_KEYS,
          "secret",
          "secretFile",
          "secretEnv",
          "outboundUrl",
          "timestampToleranceSeconds",
          "maxAttempts",
          "maxBodyBytes");

  /** Account ids end up in URL paths ({@code /hooks/<id>}) and session keys. */
  private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /** What BotFather hands out; the token goes into URL paths, so nothing else is accepted. */
  private static final Pattern BOT_TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{1,200}");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  static final int MIN_WEBHOOK_SECRET_LENGTH = 16;
  private static final int MAX_SECRET_LENGTH = 4096;
  private static final int MAX_IDS = 1000;
  private static final int MAX_ID_LENGTH = 128;

  private ChannelsConfigParser() {}

  /**
   * Parses {@code channels} (absent means none).
   *
   * @param stateDir relative secret file paths are resolved against it
   * @param env the environment to resolve {@code *Env} secrets from
   * @param readSecrets whether to read secrets from the environment and files (only a gateway needs
   *     them; inline secrets are always there)
   */
  static ChannelsConfig parse(
      Optional<Fields> channels, Path stateDir, Map<String, String> env, boolean readSecrets) {
    if (channels.isEmpty()) {
      return ChannelsConfig.none();
    }
    Fields root = channels.get().allowOnly(TYPES);
    List<TelegramAccount> telegram = new ArrayList<>();
    List<WebhookAccount> webhook = new ArrayList<>();
    for (Account account : accounts(root, "telegram")) {
      telegram.add(telegram(account, stateDir, env, readSecrets));
    }
    for (Account account : accounts(root, "webhook")) {
      webhook.add(webhook(account, stateDir, env, readSecrets));
    }
    return new ChannelsConfig(telegram, webhook);
  }

  /** One {@code channels.<type>.<id>} object. */
  private record Account(String id, Fields fields) {}

  /** A resolved secret and the field it was configured by. */
  private record Resolved(Secret secret, String field) {}

  private static List<Account> accounts(Fields root, String type) {
    Optional<Fields> byId = root.optObject(type);
    if (byId.isEmpty()) {
      return List.of();
    }
    List<Account> accounts = new ArrayList<>();
    for (var entry : byId.get().node().properties()) {
      String path = byId.get().path(entry.getKey());
      if (!ACCOUNT_ID.matcher(entry.getKey()).matches()) {
        throw ClawgateException.invalidParams(
            path,
            "account ids are 1 to 64 letters, digits, '-' or '_' (starting with a letter/digit)");
      }
      accounts.add(new Account(entry.getKey(), Fields.object(entry.getValue(), path)));
    }
    return accounts;
  }

  private static TelegramAccount telegram(
      Account a, Path stateDir, Map<String, String> env, boolean readSecrets) {
    Fields f = a.fields().allowOnly(TELEGRAM_KEYS);
    AccountPolicy account = common(a.id(), f);
    Resolved token = secret(f, "botToken", "tokenFile", "botTokenEnv", stateDir, env, readSecrets);
    if (token.secret().resolved() && !BOT_TOKEN.matcher(token.secret().value()).matches()) {
      throw ClawgateException.invalidParams(
          token.field(),
          "does not look like a bot token (digits, ':' and letters, as BotFather gives it)");
    }
    URI apiBaseUrl =
        f.optString("apiBaseUrl", 2048)
            .map(url -> httpUrl(f.path("apiBaseUrl"), url))
            .orElse(TelegramAccount.DEFAULT_API_BASE_URL);
    return new TelegramAccount(
        account,
        token.secret(),
        apiBaseUrl,
        (int) f.optInteger("pollTimeoutSeconds", 0, 50).orElse(25L).longValue(),
        (int) f.optInteger("textChunkLimit", 1, 4096).orElse(4096L).longValue());
  }

  private static WebhookAccount webhook(
      Account a, Path stateDir, Map<String, String> env, boolean readSecrets) {
    Fields f = a.fields().allowOnly(WEBHOOK_KEYS);
    AccountPolicy account = common(a.id(), f);
    Resolved secret = secret(f, "secret", "secretFile", "secretEnv", stateDir, env, readSecrets);
    if (secret.secret().resolved()
        && secret.secret().value().length() < MIN_WEBHOOK_SECRET_LENGTH) {
      throw ClawgateException.invalidParams(
          secret.field(),
          "the secret must be at least " + MIN_WEBHOOK_SECRET_LENGTH + " characters");
    }
    return new WebhookAccount(
        account,
        secret.secret(),
        f.optString("outboundUrl", 2048).map(url -> httpUrl(f.path("outboundUrl"), url)),
        Duration.ofSeconds(f.optInteger("timestampToleranceSeconds", 1, 86_400).orElse(300L)),
        (int) f.optInteger("maxAttempts", 1, 20).orElse(5L).longValue(),
        (int)
            f.optInteger("maxBodyBytes", 1024, WebhookAccount.MAX_BODY_BYTES_LIMIT)
                .orElse((long) WebhookAccount.DEFAULT_MAX_BODY_BYTES)
                .longValue());
  }

  private static AccountPolicy common(String accountId, Fields f) {
    String agentId = f.optString("agentId", 64).orElse(SessionKeys.DEFAULT_AGENT);
    if (!AGENT_ID.matcher(agentId).matches()) {
      throw ClawgateException.invalidParams(
          f.path("agentId"), "agent ids are letters, digits, '.', '-' or '_'");
    }
    return new AccountPolicy(
        accountId,
        f.optBoolean("enabled").orElse(true),
        agentId,
        f.optString("dmScope", 64)
            .map(v -> parse(f.path("dmScope"), v, DmScope::parse))
            .orElse(DmScope.PER_CHANNEL_PEER),
        f.optString("dmPolicy", 32)
            .map(v -> oneOf(f.path("dmPolicy"), v, DmPolicy.values(), DmPolicy::wireName))
            .orElse(DmPolicy.ALLOWLIST),
        ids(f, "allowFrom"),
        f.optString("groupPolicy", 32)
            .map(v -> oneOf(f.path("groupPolicy"), v, GroupPolicy.values(), GroupPolicy::wireName))
            .orElse(GroupPolicy.DISABLED),
        ids(f, "groupAllowFrom"),
        ids(f, "owners"));
  }

  /**
   * Exactly one of {@code inline}, {@code file} (a path, relative to the state dir) and {@code
   * envName} (an environment variable's name), trimmed and non-empty.
   */
  private static Resolved secret(
      Fields f,
      String inline,
      String file,
      String envName,
      Path stateDir,
      Map<String, String> env,
      boolean readSecrets) {
    List<String> given = Stream.of(inline, file, envName).filter(f::has).toList();
    if (given.size() != 1) {
      throw ClawgateException.invalidParams(
          f.path(inline),
          given.isEmpty()
              ? "required: set one of " + inline + ", " + file + " or " + envName
              : "set only one of " + String.join(", ", given));
    }
    String key = given.get(0);
    if (key.equals(inline)) {
      String value = f.optString(inline, MAX_SECRET_LENGTH).orElseThrow().strip();
      return new Resolved(new Secret(value, "config " + f.path(inline)), f.path(inline));
    }
    if (key.equals(envName)) {
      String name = f.optString(envName, 128).orElseThrow();
      if (!ENV_NAME.matcher(name).matches()) {
        throw ClawgateException.invalidParams(
            f.path(envName), "must be the name of an environment variable");
      }
      if (!readSecrets) {
        return new Resolved(Secret.unread("env " + name), f.path(envName));
      }
      String value = Optional.ofNullable(env.get(name)).map(String::strip).orElse("");
      if (value.isEmpty()) {
        throw ClawgateException.invalidParams(
            f.path(envName), "environment variable " + name + " is not set or empty");
      }
      if (value.length() > MAX_SECRET_LENGTH) {
        throw ClawgateException.invalidParams(
            f.path(envName),
            "environment variable "
                + name
                + " is longer than "
                + MAX_SECRET_LENGTH
                + " characters");
      }
      return new Resolved(new Secret(value, "env " + name), f.path(envName));
    }
    Path path =
        stateDir.resolve(f.optString(file, 4096).orElseThrow()).toAbsolutePath().normalize();
    if (!readSecrets) {
      return new Resolved(Secret.unread("file " + path), f.path(file));
    }
    return new Resolved(
        new Secret(readSecretFile(f.path(file), path), "file " + path), f.path(file));
  }

  private static String readSecretFile(String field, Path path) {
    if (!Files.isRegularFile(path)) {
      throw ClawgateException.invalidParams(field, "no such file: " + path);
    }
    String value;
    try {
      if (Files.size(path) > MAX_SECRET_LENGTH * 4L) {
        throw ClawgateException.invalidParams(field, "file " + path + " is too large for a secret");
      }
      value = Files.readString(path, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      // The exception's message names the file and the failure, never its content.
      throw ClawgateException.invalidParams(
          field, "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
    if (value.isEmpty()) {
      throw ClawgateException.invalidParams(field, "file " + path + " is empty");
    }
    if (value.length() > MAX_SECRET_LENGTH) {
      throw ClawgateException.invalidParams(field, "file " + path + " is too large for a secret");
    }
    warnIfReadableByOthers(field, path);
    return value;
  }

  private static void warnIfReadableByOthers(String field, Path path) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (permissions.contains(PosixFilePermission.OTHERS_READ)
          || permissions.contains(PosixFilePermission.GROUP_READ)) {
        LOG.warn("{}: {} is readable by other users; chmod 600 it", field, path);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not POSIX, or gone since it was read: nothing to say.
    }
  }

  /** An absolute http(s) URL with a host and no user info, without a trailing slash. */
  private static URI httpUrl(String field, String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw ClawgateException.invalidParams(field, "not a valid URL");
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ClawgateException.invalidParams(field, "must be an http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ClawgateException.invalidParams(field, "must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw ClawgateException.invalidParams(field, "must not contain user info");
    }
    String text = uri.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
  }

  /** Peer or chat ids: strings or integers (Telegram ids are numbers), trimmed. */
  private static Set<String> ids(Fields f, String name) {
    JsonNode node = f.node().get(name);
    if (node == null || node.isNull()) {
      return Set.of();
    }
    if (!node.isArray()) {
      throw ClawgateException.invalidParams(f.path(name), "must be an array of ids");
    }
    if (node.size() > MAX_IDS) {
      throw ClawgateException.invalidParams(f.path(name), "more than " + MAX_IDS + " items");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemPath = f.path(name) + "[" + i + "]";
      String id;
      if (item.isIntegralNumber()) {
        id = item.asString();
      } else if (item.isString() && !item.stringValue().isBlank()) {
        id = item.stringValue().strip();
      } else {
        throw ClawgateException.invalidParams(itemPath, "must be a non-empty string or a number");
      }
      if (id.length() > MAX_ID_LENGTH) {
        throw ClawgateException.invalidParams(
            itemPath, "longer than " + MAX_ID_LENGTH + " characters");
      }
      ids.add(id);
    }
    return ids;
  }

  private static <T> T parse(String field, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw ClawgateException.invalidParams(
          field, Objects.requireNonNullElse(e.getMessage(), "invalid value"));
    }
  }

  private static <T> T oneOf(String field, String value, T[] values, Function<T, String> wire) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    for (T candidate : values) {
      if (wire.apply(candidate).equals(wanted)) {
        return candidate;
      }
    }
    throw ClawgateException.invalidParams(
        field,
        "must be one of "
            + Stream.of(values).map(wire).collect(Collectors.joining(", "))
            + " (got \""
            + value
            + "\")");
  }

  private static Set<String> union(Set<String> base, String... more) {
    Set<String> all = new LinkedHashSet<>(base);
    all.addAll(List.of(more));
    return Set.copyOf(all);
  }
}
