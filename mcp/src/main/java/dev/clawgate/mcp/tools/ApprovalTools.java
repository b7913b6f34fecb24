package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.ToolSchema.object;
import static dev.clawgate.mcp.tools.ToolSchema.requiredEnum;
import static dev.clawgate.mcp.tools.ToolSchema.requiredText;

import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolFailure;
import dev.clawgate.mcp.server.ToolResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code permissions_list_open} (local: the approvals this bridge saw requested and not resolved)
 * and {@code permissions_respond} (straight to {@code exec|plugin.approval.resolve}; the local list
 * changes only when the gateway's {@code *.resolved} event arrives). Reference §2.8, §2.9.
 */
final class ApprovalTools {
  private final ReadyPort gateway;
  private final PendingApprovals pending;

  ApprovalTools(ReadyPort gateway, PendingApprovals pending) {
    this.gateway = gateway;
    this.pending = pending;
  }

  Tool listOpen() {
    return FunctionTool.of(
        "permissions_list_open",
        "List open OpenClaw exec or plugin approval requests visible through the Gateway.",
        object(),
        args -> {
          ArrayNode approvals = pending.listOpen();
          ObjectNode structured = JsonValues.object();
          structured.set("approvals", approvals);
          return ToolResult.of(ResultText.count("approvals", approvals.size()), structured);
        });
  }

  Tool respond() {
    return FunctionTool.of(
        "permissions_respond",
        "Allow or deny one pending OpenClaw exec or plugin approval request.",
        object(
            requiredEnum("kind", "exec", "plugin"),
            requiredText("id"),
            requiredEnum("decision", "allow-once", "allow-always", "deny")),
        args -> {
          ApprovalKind kind =
              switch (Args.string(args, "kind")) {
                case "exec" -> ApprovalKind.EXEC;
                case "plugin" -> ApprovalKind.PLUGIN;
                default -> throw new ToolFailure("kind must be exec or plugin");
              };
          ObjectNode params = JsonValues.object();
          params.put("id", Args.string(args, "id"));
          params.put("decision", Args.string(args, "decision"));
          JsonNode result = gateway.call(port -> port.resolveApproval(kind, params));
          ObjectNode structured = JsonValues.object();
          structured.set("result", result);
          return ToolResult.of("approval resolved", structured);
        });
  }
}
