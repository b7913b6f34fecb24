package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate channels}: the messaging channel accounts the gateway runs. */
@Command(
    name = "channels",
    mixinStandardHelpOptions = true,
    description = {
      "The messaging channel accounts the gateway runs (configured under \"channels\" in"
          + " clawgate.json): whether each is running and connected, its last traffic and error.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate channels status",
      "  clawgate channels status --json | jq '.channels[] | select(.lastError)'",
    },
    subcommands = {ChannelsStatusCommand.class})
final class ChannelsCommand {}
