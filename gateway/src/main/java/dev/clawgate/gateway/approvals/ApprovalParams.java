package dev.clawgate.gateway.approvals;

import dev.clawgate.core.approvals.ApprovalService;
import dev.clawgate.core.approvals.Decision;
import dev.clawgate.core.approvals.ExecRequest;
import dev.clawgate.core.approvals.PluginRequest;
import dev.clawgate.core.approvals.Requester;
import dev.clawgate.core.approvals.RuleSpec;
import dev.clawgate.core.approvals.Severity;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Fields;
import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the params of the approval requests and rule changes: closed objects, bounded strings, and
 * errors that name the offending field. What the fields mean is the service's business.
 */
final class ApprovalParams {
  static final int COMMAND_MAX = 8192;
  static final int PATH_MAX = 4096;
  static final int NAME_MAX = 128;
  static final int ARGV_MAX = 512;
  static final int ENV_KEYS_MAX = 512;
  static final int RULES_MAX = 1000;

  private static final Set<String> EXEC_KEYS =
      Set.of(
          "id",
          "command",
          "commandArgv",
          "env",
          "envKeys",
          "systemRunPlan",
          "systemRunBinding",
          "cwd",
          "nodeId",
          "host",
          "security",
          "ask",
          "agentId",
          "resolvedPath",
          "sessionKey",
          "turnSourceChannel",
          "turnSourceTo",
          "turnSourceAccountId",
          "turnSourceThreadId",
          "timeoutMs",
          "twoPhase");

  private static final Set<String> PLUGIN_KEYS =
      Set.of(
          "title",
          "description",
          "detail",
          "severity",
          "toolName",
          "toolCallId",
          "pluginId",
          "allowedDecisions",
          "agentId",
          "sessionKey",
          "turnSourceChannel",
          "turnSourceTo",
          "turnSourceAccountId",
          "turnSourceThreadId",
          "timeoutMs",
          "twoPhase");

  private ApprovalParams() {}

  /** A request and whether the caller wants the two-phase answer ({@code accepted} at once). */
  record Parsed<T>(T request, boolean twoPhase) {}

  static Parsed<ExecRequest> exec(Optional<JsonNode> params, Requester requester) {
    Fields f = Fields.params(params).allowOnly(EXEC_KEYS);
    Optional<String> id = f.optString("id", ApprovalService.ID_MAX);
    String command = f.string("command", COMMAND_MAX);
    ObjectNode details = Json.mapper().createObjectNode();
    if (f.has("commandArgv")) {
      strings(f, "commandArgv", ARGV_MAX, COMMAND_MAX)
          .forEach(details.putArray("commandArgv")::add);
    }
    // Only the names of the environment are kept: its values may be secrets.
    TreeSet<String> envKeys = new TreeSet<>(f.stringList("envKeys", ENV_KEYS_MAX, NAME_MAX));
    f.optObject("env").ifPresent(env -> envKeys.addAll(envNames(env, f.path("env"))));
    if (!envKeys.isEmpty()) {
      envKeys.forEach(details.putArray("envKeys")::add);
    }
    opaqueObject(f, "systemRunBinding", details);
    opaqueObject(f, "systemRunPlan", details);
    copyString(f, "cwd", PATH_MAX, details);
    copyString(f, "nodeId", NAME_MAX, details);
    copyString(f, "host", 256, details);
    copyString(f, "security", 64, details);
    copyString(f, "ask", 64, details);
    Optional<String> agentId = f.optString("agentId", NAME_MAX);
    copyString(f, "resolvedPath", PATH_MAX, details);
    copyString(f, "sessionKey", 512, details);
    turnSource(f, details);
    return new Parsed<>(
        new ExecRequest(id, command, agentId, details, timeout(f), requester), twoPhase(f));
  }

  static Parsed<PluginRequest> plugin(Optional<JsonNode> params, Requester requester) {
    Fields f = Fields.params(params).allowOnly(PLUGIN_KEYS);
    String title = f.string("title", PluginRequest.TITLE_MAX);
    String description = f.string("description", PluginRequest.DESCRIPTION_MAX);
    // Optional, as in the reference, which treats a missing severity as a warning.
    String severityName = f.optString("severity", 16).orElse("warning");
    Severity severity =
        Severity.fromWire(severityName)
            .orElseThrow(() ->
                ClawgateException.invalidParams(
                    f.path("severity"),
                    "must be one of " + String.join(", ", Severity.wireNames())));
    Set<Decision> allowed = EnumSet.allOf(Decision.class);
    if (f.has("allowedDecisions")) {
      allowed = decisions(f);
    }
    ObjectNode details = Json.mapper().createObjectNode();
    copyString(f, "pluginId", NAME_MAX, details);
    copyString(f, "detail", 16_384, details);
    copyString(f, "toolName", 256, details);
    copyString(f, "toolCallId", 256, details);
    copyString(f, "agentId", NAME_MAX, details);
    copyString(f, "sessionKey", 512, details);
    turnSource(f, details);
    return new Parsed<>(
        new PluginRequest(title, description, severity, allowed, details, timeout(f), requester),
        twoPhase(f));
  }

  /** {@code [{command, agentId?}, ...]} at {@code name}; absent means empty. */
  static List<RuleSpec> ruleSpecs(Fields f, String name) {
    JsonNode array = f.node().get(name);
    if (array == null || array.isNull()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw ClawgateException.invalidParams(
          f.path(name), "must be an array of {command, agentId?}");
    }
    if (array.size() > RULES_MAX) {
      throw ClawgateException.invalidParams(f.path(name), "more than " + RULES_MAX + " rules");
    }
    List<RuleSpec> specs = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Fields item =
          Fields.object(array.get(i), f.path(name) + "[" + i + "]")
              .allowOnly(Set.of("command", "agentId"));
      specs.add(
          new RuleSpec(item.string("command", COMMAND_MAX), item.optString("agentId", NAME_MAX)));
    }
    return specs;
  }

  private static Set<Decision> decisions(Fields f) {
    List<String> names = f.stringList("allowedDecisions", 8, 32);
    if (names.isEmpty()) {
      throw ClawgateException.invalidParams(f.path("allowedDecisions"), "must not be empty");
    }
    Set<Decision> decisions = EnumSet.noneOf(Decision.class);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      int index = i;
      decisions.add(
          EnumSet.allOf(Decision.class).stream()
              .filter(d -> d.wireName().equals(name))
              .findFirst()
              .orElseThrow(() ->
                  ClawgateException.invalidParams(
                      f.path("allowedDecisions") + "[" + index + "]",
                      "must be allow-once, allow-always or deny")));
    }
    return decisions;
  }

  private static Optional<Duration> timeout(Fields f) {
    return f.optInteger("timeoutMs", 1, Long.MAX_VALUE).map(Duration::ofMillis);
  }

  private static boolean twoPhase(Fields f) {
    return f.optBoolean("twoPhase").orElse(false);
  }

  private static void turnSource(Fields f, ObjectNode details) {
    copyString(f, "turnSourceChannel", 64, details);
    copyString(f, "turnSourceTo", 512, details);
    copyString(f, "turnSourceAccountId", 256, details);
    JsonNode thread = f.node().get("turnSourceThreadId");
    if (thread == null || thread.isNull()) {
      return;
    }
    if (thread.isIntegralNumber() && thread.canConvertToLong()) {
      details.put("turnSourceThreadId", thread.longValue());
    } else {
      copyString(f, "turnSourceThreadId", 256, details);
    }
  }

  private static void copyString(Fields f, String name, int maxLength, ObjectNode details) {
    f.optString(name, maxLength).ifPresent(value -> details.put(name, value));
  }

  private static void opaqueObject(Fields f, String name, ObjectNode details) {
    f.optObject(name).ifPresent(value -> details.set(name, value.node().deepCopy()));
  }

  /** An array of strings that may be empty (argv entries can be ""), bounded. */
  private static List<String> strings(Fields f, String name, int maxItems, int maxLength) {
    JsonNode array = f.node().get(name);
    if (!array.isArray()) {
      throw ClawgateException.invalidParams(f.path(name), "must be an array of strings");
    }
    if (array.size() > maxItems) {
      throw ClawgateException.invalidParams(f.path(name), "more than " + maxItems + " items");
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      if (!item.isString() || item.stringValue().length() > maxLength) {
        throw ClawgateException.invalidParams(
            f.path(name) + "[" + i + "]",
            "must be a string of at most " + maxLength + " characters");
      }
      values.add(item.stringValue());
    }
    return values;
  }

  private static List<String> envNames(Fields env, String path) {
    if (env.node().size() > ENV_KEYS_MAX) {
      throw ClawgateException.invalidParams(path, "more than " + ENV_KEYS_MAX + " entries");
    }
    List<String> names = new ArrayList<>();
    for (var entry : env.node().properties()) {
      if (!entry.getValue().isString()) {
        throw ClawgateException.invalidParams(env.path(entry.getKey()), "must be a string");
      }
      if (entry.getKey().isEmpty() || entry.getKey().length() > NAME_MAX) {
        throw ClawgateException.invalidParams(
            env.path(entry.getKey()), "names must be 1 to " + NAME_MAX + " characters");
      }
      names.add(entry.getKey());
    }
    return names;
  }
}
