package dev.clawgate.gateway.metrics;

import dev.clawgate.core.oauth.OAuthEvents;
import dev.clawgate.mcp.server.ToolCallObserver;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Every metric of one gateway, and its scrape ({@link #scrape()}) in the Prometheus text format
 * 0.0.4. Thread-safe; recording is lock-free (one map lookup and an adder per call).
 *
 * <p>Families ({@code clawgate_*}):
 *
 * <ul>
 *   <li>{@code clawgate_rpc_requests_total{method,outcome}} and {@code
 *       clawgate_rpc_request_duration_seconds{method}}: gateway method calls over WebSocket and in
 *       process; {@code method} is a method the server registered, else {@code other}; {@code
 *       outcome} is {@code ok} or {@code error}
 *   <li>{@code clawgate_mcp_tool_calls_total{tool,outcome}} and {@code
 *       clawgate_mcp_tool_call_duration_seconds{tool}}: MCP {@code tools/call}s; {@code tool} is
 *       one of the declared tool names, else {@code other}; {@code outcome} is {@code ok}, {@code
 *       error} or {@code cancelled}
 *   <li>{@code clawgate_oauth_events_total{event}}: the {@link OAuthEvents.Event}s
 *   <li>{@code clawgate_websocket_connections}, {@code clawgate_mcp_http_sessions}: open
 *       connections and sessions, read at scrape time (each only once a source is attached)
 *   <li>{@code clawgate_up}, {@code clawgate_build_info{version}}, {@code
 *       clawgate_process_uptime_seconds}
 * </ul>
 *
 * <p>Labels are bounded by construction ({@link BoundedLabel}): no value from a request becomes a
 * label value unless the code declared it.
 */
public final class GatewayMetrics {
  /** The tools of {@code clawgate mcp serve} and {@code /mcp}: the {@code tool} label's values. */
  public static final List<String> MCP_TOOLS =
      List.of(
          "conversations_list",
          "conversation_get",
          "messages_read",
          "attachments_fetch",
          "events_poll",
          "events_wait",
          "messages_send",
          "permissions_list_open",
          "permissions_respond");

  /** Gateway methods answer in microseconds (in process) to seconds (store-bound). */
  static final double[] RPC_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Tool calls include long polls ({@code events_wait}) of up to minutes. */
  static final double[] TOOL_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
  };

  static final String OK = "ok";
  static final String ERROR = "error";

  private static final double NANOS_PER_SECOND = 1e9;

  private final MetricsRegistry registry = new MetricsRegistry();
  private final BoundedLabel method = BoundedLabel.of("method", List.of());
  private final BoundedLabel tool;
  private final Counter rpcRequests;
  private final Histogram rpcDuration;
  private final Counter toolCalls;
  private final Histogram toolDuration;
  private final Counter oauthEvents;
  private final Gauge webSocketConnections;
  private final Gauge mcpSessions;
  private final long createdAtMs = System.currentTimeMillis();
  private volatile long processStartMs = -1;

  private GatewayMetrics(String version, Collection<String> toolNames) {
    Objects.requireNonNull(version, "null version");
    this.tool = BoundedLabel.of("tool", toolNames);
    BoundedLabel rpcOutcome = BoundedLabel.of("outcome", OK, ERROR);
    BoundedLabel toolOutcome =
        BoundedLabel.of(
            "outcome", ToolCallObserver.OK, ToolCallObserver.ERROR, ToolCallObserver.CANCELLED);
    BoundedLabel event =
        BoundedLabel.of(
            "event",
            Arrays.stream(OAuthEvents.Event.values()).map(OAuthEvents.Event::label).toList());

    registry
        .register(new Gauge("clawgate_up", "Whether the gateway answers (always 1)."))
        .set(() -> 1);
    registry
        .register(
            new Gauge(
                "clawgate_build_info",
                "The running clawgate build (always 1).",
                List.of("version"),
                List.of(version)))
        .set(() -> 1);
    registry
        .register(
            new Gauge("clawgate_process_uptime_seconds", "Seconds since the process started."))
        .set(this::uptimeSeconds);
    this.webSocketConnections =
        registry.register(
            new Gauge(
                "clawgate_websocket_connections",
                "Open WebSocket connections that completed the handshake."));
    this.mcpSessions =
        registry.register(
            new Gauge(
                "clawgate_mcp_http_sessions",
                "Open MCP sessions over HTTP (Streamable HTTP, stateless requests, legacy SSE)."));
    this.rpcRequests =
        registry.register(
            new Counter(
                "clawgate_rpc_requests_total",
                "Gateway method calls (WebSocket and in process) by method and outcome.",
                List.of(method, rpcOutcome)));
    this.rpcDuration =
        registry.register(
            new Histogram(
                "clawgate_rpc_request_duration_seconds",
                "Time to answer a gateway method call, by method.",
                List.of(method),
                RPC_BUCKETS));
    this.toolCalls =
        registry.register(
            new Counter(
                "clawgate_mcp_tool_calls_total",
                "MCP tool calls by tool and outcome.",
                List.of(tool, toolOutcome)));
    this.toolDuration =
        registry.register(
            new Histogram(
                "clawgate_mcp_tool_call_duration_seconds",
                "Time from an MCP tool call's request to its end, by tool.",
                List.of(tool),
                TOOL_BUCKETS));
    this.oauthEvents =
        registry.register(
            new Counter(
                "clawgate_oauth_events_total",
                "OAuth authorization server events.",
                List.of(event)));
    for (OAuthEvents.Event each : OAuthEvents.Event.values()) {
      oauthEvents.touch(each.label());
    }
  }

  /** The metrics of a gateway at {@code version}, with the MCP tools {@link #MCP_TOOLS}. */
  public static GatewayMetrics create(String version) {
    return create(version, MCP_TOOLS);
  }

  /** The metrics of a gateway at {@code version} whose MCP tools are {@code toolNames}. */
  public static GatewayMetrics create(String version, Collection<String> toolNames) {
    return new GatewayMetrics(version, toolNames);
  }

  /**
   * Connects a gateway server: its registered method names become the {@code method} label's
   * values, and {@code openConnections} is read for {@code clawgate_websocket_connections}. Called
   * by the server these metrics are given to ({@code GatewayServer.Builder.metrics}).
   */
  public void attachServer(Collection<String> methodNames, IntSupplier openConnections) {
    Objects.requireNonNull(openConnections, "null openConnections");
    method.allow(methodNames);
    webSocketConnections.set(openConnections::getAsInt);
  }

  /**
   * One gateway method call ended.
   *
   * @param method the method the client named; any string, undeclared ones count as other
   * @param ok whether it was answered with a payload (else with an error, refusals included)
   * @param nanos how long it took
   */
  public void rpcFinished(String method, boolean ok, long nanos) {
    rpcRequests.inc(method, ok ? OK : ERROR);
    rpcDuration.observe(nanos / NANOS_PER_SECOND, method);
  }

  /** The observer to give each MCP session ({@code McpSession.Builder.toolCallObserver}). */
  public ToolCallObserver toolCallObserver() {
    return this::toolCallFinished;
  }

  /**
   * One MCP tool call ended ({@link ToolCallObserver#finished}); undeclared tools and outcomes
   * count as {@code other}.
   */
  public void toolCallFinished(String tool, String outcome, long nanos) {
    toolCalls.inc(tool, outcome);
    toolDuration.observe(nanos / NANOS_PER_SECOND, tool);
  }

  /** Where {@code clawgate_mcp_http_sessions} is read from at each scrape. */
  public void mcpSessions(LongSupplier openSessions) {
    Objects.requireNonNull(openSessions, "null openSessions");
    mcpSessions.set(() -> openSessions.getAsLong());
  }

  /** Counts one OAuth event. */
  public void oauthEvent(OAuthEvents.Event event) {
    oauthEvents.inc(event.label());
  }

  /** Every metric, in the text exposition format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  /** The current count of {@code clawgate_rpc_requests_total} for a method and outcome. */
  long rpcCount(String method, String outcome) {
    return rpcRequests.value(method, outcome);
  }

  /** The current count of {@code clawgate_mcp_tool_calls_total} for a tool and outcome. */
  long toolCallCount(String tool, String outcome) {
    return toolCalls.value(tool, outcome);
  }

  private double uptimeSeconds() {
    long started = processStartMs;
    if (started < 0) {
      // Read once, at the first scrape: nothing of this is needed at startup.
      started =
          ProcessHandle.current()
              .info()
              .startInstant()
              .map(Instant::toEpochMilli)
              .orElse(createdAtMs);
      processStartMs = started;
    }
    return Math.max(0, System.currentTimeMillis() - started) / 1000.0;
  }
}
