package dev.clawgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate approvals deny <id>}. */
@Command(
    name = "deny",
    mixinStandardHelpOptions = true,
    description = "Deny a pending exec or plugin approval.",
    footer = {
      "",
      "Examples:",
      "  clawgate approvals deny 6f1c2a9e             # an exec id or a unique prefix",
      "  clawgate approvals deny plugin:0b7d2e4c --json",
      "",
      "An approval answered already (by whom, with what) or expired is refused: exit 1.",
      "Exit codes: 0 denied, 1 refused, 2 usage, 3 gateway not running.",
      "JSON: {\"source\": \"gateway\", \"kind\": \"exec\"|\"plugin\", \"ok\": true, \"id\","
          + " \"decision\": \"deny\"}",
    })
final class ApprovalsDenyCommand extends OwnerCommand {
  @Parameters(index = "0", paramLabel = "<id>", description = "The approval to deny.")
  String id = "";

  @Override
  public Integer call() {
    try (ApprovalsGateway gateway = ApprovalsGateway.connect(target(), connection.timeout())) {
      ObjectNode result = gateway.resolve(id, "deny");
      if (connection.json) {
        ApprovalsGateway.printJson(out(), result);
      } else {
        printText(
            "Denied "
                + result.path("kind").asString()
                + " approval "
                + result.path("id").asString()
                + ".");
      }
      return Main.OK;
    }
  }
}
