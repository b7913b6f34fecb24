package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class McpHttpOptionsTest {

  @Test
  void defaultsAreSixteenCallingSessions() {
    McpHttpOptions options = McpHttpOptions.parse("mcp-http");
    assertThat(options.mode()).isEqualTo("calls");
    assertThat(options.sessions()).isEqualTo(16);
    assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.path()).isEqualTo("/mcp");
    assertThat(options.gatewayPid()).isEmpty();
  }

  @Test
  void streamsDefaultToAThousandSessions() {
    McpHttpOptions options =
        McpHttpOptions.parse(
            "mcp-http",
            "--mode",
            "streams",
            "--url",
            "http://127.0.0.1:20001/mcp",
            "--hold",
            "2.5",
            "--ready-file",
            "/tmp/r.json",
            "--gateway-pid",
            "42");
    assertThat(options.sessions()).isEqualTo(1_000);
    assertThat(options.hold()).isEqualTo(Duration.ofMillis(2_500));
    assertThat(options.url().getPort()).isEqualTo(20001);
    assertThat(options.readyFile()).contains(Path.of("/tmp/r.json"));
    assertThat(options.gatewayPid()).hasValue(42);
  }

  @Test
  void aUrlWithoutPathMeansMcp() {
    assertThat(McpHttpOptions.parse("mcp-http", "--url", "http://localhost:9").path())
        .isEqualTo("/mcp");
  }

  @Test
  void badOptionsAreRefused() {
    assertThatThrownBy(() -> McpHttpOptions.parse("mcp-http", "--mode", "bursts"))
        .hasMessageContaining("--mode");
    assertThatThrownBy(() -> McpHttpOptions.parse("mcp-http", "--url", "ws://127.0.0.1:9/mcp"))
        .hasMessageContaining("--url");
    assertThatThrownBy(() -> McpHttpOptions.parse("mcp-http", "--sessions", "0"))
        .hasMessageContaining("--sessions");
    assertThatThrownBy(() -> McpHttpOptions.parse("mcp-http", "--duration", "0"))
        .hasMessageContaining("--duration");
    assertThatThrownBy(() -> McpHttpOptions.parse("mcp-http", "--pipeline", "4"))
        .hasMessageContaining("unknown option");
    assertThatThrownBy(() -> McpHttpOptions.parse("mcp-http", "--sessions"))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> McpHttpOptions.parse("mcp-http", "--hold", "1", "--hold", "2"))
        .hasMessageContaining("twice");
  }
}
