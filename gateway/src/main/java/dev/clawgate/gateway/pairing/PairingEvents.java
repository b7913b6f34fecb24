package dev.clawgate.gateway.pairing;

import dev.clawgate.core.pairing.PairedDevice;
import dev.clawgate.core.pairing.PairingListener;
import dev.clawgate.core.pairing.PairingRequest;
import dev.clawgate.gateway.EventBus;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Broadcasts {@code device.pair.requested} and {@code device.pair.resolved} to the connections
 * holding {@code operator.pairing}.
 *
 * <p>The pairing service needs its listener before the server that carries the events exists, so
 * this listener starts detached and drops what it hears (there is no connection to tell) until
 * {@link #attach} gives it the server's bus and a way to look devices up.
 */
public final class PairingEvents implements PairingListener {
  private record Target(EventBus bus, Function<String, Optional<PairedDevice>> devices) {}

  private volatile @Nullable Target target;

  /** A listener that drops every event until {@link #attach} is called. */
  public static PairingEvents detached() {
    return new PairingEvents();
  }

  private PairingEvents() {}

  /**
   * Starts broadcasting on {@code bus}. A requested event shows what the device already holds,
   * looked up with {@code devices} (by device id).
   */
  public void attach(EventBus bus, Function<String, Optional<PairedDevice>> devices) {
    target =
        new Target(
            Objects.requireNonNull(bus, "null bus"),
            Objects.requireNonNull(devices, "null devices"));
  }

  @Override
  public void requested(PairingRequest request) {
    Target current = target;
    if (current == null) {
      return;
    }
    // A scope or role upgrade must show the owner what the device is approved for already, as
    // device.pair.list does, not an empty list.
    current
        .bus()
        .broadcast(
            "device.pair.requested",
            PairingJson.request(request, current.devices().apply(request.deviceId())),
            Optional.of(Scope.PAIRING));
  }

  @Override
  public void resolved(PairingRequest request) {
    Target current = target;
    if (current == null) {
      return;
    }
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("requestId", request.requestId());
    payload.put("deviceId", request.deviceId());
    payload.put("decision", request.state().wireName());
    payload.put("revision", request.revision());
    request.resolvedAtMs().ifPresent(ts -> payload.put("ts", ts));
    current.bus().broadcast("device.pair.resolved", payload, Optional.of(Scope.PAIRING));
  }
}
