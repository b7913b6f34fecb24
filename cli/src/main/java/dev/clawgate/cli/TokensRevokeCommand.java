package dev.clawgate.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code clawgate tokens revoke <name-or-id>}. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = {
      "Revoke a static bearer token, named by its name or its id: it stops working at once and"
          + " its device is removed. The short id that `clawgate tokens list` shows works too.",
      "When the local gateway is not running, applies to its state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate tokens revoke codex",
      "  clawgate tokens revoke token-3b8e41d0",
      "",
      "Exit codes: 0 revoked; 1 no token has that name or id.",
      "",
      "JSON: {\"source\", \"status\": \"revoked\", \"deviceId\", \"name\"}",
    })
final class TokensRevokeCommand extends OwnerCommand {
  @Parameters(index = "0", paramLabel = "<name-or-id>", description = "The token to revoke.")
  String token = "";

  @Override
  public Integer call() {
    try (OwnerSession session = session(OWNER_WRITE)) {
      String which = resolve(session.call("token.list", params()), token);
      JsonNode revoked = session.call("token.revoke", params().put("token", which));
      notice(session, true);
      if (connection.json) {
        printJson(session, revoked);
      } else {
        printText(
            "Revoked token '"
                + revoked.path("name").asString()
                + "' ("
                + revoked.path("deviceId").asString()
                + "): it no longer works.");
      }
      return Main.OK;
    }
  }

  /**
   * The full id of the one token whose id starts with {@code given} (a short id from the list),
   * when {@code given} names no token and is no full id; else {@code given} unchanged, for the
   * gateway to find or refuse.
   */
  static String resolve(JsonNode list, String given) {
    List<String> byPrefix = new ArrayList<>();
    for (JsonNode t : list.path("tokens")) {
      String id = t.path("deviceId").asString();
      if (id.equals(given) || t.path("name").asString().equalsIgnoreCase(given)) {
        return given;
      }
      if (given.length() >= 8 && id.startsWith(given)) {
        byPrefix.add(id);
      }
    }
    return byPrefix.size() == 1 ? byPrefix.get(0) : given;
  }
}
