package dev.clawgate.gateway.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.approvals.ApprovalListener;
import dev.clawgate.core.approvals.ApprovalService;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The params and result shapes of the approval methods, through {@link
 * ApprovalMethods#invokeDirect} on a real store: what is kept of a request, and refusals that name
 * the field.
 */
class ApprovalMethodsTest {
  @TempDir Path dir;
  private StateStore store;
  private ApprovalService service;

  @BeforeEach
  void open() {
    store = StateStore.open(dir.resolve("state.db"));
    service = ApprovalService.create(store, MutableClock.create(), ApprovalListener.none());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private JsonNode call(String method, JsonNode params) {
    return ApprovalMethods.invokeDirect(service, method, Optional.of(params), "owner:test");
  }

  private ClawgateException refused(String method, JsonNode params) {
    ClawgateException error =
        catchThrowableOfType(ClawgateException.class, () -> call(method, params));
    assertThat(error).as("%s %s must be refused", method, params).isNotNull();
    return error;
  }

  private static ObjectNode params() {
    return Json.mapper().createObjectNode();
  }

  private static JsonNode json(String text) {
    return Json.mapper().readTree(text);
  }

  @Test
  void anExecRequestKeepsWhatOperatorsNeedAndOnlyTheNamesOfItsEnvironment() {
    JsonNode accepted =
        call(
            "exec.approval.request",
            json(
                """
                {"command": "sh -c ''", "commandArgv": ["sh", "-c", ""], "cwd": "/srv",
                 "agentId": "main", "sessionKey": "agent:main:main", "host": "gateway",
                 "env": {"TOKEN": "s3cret", "HOME": "/root"}, "envKeys": ["PATH"],
                 "turnSourceChannel": "telegram", "turnSourceThreadId": 42,
                 "systemRunPlan": {"argv": ["sh"]}, "twoPhase": true}
                """));

    assertThat(accepted.path("status").asString()).isEqualTo("accepted");
    assertThat(accepted.has("decision")).isFalse();
    assertThat(accepted.path("expiresAtMs").asLong() - accepted.path("createdAtMs").asLong())
        .isEqualTo(ApprovalService.EXEC_DEFAULT_TIMEOUT.toMillis());
    JsonNode request = call("exec.approval.list", params()).get(0).path("request");
    assertThat(request.path("command").asString()).isEqualTo("sh -c ''");
    assertThat(request.path("commandArgv").toString()).isEqualTo("[\"sh\",\"-c\",\"\"]");
    assertThat(request.path("envKeys").toString()).isEqualTo("[\"HOME\",\"PATH\",\"TOKEN\"]");
    assertThat(request.path("turnSourceThreadId").asLong()).isEqualTo(42);
    assertThat(request.path("systemRunPlan").path("argv").get(0).asString()).isEqualTo("sh");
    assertThat(request.toString()).doesNotContain("s3cret");
    assertThat(request.has("twoPhase")).isFalse();
  }

  @Test
  void aPluginRequestGetsAPluginIdAndItsDecisions() {
    JsonNode accepted =
        call(
            "plugin.approval.request",
            json(
                """
                {"title": "Send mail", "description": "Mail the report", "severity": "warning",
                 "pluginId": "mailer", "toolName": "mail.send",
                 "allowedDecisions": ["deny", "allow-once", "deny"], "timeoutMs": 99999999,
                 "twoPhase": true}
                """));

    assertThat(accepted.path("id").asString()).startsWith("plugin:");
    assertThat(accepted.path("expiresAtMs").asLong() - accepted.path("createdAtMs").asLong())
        .isEqualTo(ApprovalService.PLUGIN_MAX_TIMEOUT.toMillis());
    JsonNode request = call("plugin.approval.list", params()).get(0).path("request");
    assertThat(request.path("allowedDecisions").toString()).isEqualTo("[\"allow-once\",\"deny\"]");
    assertThat(request.path("pluginId").asString()).isEqualTo("mailer");
  }

  @Test
  void aPluginRequestWithoutASeverityIsAWarning() {
    call(
        "plugin.approval.request",
        json(
            """
            {"title": "Delete branch", "description": "Remove a merged branch", "twoPhase": true}
            """));

    JsonNode listed = call("plugin.approval.list", params());
    assertThat(listed.isArray()).isTrue();
    assertThat(listed.get(0).path("approvalKind").asString()).isEqualTo("plugin");
    assertThat(listed.get(0).path("request").path("severity").asString()).isEqualTo("warning");
  }

  @Test
  void refusalsNameTheField() {
    record Case(String method, String params, String field) {}
    var cases =
        java.util.List.of(
            new Case("exec.approval.request", "{}", "params.command"),
            new Case(
                "exec.approval.request", "{\"command\": \"ls\", \"bogus\": 1}", "params.bogus"),
            new Case(
                "exec.approval.request",
                "{\"command\": \"ls\", \"timeoutMs\": 0}",
                "params.timeoutMs"),
            new Case(
                "exec.approval.request",
                "{\"command\": \"ls\", \"env\": {\"A\": 1}}",
                "params.env.A"),
            new Case(
                "exec.approval.request",
                "{\"command\": \"ls\", \"commandArgv\": [1]}",
                "params.commandArgv[0]"),
            new Case(
                "exec.approval.request",
                "{\"command\": \"ls\", \"id\": \"plugin:x\"}",
                "params.id"),
            new Case(
                "plugin.approval.request",
                "{\"title\": \"t\", \"description\": \"d\", \"severity\": \"info\","
                    + " \"allowedDecisions\": []}",
                "params.allowedDecisions"),
            new Case(
                "plugin.approval.request",
                "{\"title\": \"t\", \"description\": \"d\", \"severity\": \"info\","
                    + " \"allowedDecisions\": [\"allow-once\", \"maybe\"]}",
                "params.allowedDecisions[1]"),
            new Case(
                "plugin.approval.request",
                "{\"title\": \"t\", \"description\": \""
                    + "d".repeat(513)
                    + "\", \"severity\": \"info\"}",
                "params.description"),
            new Case("exec.approval.resolve", "{\"id\": \"x\"}", "params.decision"),
            new Case("exec.approvals.set", "{}", "params"),
            new Case("exec.approvals.set", "{\"rules\": [], \"add\": []}", "params.rules"),
            new Case(
                "exec.approvals.set",
                "{\"rules\": [{\"agentId\": \"a\"}]}",
                "params.rules[0].command"),
            new Case("exec.approvals.set", "{\"remove\": [\"nope\"]}", "params.remove[0]"));
    for (Case c : cases) {
      ClawgateException error = refused(c.method(), json(c.params()));
      assertThat(error.detail())
          .as("%s %s: %s", c.method(), c.params(), error.getMessage())
          .isEqualTo(DetailCode.INVALID_PARAMS);
      assertThat(error.details().get("field")).as(c.params()).isEqualTo(c.field());
    }
    assertThat(call("exec.approval.list", params())).isEmpty();
    assertThat(call("exec.approvals.get", params()).path("rules")).isEmpty();
  }

  @Test
  void rulesAreAddedRemovedAndReplaced() {
    JsonNode added =
        call(
            "exec.approvals.set",
            json(
                "{\"add\": [{\"command\": \"make\"}, {\"command\": \"make\", \"agentId\": \"ci\"}]}"));
    assertThat(added.path("added")).hasSize(2);
    assertThat(added.path("rules")).hasSize(2);
    String make = added.path("rules").get(0).path("id").asString();
    assertThat(added.path("rules").get(0).path("createdBy").asString()).isEqualTo("owner:test");

    JsonNode removed = call("exec.approvals.set", json("{\"remove\": [\"" + make + "\"]}"));
    assertThat(removed.path("removed").get(0).path("id").asString()).isEqualTo(make);
    assertThat(removed.path("rules")).hasSize(1);

    JsonNode replaced =
        call(
            "exec.approvals.set", json("{\"rules\": [{\"command\": \"ls\", \"agentId\": \"a\"}]}"));
    assertThat(replaced.path("rules")).hasSize(1);
    assertThat(replaced.path("rules").get(0).path("command").asString()).isEqualTo("ls");
    assertThat(replaced.path("removed")).hasSize(1);
    assertThat(call("exec.approvals.set", json("{\"rules\": []}")).path("rules")).isEmpty();
  }

  @Test
  void resolveAndWaitDecisionAnswerWithTheDecision() {
    String id =
        call("exec.approval.request", json("{\"command\": \"ls\", \"twoPhase\": true}"))
            .path("id")
            .asString();
    JsonNode undecided =
        call("exec.approval.waitDecision", json("{\"id\": \"" + id + "\", \"timeoutMs\": 0}"));
    assertThat(undecided.path("decision").isNull()).isTrue();

    JsonNode resolved =
        call(
            "exec.approval.resolve",
            json("{\"id\": \"" + id.substring(0, 6) + "\", \"decision\": \"deny\"}"));

    assertThat(resolved.toString())
        .isEqualTo("{\"ok\":true,\"id\":\"" + id + "\",\"decision\":\"deny\"}");
    JsonNode decided = call("exec.approval.waitDecision", json("{\"id\": \"" + id + "\"}"));
    assertThat(decided.path("decision").asString()).isEqualTo("deny");
    assertThat(decided.path("resolvedBy").asString()).isEqualTo("owner:test");
    assertThat(decided.path("ts").asLong()).isPositive();
    ClawgateException unknown = refused("exec.approval.request.nope", params());
    assertThat(unknown.detail()).isEqualTo(DetailCode.UNKNOWN_METHOD);
  }
}
