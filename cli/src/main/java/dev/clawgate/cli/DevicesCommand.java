package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate devices}: the owner's view of pairing. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Paired devices and pairing requests: list them, approve or reject requests, remove,"
          + " rename, rotate or revoke devices, and read the audit history.",
      "Owner commands on the gateway's machine authenticate with the shared secret alone, so the"
          + " approver never needs approval itself.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices list",
      "  clawgate devices approve 6f1c2a9e",
      "  clawgate devices history --since 1d",
    },
    subcommands = {
      DevicesListCommand.class,
      DevicesApproveCommand.class,
      DevicesRejectCommand.class,
      DevicesRemoveCommand.class,
      DevicesRenameCommand.class,
      DevicesRotateCommand.class,
      DevicesRevokeCommand.class,
      DevicesHistoryCommand.class
    })
final class DevicesCommand {}
