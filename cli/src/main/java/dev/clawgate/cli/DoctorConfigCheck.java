package dev.clawgate.cli;

import dev.clawgate.cli.DoctorFinding.Status;
import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code config}: {@code <state dir>/clawgate.json} loads and validates exactly as every command
 * loads it (a missing file means defaults); {@code config-mode}: the file is its owner's alone when
 * it holds a shared secret.
 */
final class DoctorConfigCheck {
  /** The keys whose values are secrets, as paths from the root of {@code clawgate.json}. */
  private static final List<String> SECRET_KEYS =
      List.of(
          "gateway.auth.token",
          "gateway.auth.password",
          "gateway.remote.token",
          "gateway.remote.password");

  /** A {@code token} or {@code password} key (any quoting) and its value: "...", '...' or bare. */
  private static final Pattern SECRET_VALUE =
      Pattern.compile(
          "[\"']?(?:token|password)[\"']?\\s*:\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s,}\\]]+))",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");

  private DoctorConfigCheck() {}

  /**
   * What the check found, and the configuration when it loads.
   *
   * @param findings the {@code config} line, then the {@code config-mode} line when the file exists
   * @param config the effective configuration; empty when it does not load
   * @param secrets every value written after a {@code token} or {@code password} key in the file,
   *     found by text even when the file does not parse, for the report to mask: a parser message
   *     quotes the value it choked on, and that value may be an unquoted token
   */
  record Outcome(
      List<DoctorFinding> findings, Optional<GatewayConfig> config, Set<String> secrets) {}

  static Outcome run(Path stateDir, Map<String, String> env) {
    Path file = stateDir.resolve(GatewayConfig.FILE_NAME);
    Set<String> secrets = secretValues(file);
    List<DoctorFinding> findings = new ArrayList<>();
    Optional<GatewayConfig> config = Optional.empty();
    try {
      GatewayConfig loaded =
          ConfigLoader.load(ConfigLoader.Overrides.stateDir(Optional.of(stateDir)), env).config();
      findings.add(DoctorFinding.ok("config", describe(file, loaded)));
      config = Optional.of(loaded);
    } catch (ClawgateException e) {
      findings.add(
          DoctorFinding.fail(
              "config",
              maskQuoted(e.getMessage(), secrets)
                  + " (the gateway and token checks need a valid config)",
              e.getMessage().startsWith(file.toString())
                  ? "edit "
                      + file
                      + ", or move it aside to start from defaults: mv "
                      + file
                      + " "
                      + file
                      + ".bad"
                  : "correct or unset the environment variable named above"));
    }
    mode(file).ifPresent(findings::add);
    return new Outcome(findings, config, secrets);
  }

  private static String describe(Path file, GatewayConfig config) {
    String auth =
        switch (config.auth().mode()) {
          case TOKEN ->
              config.auth().token().isPresent()
                  ? "token auth (token from " + config.auth().tokenSource() + ")"
                  : "token auth (the token is generated on the first gateway run)";
          case PASSWORD -> "password auth";
          case NONE -> "no auth (loopback only)";
        };
    String settings =
        "port "
            + config.port()
            + ", "
            + auth
            + config.remote().url().map(url -> ", remote gateway " + url).orElse("");
    return Files.exists(file)
        ? file + " loads and validates: " + settings
        : "no " + file + ", defaults apply: " + settings;
  }

  /** {@code config-mode}, when the file exists. */
  private static Optional<DoctorFinding> mode(Path file) {
    String check = "config-mode";
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Optional<Set<PosixFilePermission>> mode = DoctorFileModes.permissions(file);
    if (mode.isEmpty()) {
      return Optional.of(
          DoctorFinding.ok(check, file + " (mode not checked: not a POSIX file system)"));
    }
    Set<PosixFilePermission> bits = mode.get();
    String octal = DoctorFileModes.octal(bits);
    String chmod = "chmod 600 " + file;
    Optional<List<String>> secrets = secretKeys(file);
    DoctorFileModes.Problems problems = new DoctorFileModes.Problems();
    DoctorFileModes.foreignOwner(file)
        .ifPresent(owner ->
            problems.add(
                Status.FAIL,
                "owned by " + owner + ", who controls this gateway's auth settings",
                "sudo chown " + DoctorFileModes.currentUser() + " " + file));
    if (DoctorFileModes.intersects(bits, DoctorFileModes.GROUP_OR_OTHER_WRITE)) {
      problems.add(
          Status.FAIL, "mode " + octal + " (group or others can change its auth settings)", chmod);
    } else if (DoctorFileModes.intersects(bits, DoctorFileModes.GROUP_OR_OTHER_ANY)) {
      if (secrets.isEmpty()) {
        problems.add(
            Status.WARN,
            "mode " + octal + " (group or others can read it, and it may hold a secret)",
            chmod);
      } else if (!secrets.get().isEmpty()) {
        problems.add(
            Status.FAIL,
            "mode "
                + octal
                + " (group or others can read "
                + String.join(" and ", secrets.get())
                + ")",
            chmod);
      }
    }
    if (!problems.isEmpty()) {
      return Optional.of(problems.finding(check, file.toString()));
    }
    boolean holdsSecret = secrets.map(keys -> !keys.isEmpty()).orElse(true);
    return Optional.of(
        DoctorFinding.ok(
            check, file + " is mode " + octal + (holdsSecret ? "" : " (it holds no secret)")));
  }

  /**
   * Masks each {@code 'quoted'} word of a parser message that begins a secret value: the parser
   * quotes a bare value only up to its first character that cannot be in a name, so the report's
   * masking of whole values would miss it.
   */
  private static String maskQuoted(String message, Set<String> secrets) {
    return QUOTED
        .matcher(message)
        .replaceAll(m -> {
          String word = m.group(1);
          boolean secret = !word.isEmpty() && secrets.stream().anyMatch(v -> v.startsWith(word));
          return Matcher.quoteReplacement(secret ? "'<redacted>'" : m.group());
        });
  }

  /** The values after {@code token:} or {@code password:} keys, quoted or not, as written. */
  private static Set<String> secretValues(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Set.of(); // missing or unreadable: the config line says which
    }
    Set<String> values = new HashSet<>();
    Matcher m = SECRET_VALUE.matcher(text);
    while (m.find()) {
      for (int group = 1; group <= 3; group++) {
        if (m.group(group) != null) {
          values.add(m.group(group));
        }
      }
    }
    return values;
  }

  /** The secret keys set in the file; empty when it does not parse (so nobody can tell). */
  private static Optional<List<String>> secretKeys(Path file) {
    JsonNode root;
    try {
      root = Json.lenientMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JacksonException | IOException e) {
      return Optional.empty();
    }
    if (root == null || !root.isObject()) {
      return Optional.of(List.of());
    }
    List<String> present = new ArrayList<>();
    for (String key : SECRET_KEYS) {
      JsonNode node = root;
      for (String part : key.split("\\.")) {
        node = node.path(part);
      }
      if (node.isString() && !node.asString().isBlank()) {
        present.add(key);
      }
    }
    return Optional.of(present);
  }
}
