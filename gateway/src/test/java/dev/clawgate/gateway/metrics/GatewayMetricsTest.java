package dev.clawgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.oauth.OAuthEvents;
import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolCallObserver;
import dev.clawgate.mcp.tools.ChannelBridge;
import dev.clawgate.mcp.tools.ClaudeChannelMode;
import dev.clawgate.mcp.tools.ConversationPort;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayMetricsTest {
  private static final String HOSTILE = "a\"b\nc";

  private static GatewayMetrics metrics() {
    GatewayMetrics metrics = GatewayMetrics.create("1.2.3-test");
    metrics.attachServer(List.of("health", "status", "sessions.list"), () -> 3);
    return metrics;
  }

  private static Map<String, Exposition.Family> scrape(GatewayMetrics metrics) {
    return Exposition.parse(metrics.scrape());
  }

  private static Exposition.Family family(Map<String, Exposition.Family> families, String name) {
    return Objects.requireNonNull(families.get(name), () -> "no family " + name);
  }

  private static String label(Exposition.Sample sample, String name) {
    return Objects.requireNonNull(sample.labels().get(name), () -> "no label " + name);
  }

  private static List<Exposition.Sample> samples(
      Map<String, Exposition.Family> families, String family, String sampleName) {
    return family(families, family).samples.stream()
        .filter(s -> s.name().equals(sampleName))
        .toList();
  }

  @Test
  void everyFamilyHasHelpAndTypeOnce() {
    GatewayMetrics metrics = metrics();
    metrics.rpcFinished("health", true, 1_000_000);
    metrics.toolCallFinished("events_poll", ToolCallObserver.OK, 2_000_000);
    metrics.mcpSessions(() -> 2);
    Map<String, Exposition.Family> families = scrape(metrics); // fails on a repeated HELP/TYPE

    assertThat(families.keySet())
        .containsExactly(
            "clawgate_up",
            "clawgate_build_info",
            "clawgate_process_uptime_seconds",
            "clawgate_websocket_connections",
            "clawgate_mcp_http_sessions",
            "clawgate_rpc_requests_total",
            "clawgate_rpc_request_duration_seconds",
            "clawgate_mcp_tool_calls_total",
            "clawgate_mcp_tool_call_duration_seconds",
            "clawgate_oauth_events_total");
    assertThat(family(families, "clawgate_rpc_requests_total").type()).isEqualTo("counter");
    assertThat(family(families, "clawgate_rpc_request_duration_seconds").type())
        .isEqualTo("histogram");
    assertThat(family(families, "clawgate_up").type()).isEqualTo("gauge");
    String text = metrics.scrape();
    for (String name : families.keySet()) {
      assertThat(
              text.lines()
                  .filter(l -> l.equals("# TYPE " + name + " " + family(families, name).type())))
          .hasSize(1);
      assertThat(text.lines().filter(l -> l.startsWith("# HELP " + name + " "))).hasSize(1);
    }
  }

  @Test
  void gaugesAreReadAtScrapeTime() {
    GatewayMetrics metrics = GatewayMetrics.create("9.9.9");
    assertThat(scrape(metrics))
        .doesNotContainKeys("clawgate_websocket_connections", "clawgate_mcp_http_sessions");
    int[] open = {4};
    metrics.attachServer(List.of(), () -> open[0]);
    metrics.mcpSessions(() -> 7);
    Map<String, Exposition.Family> families = scrape(metrics);
    assertThat(family(families, "clawgate_up").samples.getFirst().value()).isEqualTo("1");
    Exposition.Sample build = family(families, "clawgate_build_info").samples.getFirst();
    assertThat(build.labels()).isEqualTo(Map.of("version", "9.9.9"));
    assertThat(build.value()).isEqualTo("1");
    assertThat(family(families, "clawgate_process_uptime_seconds").samples.getFirst().number())
        .isNotNegative();
    assertThat(family(families, "clawgate_websocket_connections").samples.getFirst().value())
        .isEqualTo("4");
    assertThat(family(families, "clawgate_mcp_http_sessions").samples.getFirst().value())
        .isEqualTo("7");
    open[0] = 0;
    assertThat(family(scrape(metrics), "clawgate_websocket_connections").samples.getFirst().value())
        .isEqualTo("0");
  }

  @Test
  void histogramBucketsAreCumulativeAndInfEqualsCount() {
    GatewayMetrics metrics = metrics();
    long[] nanos = {0, 500_000, 3_000_000, 40_000_000, 700_000_000, 2_000_000_000, 60_000_000_000L};
    for (long each : nanos) {
      metrics.rpcFinished("status", true, each);
      metrics.toolCallFinished("events_wait", ToolCallObserver.OK, each * 10);
    }
    Map<String, Exposition.Family> families = scrape(metrics);
    for (String family :
        List.of(
            "clawgate_rpc_request_duration_seconds", "clawgate_mcp_tool_call_duration_seconds")) {
      List<Exposition.Sample> buckets = samples(families, family, family + "_bucket");
      assertThat(buckets).isNotEmpty();
      double previousLe = Double.NEGATIVE_INFINITY;
      double previousCount = 0;
      for (Exposition.Sample bucket : buckets) {
        double le = new Exposition.Sample("", Map.of(), label(bucket, "le")).number();
        assertThat(le).isGreaterThan(previousLe);
        assertThat(bucket.number()).isGreaterThanOrEqualTo(previousCount);
        previousLe = le;
        previousCount = bucket.number();
      }
      assertThat(buckets.getLast().labels().get("le")).isEqualTo("+Inf");
      List<Exposition.Sample> count = samples(families, family, family + "_count");
      assertThat(count).hasSize(1);
      assertThat(count.getFirst().number()).isEqualTo(nanos.length);
      assertThat(buckets.getLast().number()).isEqualTo(count.getFirst().number());
      assertThat(samples(families, family, family + "_sum").getFirst().number()).isPositive();
      // The label order ends with le, after the family's own labels.
      assertThat(buckets.getFirst().labels().keySet()).last().isEqualTo("le");
    }
    // 0.5 ms lands in le=0.001 and every bucket above it; 0 lands in the first bucket too.
    List<Exposition.Sample> rpc =
        samples(
            families,
            "clawgate_rpc_request_duration_seconds",
            "clawgate_rpc_request_duration_seconds_bucket");
    assertThat(rpc.getFirst().labels())
        .containsEntry("le", "0.001")
        .containsEntry("method", "status");
    assertThat(rpc.getFirst().value()).isEqualTo("2");
  }

  @Test
  void undeclaredMethodsToolsAndOutcomesCountAsOther() {
    GatewayMetrics metrics = metrics();
    metrics.rpcFinished("no.such.method", false, 1);
    metrics.rpcFinished(HOSTILE, false, 1);
    metrics.rpcFinished("health", true, 1);
    metrics.toolCallFinished("no_such_tool", ToolCallObserver.ERROR, 1);
    metrics.toolCallFinished(HOSTILE, HOSTILE, 1);

    assertThat(metrics.rpcCount("other", "error")).isEqualTo(2);
    assertThat(metrics.rpcCount("health", "ok")).isEqualTo(1);
    assertThat(metrics.toolCallCount("other", "error")).isEqualTo(1);
    assertThat(metrics.toolCallCount("other", "other")).isEqualTo(1);
    String text = metrics.scrape();
    assertThat(text).doesNotContain("no.such.method", "no_such_tool", "a\"b", "a\\\"b");
    Map<String, Exposition.Family> families = Exposition.parse(text);
    assertThat(family(families, "clawgate_rpc_requests_total").samples)
        .extracting(Exposition.Sample::labels)
        .containsExactlyInAnyOrder(
            Map.of("method", "other", "outcome", "error"),
            Map.of("method", "health", "outcome", "ok"));
  }

  static LongStream seeds() {
    return LongStream.range(0, 100);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void noRandomNameBecomesALabel(long seed) {
    Random random = new Random(seed);
    GatewayMetrics metrics = metrics();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String name =
          "x" + Long.toHexString(random.nextLong()) + (random.nextBoolean() ? "\"\n" : "");
      sent.add(name);
      metrics.rpcFinished(name, random.nextBoolean(), random.nextInt(1_000_000));
      metrics.toolCallFinished(name, ToolCallObserver.OK, random.nextInt(1_000_000));
    }
    Map<String, Exposition.Family> families = scrape(metrics);
    for (Exposition.Family family : families.values()) {
      for (Exposition.Sample sample : family.samples) {
        assertThat(sample.labels().values()).doesNotContainAnyElementsOf(sent);
      }
    }
    assertThat(family(families, "clawgate_rpc_requests_total").samples.size())
        .isLessThanOrEqualTo(2);
    assertThat(family(families, "clawgate_mcp_tool_calls_total").samples).hasSize(1);
  }

  @Test
  void oauthEventsStartAtZeroAndCount() {
    GatewayMetrics metrics = metrics();
    metrics.oauthEvent(OAuthEvents.Event.TOKEN_ISSUED);
    metrics.oauthEvent(OAuthEvents.Event.TOKEN_ISSUED);
    metrics.oauthEvent(OAuthEvents.Event.REFRESH_REUSE_DETECTED);
    List<Exposition.Sample> events = family(scrape(metrics), "clawgate_oauth_events_total").samples;
    assertThat(events)
        .extracting(s -> label(s, "event"))
        .containsExactlyInAnyOrder(
            "register",
            "authorize",
            "consent_approved",
            "token_issued",
            "token_refreshed",
            "refresh_reuse_detected",
            "token_revoked",
            "invalid_token",
            "insufficient_scope");
    assertThat(events)
        .filteredOn(s -> label(s, "event").equals("token_issued"))
        .extracting(Exposition.Sample::value)
        .containsExactly("2");
    assertThat(events)
        .filteredOn(s -> label(s, "event").equals("refresh_reuse_detected"))
        .extracting(Exposition.Sample::value)
        .containsExactly("1");
    assertThat(events)
        .filteredOn(s -> label(s, "event").equals("register"))
        .extracting(Exposition.Sample::value)
        .containsExactly("0");
  }

  @Test
  void theDeclaredToolsAreTheBridgesTools() {
    ConversationPort unused =
        (ConversationPort)
            Proxy.newProxyInstance(
                ConversationPort.class.getClassLoader(),
                new Class<?>[] {ConversationPort.class},
                (proxy, method, args) -> {
                  throw new UnsupportedOperationException(method.getName());
                });
    try (ChannelBridge bridge =
        new ChannelBridge(
            unused,
            ClaudeChannelMode.ON,
            (method, params) -> {},
            Diagnostics.silent(),
            Clock.systemUTC(),
            Duration.ofSeconds(1))) {
      assertThat(bridge.tools().stream().map(Tool::spec).map(s -> s.name()).toList())
          .containsExactlyInAnyOrderElementsOf(GatewayMetrics.MCP_TOOLS);
    }
  }

  @Test
  void theObserverFeedsTheToolFamilies() {
    GatewayMetrics metrics = metrics();
    ToolCallObserver observer = metrics.toolCallObserver();
    observer.finished("messages_send", ToolCallObserver.CANCELLED, 5);
    observer.finished("messages_send", ToolCallObserver.OK, 5);
    assertThat(metrics.toolCallCount("messages_send", "cancelled")).isEqualTo(1);
    assertThat(metrics.toolCallCount("messages_send", "ok")).isEqualTo(1);
  }
}
