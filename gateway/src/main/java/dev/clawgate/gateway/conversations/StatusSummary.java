package dev.clawgate.gateway.conversations;

import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.SessionKeys;
import dev.clawgate.core.conversations.SessionQuery;
import dev.clawgate.core.conversations.SessionRow;
import dev.clawgate.gateway.channels.ChannelHub;
import dev.clawgate.gateway.channels.ChannelStatus;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The part of {@code status} the reference's clients read ({@code openclaw status} renders it): the
 * session store summary per agent, the channel summary lines, and the agent, task and heartbeat
 * sections, which are empty here because no agent runtime runs inside clawgate.
 */
public final class StatusSummary implements Supplier<ObjectNode> {
  /** How many recent sessions the summary shows. */
  static final int RECENT = 10;

  private final ConversationService conversations;
  private final ChannelHub channels;
  private final Clock clock;
  private final Path databaseFile;

  public StatusSummary(
      ConversationService conversations, ChannelHub channels, Clock clock, Path databaseFile) {
    this.conversations = conversations;
    this.channels = channels;
    this.clock = clock;
    this.databaseFile = databaseFile;
  }

  @Override
  public ObjectNode get() {
    long now = clock.millis();
    ObjectNode node = Json.mapper().createObjectNode();
    ObjectNode heartbeat = node.putObject("heartbeat");
    heartbeat.put("defaultAgentId", SessionKeys.DEFAULT_AGENT);
    heartbeat.putArray("agents");
    ArrayNode channelSummary = node.putArray("channelSummary");
    for (ChannelStatus status : channels.status()) {
      channelSummary.add(
          status.type()
              + " "
              + status.accountId()
              + ": "
              + (!status.running()
                  ? "stopped"
                  : status
                      .lastError()
                      .map(e -> "error: " + e)
                      .orElse(status.connected() ? "connected" : "running")));
    }
    node.putArray("queuedSystemEvents");
    node.putArray("degradedSecretOwners");
    ObjectNode tasks = node.putObject("tasks");
    tasks.put("total", 0);
    tasks.put("active", 0);
    tasks.put("terminal", 0);
    tasks.put("failures", 0);
    tasks.putObject("byStatus");
    tasks.putObject("byRuntime");
    ObjectNode audit = node.putObject("taskAudit");
    audit.put("total", 0);
    audit.put("warnings", 0);
    audit.put("errors", 0);
    audit.putObject("byCode");

    List<SessionRow> rows =
        conversations.list(SessionQuery.first(Integer.MAX_VALUE / 2)).sessions();
    ObjectNode sessions = node.putObject("sessions");
    sessions.putArray("paths").add(databaseFile.toString());
    sessions.put("count", rows.size());
    ObjectNode defaults = sessions.putObject("defaults");
    defaults.putNull("model");
    defaults.putNull("contextTokens");
    ArrayNode recent = sessions.putArray("recent");
    Map<String, ObjectNode> byAgent = new LinkedHashMap<>();
    ArrayNode agents = sessions.putArray("byAgent");
    for (SessionRow row : rows) {
      ObjectNode agent =
          byAgent.computeIfAbsent(
              row.agentId(),
              id -> {
                ObjectNode a = agents.addObject();
                a.put("agentId", id);
                a.put("path", databaseFile.toString());
                a.put("count", 0);
                a.putArray("recent");
                return a;
              });
      agent.put("count", agent.get("count").asInt() + 1);
      if (agent.get("recent").size() < RECENT) {
        ((ArrayNode) agent.get("recent")).add(recentEntry(row, now));
      }
      if (recent.size() < RECENT) {
        recent.add(recentEntry(row, now));
      }
    }
    return node;
  }

  private static ObjectNode recentEntry(SessionRow row, long now) {
    ObjectNode entry = Json.mapper().createObjectNode();
    entry.put("agentId", row.agentId());
    entry.put("key", row.key());
    entry.put("kind", row.kind());
    entry.put("sessionId", row.sessionId());
    entry.put("updatedAt", row.updatedAtMs());
    entry.put("age", Math.max(0, now - row.updatedAtMs()));
    return entry;
  }
}
