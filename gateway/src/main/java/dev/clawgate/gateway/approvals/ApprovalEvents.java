package dev.clawgate.gateway.approvals;

import dev.clawgate.core.approvals.Approval;
import dev.clawgate.core.approvals.ApprovalKind;
import dev.clawgate.core.approvals.ApprovalListener;
import dev.clawgate.gateway.EventBus;
import dev.clawgate.gateway.GatewayEvents;
import dev.clawgate.protocol.Scope;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Broadcasts {@code exec|plugin.approval.requested} and {@code .resolved} to the connections
 * holding {@code operator.approvals} (or admin), after the change committed.
 *
 * <p>The approval service needs its listener before the server that carries the events exists, so
 * this listener may start {@link #detached()} and drop what it hears (no connection exists to tell)
 * until {@link #attach} gives it the server's bus.
 */
public final class ApprovalEvents implements ApprovalListener {
  private volatile @Nullable EventBus bus;

  private ApprovalEvents(@Nullable EventBus bus) {
    this.bus = bus;
  }

  /** A listener that drops every event until {@link #attach} is called. */
  public static ApprovalEvents detached() {
    return new ApprovalEvents(null);
  }

  /** A listener broadcasting on {@code bus} from the start. */
  public static ApprovalEvents on(EventBus bus) {
    return new ApprovalEvents(Objects.requireNonNull(bus, "null bus"));
  }

  /** Starts broadcasting on {@code bus}. */
  public void attach(EventBus bus) {
    this.bus = Objects.requireNonNull(bus, "null bus");
  }

  @Override
  public void requested(Approval approval) {
    EventBus current = bus;
    if (current != null) {
      String event =
          approval.kind() == ApprovalKind.EXEC
              ? GatewayEvents.EXEC_APPROVAL_REQUESTED
              : GatewayEvents.PLUGIN_APPROVAL_REQUESTED;
      current.broadcast(event, ApprovalJson.requested(approval), Optional.of(Scope.APPROVALS));
    }
  }

  @Override
  public void resolved(Approval approval) {
    EventBus current = bus;
    if (current != null) {
      String event =
          approval.kind() == ApprovalKind.EXEC
              ? GatewayEvents.EXEC_APPROVAL_RESOLVED
              : GatewayEvents.PLUGIN_APPROVAL_RESOLVED;
      current.broadcast(event, ApprovalJson.resolved(approval), Optional.of(Scope.APPROVALS));
    }
  }
}
