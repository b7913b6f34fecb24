package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate sessions}: the conversations the gateway holds, and replies to them. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    description = {
      "Conversations: list the sessions the gateway holds, show one with its transcript, and"
          + " reply on the route it came in on (its channel and peer).",
      "These commands need a running gateway; they never read the state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate sessions list --search invoice",
      "  clawgate sessions show agent:main:telegram:dm:12345",
      "  clawgate sessions send agent:main:telegram:dm:12345 \"on my way\"",
    },
    subcommands = {SessionsListCommand.class, SessionsShowCommand.class, SessionsSendCommand.class})
final class SessionsCommand {}
