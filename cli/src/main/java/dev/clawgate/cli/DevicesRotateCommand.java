package dev.clawgate.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate devices rotate --device <id> --role <role> [--scope ...]}. */
@Command(
    name = "rotate",
    mixinStandardHelpOptions = true,
    description = {
      "Issue a new token to a paired device for one role; the old one stops working at once.",
      "With --scope, the token and the role's approved scopes are set to exactly those (they must"
          + " lie within what was approved): the only way to narrow a device without removing it.",
      "The new token is printed once. This is the one command whose output holds a secret: pass"
          + " it to the device and do not keep it elsewhere.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices rotate --device 3b8e41d0… --role operator",
      "  clawgate devices rotate --device 3b8e41d0… --role operator --scope operator.read",
      "",
      "JSON: {\"source\", \"deviceId\", \"role\", \"scopes\", \"token\"}",
    })
final class DevicesRotateCommand extends OwnerCommand {
  @Option(names = "--device", required = true, paramLabel = "<deviceId>", description = "Device.")
  String deviceId = "";

  @Option(
      names = "--role",
      paramLabel = "<role>",
      defaultValue = "operator",
      description = "operator or node (default: ${DEFAULT-VALUE}).")
  String role = "operator";

  @Option(
      names = "--scope",
      paramLabel = "<scope>",
      split = ",",
      description = "Set the token's scopes to these (repeatable or comma-separated).")
  List<String> scopes = new ArrayList<>();

  @Override
  public Integer call() {
    try (OwnerSession session = session(OWNER_WRITE)) {
      ObjectNode params = params().put("deviceId", deviceId).put("role", role);
      if (!scopes.isEmpty()) {
        ArrayNode array = params.putArray("scopes");
        scopes.forEach(array::add);
      }
      JsonNode rotated = session.call("device.token.rotate", params);
      notice(session, true);
      if (connection.json) {
        printJson(session, rotated);
      } else {
        printText(
            "New "
                + rotated.path("role").asString()
                + " token for device "
                + deviceId
                + " (scopes "
                + Table.scopes(DevicesApproveCommand.names(rotated.path("scopes")))
                + "); the old one no longer works. Shown this once:\n  "
                + rotated.path("token").asString());
      }
      return Main.OK;
    }
  }
}
