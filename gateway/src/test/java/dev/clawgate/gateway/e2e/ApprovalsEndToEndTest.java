package dev.clawgate.gateway.e2e;

import static dev.clawgate.gateway.e2e.ApprovalSocket.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.gateway.GatewayEvents;
import dev.clawgate.protocol.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exec and plugin approvals over real WebSockets against a real gateway and store: operators racing
 * for one request, expiry, allow-always rules, who hears the events, and precise refusals.
 */
class ApprovalsEndToEndTest {
  private static final String APPROVALS = Scope.APPROVALS.name();
  private static final String REQUESTED = GatewayEvents.EXEC_APPROVAL_REQUESTED;
  private static final String RESOLVED = GatewayEvents.EXEC_APPROVAL_RESOLVED;

  @TempDir Path temp;
  private ApprovalGateway gateway;
  private final List<ApprovalSocket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    gateway = ApprovalGateway.start(temp.resolve("gateway"));
  }

  @AfterEach
  void stop() {
    sockets.forEach(ApprovalSocket::close);
    gateway.close();
  }

  private ApprovalSocket connect(String name, String... scopes) {
    ApprovalSocket socket = ApprovalSocket.connect(gateway, name, scopes);
    sockets.add(socket);
    return socket;
  }

  private static ObjectNode execRequest(String command) {
    return params().put("command", command).put("twoPhase", true);
  }

  private static ObjectNode resolve(String id, String decision) {
    return params().put("id", id).put("decision", decision);
  }

  @Test
  void theGatewayAnnouncesEveryApprovalMethod() {
    ApprovalSocket admin = connect("owner", Scope.ADMIN.name());
    List<String> methods = new ArrayList<>();
    admin.hello().path("features").path("methods").forEach(m -> methods.add(m.asString()));
    assertThat(methods)
        .contains(
            "exec.approval.request",
            "exec.approval.resolve",
            "exec.approval.waitDecision",
            "exec.approval.list",
            "plugin.approval.request",
            "plugin.approval.resolve",
            "plugin.approval.waitDecision",
            "plugin.approval.list",
            "exec.approvals.get",
            "exec.approvals.set");
  }

  @Test
  void twoOperatorsAnsweringOneRequestAtOnceHaveExactlyOneWinner() throws Exception {
    ApprovalSocket requester = connect("agent-runner", APPROVALS);
    ApprovalSocket alice = connect("Alice", APPROVALS);
    ApprovalSocket bob = connect("Bob", APPROVALS);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int round = 0; round < 10; round++) {
        String command = "deploy " + round;
        String id =
            requester.ok("exec.approval.request", execRequest(command)).path("id").asString();
        CountDownLatch go = new CountDownLatch(1);
        Future<JsonNode> byAlice =
            threads.submit(() -> {
              go.await();
              return alice.call("exec.approval.resolve", resolve(id, "allow-once"));
            });
        Future<JsonNode> byBob =
            threads.submit(() -> {
              go.await();
              return bob.call("exec.approval.resolve", resolve(id, "deny"));
            });
        go.countDown();
        JsonNode a = byAlice.get();
        JsonNode b = byBob.get();

        assertThat(a.path("ok").asBoolean() ^ b.path("ok").asBoolean())
            .as("exactly one wins: %s / %s", a, b)
            .isTrue();
        boolean aliceWon = a.path("ok").asBoolean();
        JsonNode win = aliceWon ? a : b;
        JsonNode loss = aliceWon ? b : a;
        String winner = aliceWon ? "Alice" : "Bob";
        String decision = aliceWon ? "allow-once" : "deny";
        assertThat(win.path("payload").path("ok").asBoolean()).isTrue();
        assertThat(win.path("payload").path("decision").asString()).isEqualTo(decision);
        assertThat(loss.path("error").path("code").asString()).isEqualTo("CONFLICT");
        assertThat(loss.path("error").path("details").path("code").asString())
            .isEqualTo("APPROVAL_ALREADY_RESOLVED");
        assertThat(loss.path("error").path("message").asString())
            .contains("by " + winner)
            .contains(decision);

        JsonNode answer = requester.ok("exec.approval.waitDecision", params().put("id", id));
        assertThat(answer.path("decision").asString()).isEqualTo(decision);
        assertThat(answer.path("resolvedBy").asString()).isEqualTo(winner);
        for (ApprovalSocket operator : List.of(alice, bob)) {
          operator.sync();
          assertThat(operator.events(REQUESTED, id)).hasSize(1);
          assertThat(operator.events(RESOLVED, id))
              .singleElement()
              .satisfies(event -> {
                assertThat(event.path("decision").asString()).isEqualTo(decision);
                assertThat(event.path("resolvedBy").asString()).isEqualTo(winner);
                assertThat(event.path("ts").asLong()).isPositive();
                assertThat(event.path("request").path("command").asString()).isEqualTo(command);
              });
        }
      }
    }
  }

  @Test
  void anExpiredRequestResolvesOnceAsExpiredForEveryone() throws Exception {
    ApprovalSocket requester = connect("agent-runner", APPROVALS);
    ApprovalSocket operator = connect("Alice", APPROVALS);
    // Without twoPhase the request is answered when it is decided: here, when it expires.
    String waiting =
        requester.send(
            "exec.approval.request", params().put("command", "sleep 600").put("timeoutMs", 60_000));
    JsonNode requested = operator.awaitEvents(REQUESTED, 1);
    String id = requested.path("id").asString();
    assertThat(requested.path("expiresAtMs").asLong() - requested.path("createdAtMs").asLong())
        .isEqualTo(60_000);

    gateway.clock.advance(Duration.ofSeconds(60));
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> sweep = threads.submit(() -> gateway.approvals().sweep());
      Future<?> sweepAgain = threads.submit(() -> gateway.approvals().sweep());
      sweep.get();
      sweepAgain.get();
    }

    JsonNode answer = requester.response(waiting);
    assertThat(answer.path("payload").path("decision").asString()).isEqualTo("expired");
    assertThat(answer.path("payload").path("id").asString()).isEqualTo(id);
    JsonNode late = operator.refused("exec.approval.resolve", resolve(id, "allow-once"));
    assertThat(late.path("details").path("code").asString()).isEqualTo("APPROVAL_EXPIRED");
    operator.sync();
    assertThat(operator.events(RESOLVED, id))
        .singleElement()
        .satisfies(event -> {
          assertThat(event.path("decision").asString()).isEqualTo("expired");
          assertThat(event.path("resolvedBy").asString()).isEqualTo("gateway:ttl");
        });
    assertThat(operator.ok("exec.approval.list", params())).isEmpty();
  }

  @Test
  void allowAlwaysAnswersTheNextIdenticalRequestWithoutAskingAnyone() {
    ApprovalSocket requester = connect("agent-runner", APPROVALS);
    ApprovalSocket operator = connect("Alice", APPROVALS);
    ApprovalSocket owner = connect("owner", Scope.ADMIN.name());
    ObjectNode ask = execRequest("npm test").put("agentId", "main");
    String first = requester.ok("exec.approval.request", ask).path("id").asString();
    operator.ok("exec.approval.resolve", resolve(first, "allow-always"));
    JsonNode rules = owner.ok("exec.approvals.get", params()).path("rules");
    assertThat(rules).hasSize(1);
    String ruleId = rules.get(0).path("id").asString();
    assertThat(rules.get(0).path("command").asString()).isEqualTo("npm test");
    assertThat(rules.get(0).path("agentId").asString()).isEqualTo("main");
    assertThat(rules.get(0).path("createdBy").asString()).isEqualTo("Alice");

    JsonNode second = requester.ok("exec.approval.request", ask);

    assertThat(second.path("status").asString()).isEqualTo("resolved");
    assertThat(second.path("decision").asString()).isEqualTo("allow-always");
    assertThat(second.path("resolvedBy").asString()).isEqualTo("rule:" + ruleId);
    String secondId = second.path("id").asString();
    // Another agent asking the same is asked about.
    JsonNode other =
        requester.ok("exec.approval.request", execRequest("npm test").put("agentId", "other"));
    assertThat(other.path("status").asString()).isEqualTo("accepted");
    operator.sync();
    assertThat(operator.events(REQUESTED, secondId)).isEmpty();
    assertThat(operator.events(RESOLVED, secondId))
        .singleElement()
        .satisfies(e -> assertThat(e.path("decision").asString()).isEqualTo("allow-always"));
    assertThat(operator.events(REQUESTED, other.path("id").asString())).hasSize(1);
    // The rules are the owner's: an approvals-only connection may not read or change them.
    JsonNode forbidden = operator.refused("exec.approvals.get", params());
    assertThat(forbidden.path("details").path("code").asString()).isEqualTo("MISSING_SCOPE");
  }

  @Test
  void approvalEventsReachOnlyConnectionsHoldingApprovalsOrAdmin() {
    ApprovalSocket requester = connect("agent-runner", APPROVALS);
    ApprovalSocket approver = connect("Alice", APPROVALS);
    ApprovalSocket admin = connect("owner", Scope.ADMIN.name());
    ApprovalSocket reader = connect("dashboard", Scope.READ.name());
    ApprovalSocket writer = connect("chat bot", Scope.WRITE.name(), Scope.PAIRING.name());

    String exec = requester.ok("exec.approval.request", execRequest("ls")).path("id").asString();
    approver.ok("exec.approval.resolve", resolve(exec, "deny"));
    JsonNode plugin =
        requester.ok(
            "plugin.approval.request",
            params()
                .put("title", "Post to channel")
                .put("description", "The notifier wants to post the build status")
                .put("severity", "info")
                .put("twoPhase", true));
    admin.ok("plugin.approval.resolve", resolve(plugin.path("id").asString(), "allow-once"));

    List<String> expected =
        List.of(
            REQUESTED,
            RESOLVED,
            GatewayEvents.PLUGIN_APPROVAL_REQUESTED,
            GatewayEvents.PLUGIN_APPROVAL_RESOLVED);
    for (ApprovalSocket hearing : List.of(approver, admin, requester)) {
      hearing.sync();
      assertThat(hearing.approvalEvents()).containsExactlyElementsOf(expected);
    }
    for (ApprovalSocket deaf : List.of(reader, writer)) {
      deaf.sync();
      assertThat(deaf.approvalEvents()).isEmpty();
    }
    JsonNode refused = reader.refused("plugin.approval.list", params());
    assertThat(refused.path("code").asString()).isEqualTo("FORBIDDEN");
    assertThat(refused.path("details").path("code").asString()).isEqualTo("MISSING_SCOPE");
  }

  @Test
  void badInputIsRefusedPreciselyAndChangesNothing() {
    ApprovalSocket requester = connect("agent-runner", APPROVALS);
    ApprovalSocket operator = connect("Alice", APPROVALS);
    requester.ok("exec.approval.request", execRequest("ls").put("id", "cafe-0001"));
    requester.ok("exec.approval.request", execRequest("ls").put("id", "cafe-0002"));
    String plugin =
        requester
            .ok(
                "plugin.approval.request",
                params()
                    .put("title", "Delete")
                    .put("description", "Delete ./build")
                    .put("severity", "critical")
                    .put("twoPhase", true)
                    .set("allowedDecisions", params().arrayNode().add("deny")))
            .path("id")
            .asString();
    operator.sync();
    ApprovalGateway.Contents before = gateway.contents();
    int eventsBefore = operator.approvalEvents().size();

    assertDetail(
        operator.refused("exec.approval.resolve", resolve("no-such-approval", "deny")),
        "NOT_FOUND",
        "APPROVAL_NOT_FOUND");
    assertDetail(
        operator.refused("exec.approval.resolve", resolve("cafe-0001", "approve")),
        "INVALID_REQUEST",
        "APPROVAL_DECISION_INVALID");
    JsonNode ambiguous = operator.refused("exec.approval.resolve", resolve("cafe", "deny"));
    assertDetail(ambiguous, "INVALID_REQUEST", "APPROVAL_ID_AMBIGUOUS");
    assertThat(ambiguous.path("details").path("matches").toString())
        .isEqualTo("[\"cafe-0001\",\"cafe-0002\"]");
    assertDetail(
        operator.refused("plugin.approval.resolve", resolve(plugin, "allow-once")),
        "INVALID_REQUEST",
        "APPROVAL_DECISION_NOT_ALLOWED");
    assertDetail(
        requester.refused("exec.approval.request", execRequest("ls").put("id", "cafe-0001")),
        "CONFLICT",
        "APPROVAL_ID_IN_USE");
    JsonNode unknownField =
        operator.refused("exec.approval.resolve", resolve("cafe-0001", "deny").put("by", "x"));
    assertDetail(unknownField, "INVALID_REQUEST", "INVALID_PARAMS");
    assertThat(unknownField.path("details").path("field").asString()).isEqualTo("params.by");
    JsonNode longTitle =
        requester.refused(
            "plugin.approval.request",
            params().put("title", "t".repeat(81)).put("description", "d").put("severity", "info"));
    assertThat(longTitle.path("details").path("field").asString()).isEqualTo("params.title");
    JsonNode badSeverity =
        requester.refused(
            "plugin.approval.request",
            params().put("title", "t").put("description", "d").put("severity", "loud"));
    assertThat(badSeverity.path("details").path("field").asString()).isEqualTo("params.severity");

    operator.sync();
    assertThat(operator.approvalEvents()).hasSize(eventsBefore);
    assertThat(gateway.contents()).isEqualTo(before);
  }

  @Test
  void listShowsPendingRequestsWithWhatTheyAsk() {
    ApprovalSocket requester = connect("agent-runner", APPROVALS);
    ApprovalSocket operator = connect("Alice", APPROVALS);
    String kept =
        requester
            .ok(
                "exec.approval.request",
                execRequest("rm -rf ./build")
                    .put("agentId", "main")
                    .put("cwd", "/srv/app")
                    .set("env", params().put("AWS_SECRET_ACCESS_KEY", "hunter2")))
            .path("id")
            .asString();
    String done = requester.ok("exec.approval.request", execRequest("ls")).path("id").asString();
    operator.ok("exec.approval.resolve", resolve(done, "allow-once"));

    JsonNode pending = operator.ok("exec.approval.list", params());
    assertThat(pending).hasSize(1);
    JsonNode entry = pending.get(0);
    assertThat(entry.path("id").asString()).isEqualTo(kept);
    assertThat(entry.path("state").asString()).isEqualTo("pending");
    assertThat(entry.path("request").path("command").asString()).isEqualTo("rm -rf ./build");
    assertThat(entry.path("request").path("cwd").asString()).isEqualTo("/srv/app");
    // Only the names of the environment reach operators, never the values.
    assertThat(entry.path("request").path("envKeys").toString())
        .isEqualTo("[\"AWS_SECRET_ACCESS_KEY\"]");
    assertThat(entry.toString()).doesNotContain("hunter2");
    JsonNode all = operator.ok("exec.approval.list", params().put("includeResolved", true));
    assertThat(all).hasSize(2);
    assertThat(all.get(1).path("decision").asString()).isEqualTo("allow-once");
    assertThat(all.get(1).path("resolvedBy").asString()).isEqualTo("Alice");
  }

  private static void assertDetail(JsonNode error, String code, String detail) {
    assertThat(error.path("code").asString()).as(error.toString()).isEqualTo(code);
    assertThat(error.path("details").path("code").asString())
        .as(error.toString())
        .isEqualTo(detail);
  }
}
