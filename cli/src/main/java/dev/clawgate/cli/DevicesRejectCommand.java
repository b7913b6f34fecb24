package dev.clawgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code clawgate devices reject <requestId>}. */
@Command(
    name = "reject",
    mixinStandardHelpOptions = true,
    description = {
      "Reject a pending pairing request. The device keeps what it was approved for before.",
      "When the local gateway is not running, applies to its state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices reject 6f1c2a9e-…",
      "",
      "Rejecting a rejected request changes nothing and exits 0; an approved one cannot be"
          + " rejected (use revoke or remove).",
      "JSON: {\"source\", \"status\": \"rejected\", \"requestId\", \"deviceId\"}",
    })
final class DevicesRejectCommand extends OwnerCommand {
  @Parameters(index = "0", paramLabel = "<requestId>", description = "The request to reject.")
  String requestId = "";

  @Override
  public Integer call() {
    try (OwnerSession session = session(OWNER_WRITE)) {
      JsonNode result = session.call("device.pair.reject", params().put("requestId", requestId));
      notice(session, true);
      if (connection.json) {
        printJson(session, result);
      } else {
        printText(
            "Rejected request "
                + requestId
                + " of device "
                + result.path("deviceId").asString()
                + ".");
      }
      return Main.OK;
    }
  }
}
