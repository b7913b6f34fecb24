package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate approvals}: the owner's view of exec and plugin approvals. */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    description = {
      "Exec and plugin approvals waiting for an operator: list them, allow or deny one.",
      "Approvals live in the running gateway, where their requesters wait; these commands need"
          + " it running (exit 3 otherwise).",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate approvals list",
      "  clawgate approvals allow 6f1c2a9e --always",
      "  clawgate approvals deny plugin:0b7d2e4c",
    },
    subcommands = {
      ApprovalsListCommand.class,
      ApprovalsAllowCommand.class,
      ApprovalsDenyCommand.class
    })
final class ApprovalsCommand {}
