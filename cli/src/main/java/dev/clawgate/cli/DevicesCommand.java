package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate devices}: the owner's view of pairing. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = "List paired devices and pending pairing requests.",
    subcommands = {DevicesListCommand.class})
final class DevicesCommand {}
