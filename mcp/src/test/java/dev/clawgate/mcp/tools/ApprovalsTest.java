package dev.clawgate.mcp.tools;

import static dev.clawgate.mcp.tools.FakePort.parse;
import static dev.clawgate.mcp.tools.GatewayJson.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.mcp.server.ToolResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ApprovalsTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private List<String> openIds() throws InterruptedException {
    return h.structured("permissions_list_open", "{}")
        .get("approvals")
        .valueStream()
        .map(a -> a.get("id").asString())
        .toList();
  }

  @Test
  void tracksRequestedApprovalsOldestFirstUntilResolved() throws Exception {
    h.emit(
        "plugin.approval.requested",
        GatewayJson.approvalRequested("plugin:2", NOW + 5, NOW + 60_000));
    h.emit("exec.approval.requested", GatewayJson.approvalRequested("exec-1", NOW, NOW + 60_000));

    ToolResult list = h.call("permissions_list_open", "{}");

    assertThat(Harness.text(list)).isEqualTo("approvals: 2");
    assertThat(list.structuredContent().orElseThrow())
        .isEqualTo(
            parse(
                """
                {"approvals":[
                  {"kind":"exec","id":"exec-1","request":{"command":"npm test","sessionKey":"agent:main:main"},
                   "createdAtMs":1700000000000,"expiresAtMs":1700000060000},
                  {"kind":"plugin","id":"plugin:2","request":{"command":"npm test","sessionKey":"agent:main:main"},
                   "createdAtMs":1700000000005,"expiresAtMs":1700000060000}]}
                """));

    h.emit("exec.approval.resolved", GatewayJson.approvalResolved("exec-1", "allow-once"));
    assertThat(openIds()).containsExactly("plugin:2");
    h.emit("plugin.approval.resolved", GatewayJson.approvalResolved("plugin:2", "deny"));
    assertThat(openIds()).isEmpty();

    assertThat(
            h.structured("events_poll", "{}")
                .get("events")
                .valueStream()
                .map(e -> e.get("type").asString()))
        .containsExactly(
            "plugin_approval_requested",
            "exec_approval_requested",
            "exec_approval_resolved",
            "plugin_approval_resolved");
    assertThat(h.structured("events_poll", "{\"limit\":1}").at("/events/0/raw"))
        .isEqualTo(GatewayJson.approvalRequested("plugin:2", NOW + 5, NOW + 60_000));
  }

  @Test
  void approvalsExpireAtTheirExpiresAtMs() throws Exception {
    h.emit("exec.approval.requested", GatewayJson.approvalRequested("exec-1", NOW, NOW + 10_000));

    h.clock.advance(Duration.ofMillis(9_999));
    assertThat(openIds()).containsExactly("exec-1");
    h.clock.advance(Duration.ofMillis(1));
    assertThat(openIds()).isEmpty();
  }

  @Test
  void approvalsWithoutExpiryLastThirtyMinutesFromWhenTheyWereSeen() throws Exception {
    ObjectNode payload = GatewayJson.approvalRequested("exec-1", NOW, 0);
    payload.remove("expiresAtMs");
    h.clock.advance(Duration.ofMinutes(3));
    h.emit("exec.approval.requested", payload);

    h.clock.advance(Duration.ofMinutes(30).minusMillis(1));
    assertThat(openIds()).containsExactly("exec-1");
    h.clock.advance(Duration.ofMillis(1));
    assertThat(openIds()).isEmpty();
  }

  @Test
  void approvalsWithoutCreationTimeSortFirstAndBlankIdsAreNotTracked() throws Exception {
    h.emit("exec.approval.requested", GatewayJson.approvalRequested("later", NOW, NOW + 60_000));
    ObjectNode undated = GatewayJson.approvalRequested(" undated ", NOW, NOW + 60_000);
    undated.remove("createdAtMs");
    undated.put("request", "not an object");
    h.emit("exec.approval.requested", undated);
    h.emit("exec.approval.requested", GatewayJson.approvalRequested("  ", NOW, NOW + 60_000));
    h.emit("exec.approval.requested", parse("[1,2]"));

    JsonNode approvals = h.structured("permissions_list_open", "{}").get("approvals");
    assertThat(approvals.valueStream().map(a -> a.get("id").asString()))
        .containsExactly("undated", "later");
    assertThat(approvals.get(0))
        .isEqualTo(parse("{\"kind\":\"exec\",\"id\":\"undated\",\"expiresAtMs\":1700000060000}"));
    assertThat(h.structured("events_poll", "{}").get("events")).hasSize(4);
    assertThat(h.structured("events_poll", "{\"after_cursor\":3}").at("/events/0/raw"))
        .isEqualTo(parse("{}"));
  }

  @Test
  void eachMapKeepsAtMostTenThousandEntriesDroppingTheOldest() {
    PendingApprovals pending = new PendingApprovals(new MutableClock(NOW));
    for (int i = 0; i <= PendingApprovals.MAX_ENTRIES; i++) {
      pending.track(
          ApprovalKind.EXEC, GatewayJson.approvalRequested("a" + i, NOW + i, NOW + 60_000));
      pending.rememberClaudePermission("p" + i);
    }
    assertThat(pending.size()).isEqualTo(2 * PendingApprovals.MAX_ENTRIES);
    assertThat(pending.listOpen().get(0).get("id").asString()).isEqualTo("a1");
    assertThat(pending.isClaudePermissionPending("p0")).isFalse();
    assertThat(pending.isClaudePermissionPending("p1")).isTrue();
  }

  @Test
  void claudePermissionsExpireAfterAnHour() {
    MutableClock clock = new MutableClock(NOW);
    PendingApprovals pending = new PendingApprovals(clock);
    pending.rememberClaudePermission("abcde");

    clock.advance(Duration.ofHours(1).minusMillis(1));
    assertThat(pending.isClaudePermissionPending("abcde")).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(pending.isClaudePermissionPending("abcde")).isFalse();
    pending.rememberClaudePermission("fghij");
    assertThat(pending.size()).isEqualTo(1);
  }

  @Test
  void permissionsRespondPassesTheDecisionToTheGateway() throws Exception {
    h.port.answer("exec.approval.resolve", "{\"ok\":true}");
    h.port.answer("plugin.approval.resolve", "{\"ok\":true}");

    ToolResult exec =
        h.call(
            "permissions_respond",
            "{\"kind\":\"exec\",\"id\":\"abc\",\"decision\":\"allow-once\"}");
    h.call(
        "permissions_respond", "{\"kind\":\"plugin\",\"id\":\"plugin:1\",\"decision\":\"deny\"}");

    assertThat(Harness.text(exec)).isEqualTo("approval resolved");
    assertThat(exec.structuredContent()).contains((ObjectNode) parse("{\"result\":{\"ok\":true}}"));
    assertThat(h.port.only("exec.approval.resolve").params())
        .isEqualTo(parse("{\"id\":\"abc\",\"decision\":\"allow-once\"}"));
    assertThat(h.port.only("plugin.approval.resolve").params())
        .isEqualTo(parse("{\"id\":\"plugin:1\",\"decision\":\"deny\"}"));
  }

  @Test
  void permissionsRespondShowsTheGatewaysRefusal() throws Exception {
    h.port.refuse("exec.approval.resolve", "unknown or expired approval id");

    ToolResult result =
        h.call("permissions_respond", "{\"kind\":\"exec\",\"id\":\"nope\",\"decision\":\"deny\"}");

    assertThat(result.isError()).isTrue();
    assertThat(Harness.text(result)).isEqualTo("unknown or expired approval id");
  }

  @Test
  void closingForgetsPendingApprovalsAndIgnoresNewOnes() throws Exception {
    h.emit("exec.approval.requested", GatewayJson.approvalRequested("exec-1", NOW, NOW + 60_000));
    h.bridge.close();
    h.bridge.onGatewayEvent(
        "exec.approval.requested", GatewayJson.approvalRequested("exec-2", NOW, NOW + 60_000));
    assertThat(openIds()).isEmpty();
  }
}
