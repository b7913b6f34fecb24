package dev.clawgate.core.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.node.ObjectNode;

/**
 * An approval service over a real SQLite file with a hand-moved clock, as the gateway runs it.
 * {@link #restart()} closes the store and opens the same file again, like a gateway restart.
 */
final class ApprovalFixture implements AutoCloseable {
  final Path file;
  final MutableClock clock = MutableClock.create();
  final Recorder events = new Recorder();
  private StateStore store;
  private ApprovalService service;

  private ApprovalFixture(Path dir) {
    this.file = dir.resolve("state.db");
    this.store = StateStore.open(file);
    this.service = ApprovalService.create(store, clock, events);
  }

  static ApprovalFixture open(Path dir) {
    return new ApprovalFixture(dir);
  }

  ApprovalService service() {
    return service;
  }

  StateStore store() {
    return store;
  }

  /** Closes the store and opens the same file with a new service, like a gateway restart. */
  void restart() {
    store.close();
    store = StateStore.open(file);
    service = ApprovalService.create(store, clock, events);
  }

  @Override
  public void close() {
    store.close();
  }

  // ---- requests --------------------------------------------------------------------------------

  /** An exec request with a server id and the default timeout. */
  Approval exec(String command, Optional<String> agentId) {
    return submitExec(Optional.empty(), command, agentId, Optional.empty()).approval();
  }

  ApprovalService.Submitted submitExec(
      Optional<String> id, String command, Optional<String> agentId, Optional<Duration> timeout) {
    ObjectNode details = Json.mapper().createObjectNode().put("cwd", "/srv/app");
    details.putArray("commandArgv").add("sh").add("-c").add(command);
    return service.requestExec(
        new ExecRequest(id, command, agentId, details, timeout, requester()));
  }

  /** A plugin request allowing {@code allowed}, with the default timeout. */
  Approval plugin(Set<Decision> allowed) {
    return plugin(allowed, Optional.empty());
  }

  Approval plugin(Set<Decision> allowed, Optional<Duration> timeout) {
    ObjectNode details = Json.mapper().createObjectNode().put("toolName", "fs.delete");
    return service
        .requestPlugin(
            new PluginRequest(
                "Delete build output",
                "The cleanup plugin wants to delete ./build",
                Severity.WARNING,
                allowed,
                details,
                timeout,
                requester()))
        .approval();
  }

  Approval plugin() {
    return plugin(EnumSet.allOf(Decision.class));
  }

  static Requester requester() {
    return new Requester(Optional.of("conn-agent"), Optional.empty(), Optional.of("agent-runner"));
  }

  static Operator operator(String name) {
    return new Operator(name, "conn:" + name, Optional.empty(), "127.0.0.1");
  }

  // ---- refusals --------------------------------------------------------------------------------

  /** Runs {@code call}, which must fail with {@code code}; returns the failure. */
  static ClawgateException refused(DetailCode code, ThrowingCallable call) {
    ClawgateException error = catchThrowableOfType(ClawgateException.class, call);
    assertThat(error).as("must be refused with %s", code).isNotNull();
    assertThat(error.detail()).as(error.getMessage()).isEqualTo(code);
    return error;
  }

  // ---- reading the database --------------------------------------------------------------------

  /** Every approval row and rule row, and the audit log size, as stored. */
  record Contents(List<String> approvals, List<String> rules, long auditEntries) {}

  Contents contents() {
    return store.read(tx ->
        new Contents(
            tx.list(
                "SELECT id || '|' || state || '|' || ifnull(decision, '-') || '|'"
                    + " || ifnull(resolved_by, '-') FROM approvals ORDER BY id",
                rs -> rs.getString(1)),
            tx.list(
                "SELECT id || '|' || command || '|' || ifnull(agent_id, '-') || '|' || use_count"
                    + " FROM exec_allow_rules ORDER BY id",
                rs -> rs.getString(1)),
            tx.scalar("SELECT COUNT(*) FROM audit_log")));
  }

  /** Audit entries whose action starts with {@code prefix}, oldest first. */
  List<AuditEntry> audit(String prefix) {
    return AuditLog.list(
            store,
            new AuditLog.Filter(Optional.empty(), Optional.of(prefix), Optional.empty(), 10_000))
        .reversed();
  }

  /** What the listener heard, in order. */
  static final class Recorder implements ApprovalListener {
    final List<Approval> requested = new CopyOnWriteArrayList<>();
    final List<Approval> resolved = new CopyOnWriteArrayList<>();

    @Override
    public void requested(Approval approval) {
      requested.add(approval);
    }

    @Override
    public void resolved(Approval approval) {
      resolved.add(approval);
    }

    List<Approval> resolvedOf(String id) {
      return resolved.stream().filter(a -> a.id().equals(id)).toList();
    }

    List<Approval> requestedOf(String id) {
      return requested.stream().filter(a -> a.id().equals(id)).toList();
    }
  }
}
