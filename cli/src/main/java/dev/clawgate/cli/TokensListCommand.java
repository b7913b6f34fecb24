package dev.clawgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code clawgate tokens list}: the static tokens, never their values. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the static bearer tokens: name, id, scopes, when made, when they expire and when"
          + " they were last used (updated at most once a minute). Values are never shown.",
      "When the local gateway is not running, reads its state dir directly (and says so).",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate tokens list",
      "  clawgate tokens list --wide",
      "  clawgate tokens list --json | jq -r '.tokens[].name'",
      "",
      "JSON: {\"source\", \"tokens\": [{\"deviceId\", \"name\", \"scopes\", \"createdAtMs\","
          + " \"expiresAtMs\"?, \"lastUsedAtMs\"?}]}, newest first.",
    })
final class TokensListCommand extends OwnerCommand {
  @Option(names = "--wide", description = "Full ids and no cut columns.")
  boolean wide;

  @Override
  public Integer call() {
    try (OwnerSession session = session("operator.pairing")) {
      JsonNode list = session.call("token.list", params());
      notice(session, false);
      if (connection.json) {
        printJson(session, list);
      } else {
        printText(render(list, System.currentTimeMillis(), wide));
      }
      return Main.OK;
    }
  }

  static String render(JsonNode list, long nowMs, boolean wide) {
    JsonNode tokens = list.path("tokens");
    if (tokens.isEmpty()) {
      return "No tokens. Create one with: clawgate tokens create --name <name> --scope read\n";
    }
    Table table = new Table("NAME", "ID", "CREATED", "EXPIRES", "LAST USED", "SCOPES");
    for (JsonNode t : tokens) {
      long expires = t.path("expiresAtMs").asLong(0);
      table.row(
          t.path("name").asString(),
          DevicesListCommand.shortId(t.path("deviceId").asString(), wide),
          Table.ago(t.path("createdAtMs").asLong(), nowMs),
          !t.has("expiresAtMs")
              ? "never"
              : expires <= nowMs ? "expired" : Table.ago(expires, nowMs),
          t.has("lastUsedAtMs") ? Table.ago(t.path("lastUsedAtMs").asLong(), nowMs) : "never",
          Table.scopes(DevicesApproveCommand.names(t.path("scopes"))));
    }
    return "Tokens ("
        + tokens.size()
        + ")\n"
        + table.render(wide ? 0 : 80)
        + "Revoke with: clawgate tokens revoke <name>\n";
  }
}
