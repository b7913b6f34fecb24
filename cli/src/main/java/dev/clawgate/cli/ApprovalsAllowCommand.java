package dev.clawgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** {@code clawgate approvals allow <id> [--always]}. */
@Command(
    name = "allow",
    mixinStandardHelpOptions = true,
    description = {
      "Allow a pending exec or plugin approval, once or (--always) always.",
      "For exec, --always also records an allow rule: later requests with the same command from"
          + " the same agent are allowed without asking.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate approvals allow 6f1c2a9e            # an exec id or a unique prefix",
      "  clawgate approvals allow 6f1c2a9e --always",
      "  clawgate approvals allow plugin:0b7d2e4c --json",
      "",
      "An approval answered already (by whom, with what) or expired is refused: exit 1.",
      "Exit codes: 0 allowed, 1 refused, 2 usage, 3 gateway not running.",
      "JSON: {\"source\": \"gateway\", \"kind\": \"exec\"|\"plugin\", \"ok\": true, \"id\","
          + " \"decision\"}",
    })
final class ApprovalsAllowCommand extends OwnerCommand {
  @Parameters(index = "0", paramLabel = "<id>", description = "The approval to allow.")
  String id = "";

  @Option(
      names = "--always",
      description = "Allow always (exec: also allow the same command and agent from now on).")
  boolean always;

  @Override
  public Integer call() {
    try (ApprovalsGateway gateway = ApprovalsGateway.connect(target(), connection.timeout())) {
      ObjectNode result = gateway.resolve(id, always ? "allow-always" : "allow-once");
      if (connection.json) {
        ApprovalsGateway.printJson(out(), result);
      } else {
        String kind = result.path("kind").asString();
        String text =
            "Allowed "
                + kind
                + " approval "
                + result.path("id").asString()
                + (always ? " always." : " once.");
        if (always && kind.equals("exec")) {
          text +=
              "\nLater requests with the same command from the same agent are allowed"
                  + " without asking.";
        }
        printText(text);
      }
      return Main.OK;
    }
  }
}
