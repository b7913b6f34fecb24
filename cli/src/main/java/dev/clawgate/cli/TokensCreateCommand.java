package dev.clawgate.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate tokens create --name <name> --scope <scope>... [--expires-in <duration>]}: makes
 * a static bearer token and prints its value, the one time it is ever shown.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a static bearer token for an MCP client (/mcp) or for Prometheus (/metrics).",
      "Scopes: operator.read (read conversations and events; needed for /metrics),"
          + " operator.write (send messages), operator.approvals (answer approvals); read, write"
          + " and approvals are short for them.",
      "The token is printed once: store it right away. The gateway keeps only its hash.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate tokens create --name codex --scope read --scope write",
      "  clawgate tokens create --name ci --scope operator.read --expires-in 90d",
      "  clawgate tokens create --name prometheus --scope read --json | jq -r .token",
      "",
      "Exit codes: 0 created; 2 a bad scope, duration or name, or the name is in use.",
      "",
      "JSON: {\"source\", \"deviceId\", \"name\", \"token\", \"scopes\", \"expiresAtMs\"?}."
          + " It contains the token: treat it as a secret.",
    })
final class TokensCreateCommand extends OwnerCommand {
  /** The scopes a static token may hold, by their full names. */
  static final List<String> SCOPES =
      List.of("operator.read", "operator.write", "operator.approvals");

  /** The longest lifetime the gateway accepts (ten years of 366 days). */
  static final Duration MAX_LIFETIME = Duration.ofDays(3660);

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhdw])");

  @Option(
      names = "--name",
      required = true,
      paramLabel = "<name>",
      description = "A name to know it by (unique; letters, digits, spaces, . _ @ : -).")
  String name = "";

  @Option(
      names = "--scope",
      required = true,
      paramLabel = "<scope>",
      split = ",",
      description = "What it allows: read, write, approvals (repeatable or comma-separated).")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = "--expires-in",
      paramLabel = "<duration>",
      description = "Lifetime: 30m, 12h, 90d or 52w (default: it never expires).")
  @Nullable String expiresIn;

  @Override
  public Integer call() {
    List<String> granted = scopes(scopes);
    Optional<Duration> lifetime =
        expiresIn == null ? Optional.empty() : Optional.of(duration(expiresIn));
    try (OwnerSession session = session(OWNER_WRITE)) {
      ObjectNode params = params().put("name", name);
      ArrayNode array = params.putArray("scopes");
      granted.forEach(array::add);
      lifetime.ifPresent(d -> params.put("expiresInSeconds", d.toSeconds()));
      long sentMs = System.currentTimeMillis(); // "in 90d" for 90d, not "in 89d" a second later
      JsonNode created = session.call("token.create", params);
      notice(session, true);
      if (connection.json) {
        printJson(session, created);
      } else {
        printText(render(created, sentMs));
      }
      return Main.OK;
    }
  }

  static String render(JsonNode created, long nowMs) {
    List<String> names = DevicesApproveCommand.names(created.path("scopes"));
    long expiresAtMs = created.path("expiresAtMs").asLong(0);
    String expiry =
        created.has("expiresAtMs")
            ? "expires " + instant(expiresAtMs) + " (" + Table.ago(expiresAtMs, nowMs) + ")"
            : "never expires";
    return "Created token '"
        + created.path("name").asString()
        + "' ("
        + created.path("deviceId").asString()
        + ")\n  scopes: "
        + String.join(", ", names)
        + "\n  "
        + expiry
        + "\n\nThe token, shown once; store it now (the gateway keeps only its hash):\n\n  "
        + created.path("token").asString()
        + "\n\nSend it as the header  Authorization: Bearer <token>\n"
        + "Codex: put it in an environment variable, e.g. CLAWGATE_TOKEN, and set\n"
        + "  bearer_token_env_var = \"CLAWGATE_TOKEN\" under [mcp_servers.<name>].\n"
        + "Prometheus (/metrics, needs operator.read): save it to a file and point\n"
        + "  authorization.credentials_file at it.\n"
        + "Revoke it with: clawgate tokens revoke "
        + created.path("name").asString()
        + "\n";
  }

  /**
   * The full scope names of {@code given}, in the order first given, short forms expanded.
   *
   * @throws dev.clawgate.protocol.ClawgateException a usage error naming the first unknown scope
   */
  static List<String> scopes(List<String> given) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : given) {
      String scope = raw.strip().toLowerCase(Locale.ROOT);
      String full = scope.startsWith("operator.") ? scope : "operator." + scope;
      if (!SCOPES.contains(full)) {
        throw usage(
            "--scope "
                + raw
                + ": not a token scope; use "
                + String.join(", ", SCOPES)
                + " (or read, write, approvals)");
      }
      out.add(full);
    }
    if (out.isEmpty()) {
      throw usage("--scope: give at least one of " + String.join(", ", SCOPES));
    }
    return List.copyOf(out);
  }

  /**
   * A lifetime such as {@code 30m}, {@code 12h}, {@code 90d} or {@code 52w}.
   *
   * @throws dev.clawgate.protocol.ClawgateException a usage error saying what is wrong with it
   */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw usage(
          "--expires-in "
              + text
              + ": not a duration; use a whole number and a unit s, m, h, d or w"
              + " (30m, 12h, 90d, 52w)");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofDays(n * 7);
        };
    if (d.compareTo(Duration.ofMinutes(1)) < 0) {
      throw usage("--expires-in " + text + ": too short; a token lives at least 1m");
    }
    if (d.compareTo(MAX_LIFETIME) > 0) {
      throw usage(
          "--expires-in "
              + text
              + ": too long; at most "
              + MAX_LIFETIME.toDays()
              + "d (leave it out for a token that never expires)");
    }
    return d;
  }

  /** {@code 2026-11-01 12:00 UTC}. */
  static String instant(long ms) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
        .format(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC));
  }
}
