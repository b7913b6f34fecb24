package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The owner's side of the durability test: {@code device.pair.approve}, {@code device.pair.reject},
 * {@code device.token.rotate} and {@code device.token.revoke} over an owner connection (shared
 * token, no device identity), a few in a row per device, each sent only after the previous one was
 * answered. A change counts as acknowledged when its OK answer arrived; the answer is checked
 * against what the change promised, and the promise becomes the device's acknowledged record.
 */
final class OwnerActions {
  private final GatewayClient owner;
  private final Random random;
  private final KillSwitch killSwitch;
  private final Queue<String> problems;

  OwnerActions(GatewayClient owner, Random random, KillSwitch killSwitch, Queue<String> problems) {
    this.owner = owner;
    this.random = random;
    this.killSwitch = killSwitch;
    this.problems = problems;
  }

  /** Kills the gateway right after the {@code killAt}-th acknowledged change. */
  static final class KillSwitch {
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicBoolean fired = new AtomicBoolean();
    private final int killAt;
    private final Runnable kill;

    KillSwitch(int killAt, Runnable kill) {
      this.killAt = killAt;
      this.kill = kill;
    }

    void acknowledged() {
      if (acknowledged.incrementAndGet() == killAt) {
        fire();
      }
    }

    /** Kills now if it has not yet. */
    void fire() {
      if (fired.compareAndSet(false, true)) {
        kill.run();
      }
    }

    boolean fired() {
      return fired.get();
    }

    int acknowledgedCount() {
      return acknowledged.get();
    }
  }

  /** One owner action on one device. */
  sealed interface Action {
    record Approve(String requestId) implements Action {}

    record Reject(String requestId) implements Action {}

    record Rotate(Optional<Set<String>> scopes) implements Action {}

    record Revoke() implements Action {}
  }

  /**
   * Runs up to three actions on {@code device}; stops at the first one without an answer, and sends
   * nothing once the gateway was killed.
   */
  void run(FleetDevice device) {
    for (int step = 0; step < 3; step++) {
      Optional<Action> next = choose(device.acknowledged());
      if (next.isEmpty() || killSwitch.fired()) {
        return;
      }
      Action action = next.get();
      device.sending(ifCommitted(device.acknowledged(), action, Optional.empty()));
      JsonNode answer;
      try {
        answer = owner.call(method(action), params(device, action));
      } catch (GatewayErrorException e) {
        device.refused();
        problems.add(device + ": " + action + " was refused: " + e.error());
        return;
      } catch (ClawgateException e) {
        if (!killSwitch.fired()) {
          problems.add(device + ": " + action + " failed before the kill: " + e);
        }
        return; // in flight when the gateway died: it may or may not have committed
      }
      device.acknowledge(acknowledged(device, action, answer));
      killSwitch.acknowledged();
    }
  }

  private Optional<Action> choose(DeviceRecord record) {
    Optional<String> pending = record.pendingRequest();
    if (pending.isPresent()) {
      return Optional.of(
          random.nextInt(4) < 3
              ? new Action.Approve(pending.get())
              : new Action.Reject(pending.get()));
    }
    if (record.baseline().isEmpty()) {
      return Optional.empty();
    }
    int dice = random.nextInt(10);
    if (dice < 4) {
      Set<String> subset = new TreeSet<>();
      record.baseline().get().stream().filter(s -> random.nextBoolean()).forEach(subset::add);
      return Optional.of(new Action.Rotate(Optional.of(subset)));
    }
    if (dice < 6) {
      return Optional.of(new Action.Rotate(Optional.empty()));
    }
    return dice < 8 ? Optional.of(new Action.Revoke()) : Optional.empty();
  }

  private static String method(Action action) {
    return switch (action) {
      case Action.Approve _ -> "device.pair.approve";
      case Action.Reject _ -> "device.pair.reject";
      case Action.Rotate _ -> "device.token.rotate";
      case Action.Revoke _ -> "device.token.revoke";
    };
  }

  private static ObjectNode params(FleetDevice device, Action action) {
    ObjectNode params = Json.mapper().createObjectNode();
    switch (action) {
      case Action.Approve a -> params.put("requestId", a.requestId());
      case Action.Reject r -> params.put("requestId", r.requestId());
      case Action.Rotate r -> {
        params.put("deviceId", device.deviceId()).put("role", "operator");
        r.scopes().ifPresent(s -> s.forEach(params.putArray("scopes")::add));
      }
      case Action.Revoke _ -> params.put("deviceId", device.deviceId()).put("role", "operator");
    }
    return params;
  }

  /** The record after {@code action} commits; {@code tokenHash} is the rotated value if known. */
  private static DeviceRecord ifCommitted(
      DeviceRecord before, Action action, Optional<String> tokenHash) {
    return switch (action) {
      case Action.Approve a -> before.approved(a.requestId());
      case Action.Reject r -> before.rejected(r.requestId());
      case Action.Rotate r -> before.rotated(r.scopes(), tokenHash);
      case Action.Revoke _ -> before.revoked();
    };
  }

  /** The acknowledged record, after checking that the answer says what the change promised. */
  private DeviceRecord acknowledged(FleetDevice device, Action action, JsonNode answer) {
    DeviceRecord before = device.acknowledged();
    List<String> wrong = new ArrayList<>();
    DeviceRecord after;
    switch (action) {
      case Action.Approve _ -> {
        after = ifCommitted(before, action, Optional.empty());
        expect(wrong, "status", answer.path("status").asString(""), "approved");
        expect(
            wrong,
            "device.scopes",
            strings(answer.path("device").path("scopes")),
            after.baseline().orElseThrow());
      }
      case Action.Reject _ -> {
        after = ifCommitted(before, action, Optional.empty());
        expect(wrong, "status", answer.path("status").asString(""), "rejected");
      }
      case Action.Rotate _ -> {
        String token = answer.path("token").asString("");
        after = ifCommitted(before, action, Optional.of(FleetDevice.sha256(token)));
        Set<String> scopes = after.token().orElseThrow().scopes();
        expect(wrong, "scopes", strings(answer.path("scopes")), scopes);
        if (token.isEmpty()) {
          wrong.add("no token value");
        } else {
          device.storeToken(token, List.copyOf(new TreeSet<>(scopes)));
        }
      }
      case Action.Revoke _ -> {
        after = ifCommitted(before, action, Optional.empty());
        expect(wrong, "status", answer.path("status").asString(""), "revoked");
        expect(wrong, "device.scopes", strings(answer.path("device").path("scopes")), Set.of());
      }
    }
    if (!wrong.isEmpty()) {
      problems.add(
          device + ": the answer to " + action + " broke its promise: " + wrong + " in " + answer);
    }
    return after;
  }

  private static <T> void expect(List<String> wrong, String field, T actual, T expected) {
    if (!actual.equals(expected)) {
      wrong.add(field + " is " + actual + ", expected " + expected);
    }
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new HashSet<>();
    array.forEach(v -> values.add(v.asString("")));
    return values;
  }
}
