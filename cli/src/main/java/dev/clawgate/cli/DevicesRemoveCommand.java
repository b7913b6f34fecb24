package dev.clawgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code clawgate devices remove <deviceId>}. */
@Command(
    name = "remove",
    mixinStandardHelpOptions = true,
    description = {
      "Remove a paired device: its roles, tokens and pending request go; it must pair again.",
      "When the local gateway is not running, applies to its state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices remove 3b8e41d0…",
      "",
      "JSON: {\"source\", \"status\": \"removed\", \"deviceId\"}",
    })
final class DevicesRemoveCommand extends OwnerCommand {
  @Parameters(index = "0", paramLabel = "<deviceId>", description = "The device to remove.")
  String deviceId = "";

  @Override
  public Integer call() {
    try (OwnerSession session = session(OWNER_WRITE)) {
      JsonNode result = session.call("device.pair.remove", params().put("deviceId", deviceId));
      notice(session, true);
      if (connection.json) {
        printJson(session, result);
      } else {
        printText(
            "Removed device " + deviceId + ": its tokens no longer work; it must pair again.");
      }
      return Main.OK;
    }
  }
}
