package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The human table of {@code clawgate approvals list}: what an operator needs, in 80 columns. */
class ApprovalsListRenderTest {
  private static final long NOW = 1_780_000_000_000L;

  private static JsonNode json(String text) {
    return Json.mapper().readTree(text);
  }

  @Test
  void pendingApprovalsFitEightyColumnsWithTheirCommandOrTitle() {
    JsonNode exec =
        json(
            """
            [{"id": "6f1c2a9e-5b1d-4c3e-9f00-1234567890ab", "kind": "exec", "state": "pending",
              "createdAtMs": %d, "expiresAtMs": %d,
              "request": {"command": "find / -name '*.log'\\n  -delete && %s",
                          "agentId": "a-very-long-agent-name-that-goes-on"}}]
            """
                .formatted(NOW - 60_000, NOW + 1_740_000, "x".repeat(120)));
    JsonNode plugin =
        json(
            """
            [{"id": "plugin:0b7d2e4c-1111-2222-3333-444455556666", "kind": "plugin",
              "state": "pending", "createdAtMs": %d, "expiresAtMs": %d,
              "request": {"title": "Post the release notes", "severity": "critical"}}]
            """
                .formatted(NOW, NOW + 120_000));

    String text = ApprovalsListCommand.render(exec, plugin, NOW, false);

    assertThat(text)
        .contains("Pending exec approvals (1)")
        .contains("6f1c2a9e ")
        .contains("a-very-long-age…")
        .contains("in 29m")
        .contains("find / -name '*.log' -delete")
        .contains("Pending plugin approvals (1)")
        .contains("plugin:0b7d2e4c")
        .contains("critical")
        .contains("Post the release notes")
        .doesNotContain("Resolved");
    assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    assertThat(ApprovalsListCommand.render(exec, plugin, NOW, true))
        .contains("6f1c2a9e-5b1d-4c3e-9f00-1234567890ab")
        .contains("x".repeat(120));
  }

  @Test
  void nothingPendingSaysSoAndResolvedOnesShowWhoDecided() {
    JsonNode exec =
        json(
            """
            [{"id": "6f1c2a9e-5b1d", "kind": "exec", "state": "resolved", "decision": "deny",
              "resolvedBy": "Ops dashboard", "resolvedAtMs": %d, "createdAtMs": 0,
              "expiresAtMs": 0, "request": {"command": "ls"}}]
            """
                .formatted(NOW - 3_600_000));

    String text = ApprovalsListCommand.render(exec, json("[]"), NOW, false);

    assertThat(text)
        .startsWith("No pending approvals.")
        .contains("Resolved in the last 24 hours (1)")
        .contains("deny")
        .contains("1h ago")
        .contains("Ops dashboard")
        .doesNotContain("Allow with");
  }
}
