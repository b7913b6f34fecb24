package dev.clawgate.benchmarks.load;

import java.util.OptionalLong;
import tools.jackson.databind.node.ObjectNode;

/**
 * CPU used during a measured window by the load tool, the gateway (when its pid is known) and the
 * whole machine, so a report can say what each operation cost and what else was running.
 */
final class CpuWindow {
  private final OptionalLong gatewayPid;
  private final long self;
  private final long gateway;
  private final long machine;

  private CpuWindow(OptionalLong gatewayPid) {
    this.gatewayPid = gatewayPid;
    this.self = ProcessStats.selfCpu().toNanos();
    this.gateway = gatewayCpu(gatewayPid);
    this.machine = ProcessStats.machineBusy().toNanos();
  }

  /** Starts counting now. */
  static CpuWindow open(OptionalLong gatewayPid) {
    return new CpuWindow(gatewayPid);
  }

  /**
   * Puts into {@code json} the cores each used over {@code windowSeconds} and the CPU per operation
   * (named {@code perOp}, for {@code operations} operations): {@code loadCpuCores}, {@code
   * loadCpuPer<Op>Us}, {@code gatewayCpuCores}, {@code gatewayCpuPer<Op>Us}, {@code otherCpuCores}
   * (everything else on the machine), {@code machineCpuCores}.
   */
  void close(ObjectNode json, double windowSeconds, long operations, String perOp) {
    long selfUsed = ProcessStats.selfCpu().toNanos() - self;
    long machineUsed = ProcessStats.machineBusy().toNanos() - machine;
    json.put("loadCpuCores", cores(selfUsed, windowSeconds));
    json.put("loadCpuPer" + perOp + "Us", perOpUs(selfUsed, operations));
    if (gatewayPid.isPresent()) {
      long gatewayUsed = gatewayCpu(gatewayPid) - gateway;
      json.put("gatewayCpuCores", cores(gatewayUsed, windowSeconds));
      json.put("gatewayCpuPer" + perOp + "Us", perOpUs(gatewayUsed, operations));
      ProcessStats.rssKib(gatewayPid.getAsLong())
          .ifPresent(kib -> json.put("gatewayRssMb", Report.round(kib / 1024.0, 1)));
      json.put(
          "otherCpuCores", cores(Math.max(0, machineUsed - gatewayUsed - selfUsed), windowSeconds));
    }
    json.put("machineCpuCores", cores(machineUsed, windowSeconds));
  }

  /** A one-line summary of what {@link #close} put into {@code json}. */
  static String text(ObjectNode json, String perOp, String unit) {
    String gateway =
        json.has("gatewayCpuCores")
            ? String.format(
                ", gateway %.2f cores (%.1f us/%s), other work %.2f cores",
                json.path("gatewayCpuCores").asDouble(),
                json.path("gatewayCpuPer" + perOp + "Us").asDouble(),
                unit,
                json.path("otherCpuCores").asDouble())
            : "";
    return String.format(
        "cpu: load tool %.2f cores (%.1f us/%s)%s; machine %.2f cores",
        json.path("loadCpuCores").asDouble(),
        json.path("loadCpuPer" + perOp + "Us").asDouble(),
        unit,
        gateway,
        json.path("machineCpuCores").asDouble());
  }

  private static long gatewayCpu(OptionalLong pid) {
    return pid.isPresent() ? ProcessStats.cpu(pid.getAsLong()).toNanos() : 0;
  }

  private static double cores(long cpuNanos, double windowSeconds) {
    return windowSeconds > 0 ? Report.round(cpuNanos / 1e9 / windowSeconds, 2) : 0;
  }

  private static double perOpUs(long cpuNanos, long operations) {
    return operations == 0 ? 0 : Report.round(cpuNanos / 1e3 / operations, 1);
  }
}
