package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate tokens}: static scoped bearer tokens for {@code /mcp} and {@code /metrics}. */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = {
      "Static bearer tokens for HTTP clients configured by a header or an environment variable"
          + " (MCP clients at /mcp, Prometheus at /metrics): create, list and revoke them.",
      "Each token is a paired device of kind token (see `clawgate devices list`); the gateway"
          + " keeps only its hash. When the local gateway is not running, these commands use its"
          + " state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate tokens create --name codex --scope read --scope write",
      "  clawgate tokens create --name prometheus --scope operator.read --expires-in 90d",
      "  clawgate tokens list",
      "  clawgate tokens revoke codex",
    },
    subcommands = {TokensCreateCommand.class, TokensListCommand.class, TokensRevokeCommand.class})
final class TokensCommand {}
