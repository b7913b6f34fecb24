package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a run prints: one line of JSON for scripts, then lines for people.
 *
 * @param json the machine-readable result
 * @param human the same for a reader
 */
record Report(ObjectNode json, String human) {

  /** A fresh JSON object for a report. */
  static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }

  static void putLatency(ObjectNode json, Latencies.Summary latency) {
    ObjectNode node = json.putObject("latencyMs");
    node.put("mean", latency.meanMs());
    node.put("p50", latency.p50Ms());
    node.put("p90", latency.p90Ms());
    node.put("p99", latency.p99Ms());
    node.put("max", latency.maxMs());
    node.put("samples", latency.kept());
  }

  static void putFailures(ObjectNode json, Failures failures) {
    json.put("failed", failures.total());
    ObjectNode causes = json.putObject("failures");
    failures.byCause().forEach(causes::put);
  }

  static String failuresText(Failures failures) {
    if (failures.total() == 0) {
      return "no failures";
    }
    StringBuilder text = new StringBuilder(failures.total() + " failures:");
    for (Map.Entry<String, Long> entry : failures.byCause().entrySet()) {
      text.append("\n    ").append(entry.getValue()).append(" x ").append(entry.getKey());
    }
    return text.toString();
  }

  static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
