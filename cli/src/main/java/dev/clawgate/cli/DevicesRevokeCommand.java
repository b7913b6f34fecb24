package dev.clawgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code clawgate devices revoke --device <id> --role <role>}. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = {
      "Revoke a device's token for one role and withdraw the role: the device must pair again"
          + " for it. Its other roles stay.",
      "When the local gateway is not running, applies to its state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices revoke --device 3b8e41d0… --role node",
      "",
      "JSON: {\"source\", \"status\": \"revoked\", \"role\", \"device\"}",
    })
final class DevicesRevokeCommand extends OwnerCommand {
  @Option(names = "--device", required = true, paramLabel = "<deviceId>", description = "Device.")
  String deviceId = "";

  @Option(
      names = "--role",
      paramLabel = "<role>",
      defaultValue = "operator",
      description = "operator or node (default: ${DEFAULT-VALUE}).")
  String role = "operator";

  @Override
  public Integer call() {
    try (OwnerSession session = session(OWNER_WRITE)) {
      JsonNode result =
          session.call("device.token.revoke", params().put("deviceId", deviceId).put("role", role));
      notice(session, true);
      if (connection.json) {
        printJson(session, result);
      } else {
        printText(
            "Revoked the "
                + result.path("role").asString()
                + " token of device "
                + deviceId
                + "; it must pair again for that role.");
      }
      return Main.OK;
    }
  }
}
