package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void handshakesDefaults() {
    LoadOptions options = LoadOptions.parse("handshakes", "--token", "t");
    assertThat(options.client()).isEqualTo("raw");
    assertThat(options.mode()).isEqualTo("token");
    assertThat(options.url().toString()).isEqualTo("ws://127.0.0.1:18789/");
    assertThat(options.concurrency()).isEqualTo(64);
    assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.scopes()).isEqualTo(List.of("operator.read"));
    assertThat(options.gatewayPid()).isEmpty();
  }

  @Test
  void idleDefaultsToTenThousandConnections() {
    LoadOptions options = LoadOptions.parse("idle", "--token", "t", "--hold", "2.5");
    assertThat(options.connections()).isEqualTo(10_000);
    assertThat(options.concurrency()).isEqualTo(200);
    assertThat(options.hold()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void everyOptionIsRead() {
    LoadOptions options =
        LoadOptions.parse(
            "handshakes",
            "--url",
            "ws://127.0.0.1:9/ws",
            "--token",
            "t",
            "--client",
            "jetty",
            "--mode",
            "device",
            "--device-auth",
            "token",
            "--scopes",
            "operator.read,operator.write",
            "--connections",
            "5",
            "--concurrency",
            "3",
            "--warmup",
            "0",
            "--duration",
            "1",
            "--gateway-pid",
            "42");
    assertThat(options.url().getPath()).isEqualTo("/ws");
    assertThat(options.client()).isEqualTo("jetty");
    assertThat(options.deviceAuth()).isEqualTo("token");
    assertThat(options.scopes()).containsExactly("operator.read", "operator.write");
    assertThat(options.connections()).isEqualTo(5);
    assertThat(options.concurrency()).isEqualTo(3);
    assertThat(options.warmup()).isZero();
    assertThat(options.gatewayPid()).hasValue(42);
  }

  @Test
  void mistakesAreRefusedWithTheOptionNamed() {
    assertThatThrownBy(() -> LoadOptions.parse("handshakes")).hasMessageContaining("--token");
    assertThatThrownBy(() -> LoadOptions.parse("handshakes", "--token", "t", "--nope", "1"))
        .hasMessageContaining("--nope");
    assertThatThrownBy(() -> LoadOptions.parse("handshakes", "--token", "t", "--mode", "x"))
        .hasMessageContaining("--mode");
    assertThatThrownBy(() -> LoadOptions.parse("handshakes", "--token", "t", "--duration", "0"))
        .hasMessageContaining("--duration");
    assertThatThrownBy(() -> LoadOptions.parse("handshakes", "--token", "t", "--url", "http://x"))
        .hasMessageContaining("--url");
    assertThatThrownBy(() -> LoadOptions.parse("bench")).hasMessageContaining("command");
  }
}
