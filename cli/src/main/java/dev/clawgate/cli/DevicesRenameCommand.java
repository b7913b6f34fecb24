package dev.clawgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code clawgate devices rename <deviceId> <label>}. */
@Command(
    name = "rename",
    mixinStandardHelpOptions = true,
    description = {
      "Give a paired device the label you know it by (1 to 64 characters).",
      "When the local gateway is not running, applies to its state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices rename 3b8e41d0… \"laptop: claude code\"",
      "",
      "JSON: {\"source\", ...the device, as in `devices list --json`}",
    })
final class DevicesRenameCommand extends OwnerCommand {
  @Parameters(index = "0", paramLabel = "<deviceId>", description = "The device.")
  String deviceId = "";

  @Parameters(index = "1", paramLabel = "<label>", description = "Its new label.")
  String label = "";

  @Override
  public Integer call() {
    try (OwnerSession session = session(OWNER_WRITE)) {
      JsonNode device =
          session.call(
              "device.pair.rename", params().put("deviceId", deviceId).put("label", label));
      notice(session, true);
      if (connection.json) {
        printJson(session, device);
      } else {
        printText(
            "Device " + deviceId + " is now labelled \"" + device.path("label").asString() + "\".");
      }
      return Main.OK;
    }
  }
}
