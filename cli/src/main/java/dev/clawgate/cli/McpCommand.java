package dev.clawgate.cli;

import picocli.CommandLine.Command;

/** {@code clawgate mcp}: the gateway as an MCP server. */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "The gateway's conversations and approvals as MCP tools, for MCP clients such as Claude"
          + " Code, Claude Desktop, Codex and Cursor.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate mcp serve --help",
      "  claude mcp add clawgate -- clawgate mcp serve",
    },
    subcommands = {McpServeCommand.class})
final class McpCommand {}
