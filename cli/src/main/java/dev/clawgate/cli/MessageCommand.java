package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate message}: messages to a channel peer, with or without a session. */
@Command(
    name = "message",
    mixinStandardHelpOptions = true,
    description = {
      "Send a message through one of the gateway's channels to a peer you name.",
      "To reply in a conversation the gateway already holds, `clawgate sessions send` finds the"
          + " route for you.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate message send --channel telegram --to 12345 \"build is green\"",
    },
    subcommands = {MessageSendCommand.class})
final class MessageCommand {}
