package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate gateway ...}: run and manage the gateway. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run and manage the gateway.",
    subcommands = {GatewayRunCommand.class})
final class GatewayCommand {}
