package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.gateway.metrics.GatewayMetrics;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import dev.clawgate.protocol.ScopeSet;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dispatcher counts every call, over a socket and in process, in the server's metrics. */
class DispatchMetricsTest extends GatewayTestBase {
  private final GatewayMetrics metrics = GatewayMetrics.create("test");

  /** The value of one {@code clawgate_rpc_requests_total} series in a scrape (0 when absent). */
  private long count(String method, String outcome) {
    Pattern line =
        Pattern.compile(
            "^clawgate_rpc_requests_total\\{method=\""
                + Pattern.quote(method)
                + "\",outcome=\""
                + outcome
                + "\"} (\\d+)$",
            Pattern.MULTILINE);
    Matcher matcher = line.matcher(metrics.scrape());
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }

  private long durationCount(String method) {
    Pattern line =
        Pattern.compile(
            "^clawgate_rpc_request_duration_seconds_count\\{method=\""
                + Pattern.quote(method)
                + "\"} (\\d+)$",
            Pattern.MULTILINE);
    Matcher matcher = line.matcher(metrics.scrape());
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }

  private static MethodCall call(String method, ScopeSet scopes) {
    return new MethodCall(
        method,
        "r1",
        Optional.empty(),
        "local-1",
        Role.OPERATOR,
        scopes,
        Optional.empty(),
        "in-process",
        true,
        "test");
  }

  @Test
  void socketCallsAreCountedByMethodAndOutcome() {
    start(b ->
        b.metrics(metrics)
            .method(
                MethodSpec.operator(
                    "test.echo", Scope.READ, c -> Json.mapper().createObjectNode())));
    TestSocket socket = connected(Fixtures.operator("operator.read"));

    assertThat(socket.call("health").path("ok").asBoolean()).isTrue();
    assertThat(socket.call("test.echo").path("ok").asBoolean()).isTrue();
    assertThat(socket.call("test.echo").path("ok").asBoolean()).isTrue();
    assertThat(socket.call("no.such.method").path("ok").asBoolean()).isFalse();

    assertThat(count("health", "ok")).isEqualTo(1);
    assertThat(count("test.echo", "ok")).isEqualTo(2);
    assertThat(durationCount("test.echo")).isEqualTo(2);
    assertThat(count("other", "error")).isEqualTo(1);
    assertThat(metrics.scrape()).doesNotContain("no.such");
    assertThat(metrics.scrape()).contains("clawgate_websocket_connections 1\n");
  }

  @Test
  void inProcessCallsAreCountedToo() {
    GatewayServer server = start(b -> b.metrics(metrics));

    server.invoke(call("health", ScopeSet.of(Scope.READ)));
    assertThatThrownBy(() -> server.invoke(call("health", ScopeSet.empty())))
        .isInstanceOf(ClawgateException.class);
    assertThatThrownBy(() -> server.invoke(call("a\"b\nc", ScopeSet.of(Scope.READ))))
        .isInstanceOf(ClawgateException.class);

    assertThat(count("health", "ok")).isEqualTo(1);
    assertThat(count("health", "error")).isEqualTo(1);
    assertThat(durationCount("health")).isEqualTo(2);
    assertThat(count("other", "error")).isEqualTo(1);
    assertThat(metrics.scrape()).doesNotContain("a\"b", "a\\\"b");
  }
}
