package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate gateway ...}: run and manage the gateway. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run and manage the gateway of this machine.",
    footer = {
      "",
      "Examples:",
      "  clawgate gateway run",
      "  clawgate gateway status",
      "  clawgate gateway stop",
      "  clawgate gateway token",
      "  clawgate gateway install --dry-run",
    },
    subcommands = {
      GatewayRunCommand.class,
      GatewayStatusCommand.class,
      GatewayStopCommand.class,
      GatewayTokenCommand.class,
      GatewayInstallCommand.class,
      GatewayUninstallCommand.class
    })
final class GatewayCommand {}
