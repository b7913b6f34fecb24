package dev.clawgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import org.junit.jupiter.api.Test;

class GatewayUrlTest {
  @Test
  void theDefaultIsTheLocalGateway() {
    assertThat(GatewayUrl.local().toString()).isEqualTo("ws://127.0.0.1:18789");
    assertThat(ClientOptions.builder().build().url()).isEqualTo(GatewayUrl.local());
  }

  @Test
  void fillsInTheDefaultPortAndKeepsPathAndQuery() {
    assertThat(GatewayUrl.parse("ws://gateway.lan").toString()).isEqualTo("ws://gateway.lan:18789");
    assertThat(GatewayUrl.parse(" wss://gw.example.com/ws?x=1 ").toString())
        .isEqualTo("wss://gw.example.com:18789/ws?x=1");
    assertThat(GatewayUrl.parse("ws://[::1]:9000").toString()).isEqualTo("ws://[::1]:9000");
    assertThat(GatewayUrl.parse("WSS://Host:443").secure()).isTrue();
  }

  @Test
  void httpUrlsAreConverted() {
    assertThat(GatewayUrl.parse("http://127.0.0.1:18789/").toString())
        .isEqualTo("ws://127.0.0.1:18789/");
    assertThat(GatewayUrl.parse("https://gw.example.com").toString())
        .isEqualTo("wss://gw.example.com:18789");
  }

  @Test
  void anythingElseIsAClearError() {
    assertInvalid("ftp://host", "scheme must be ws, wss, http or https");
    assertInvalid("localhost:18789", "did you mean ws://localhost:18789");
    assertInvalid("", "empty");
    assertInvalid("ws://host:99999", "port");
    assertInvalid("ws://host/#frag", "fragment");
    assertInvalid("ws:///path", "host");
    assertThatThrownBy(() -> GatewayUrl.parse("ws://user:hunter2@host"))
        .hasMessageContaining("credentials")
        .hasMessageNotContaining("hunter2");
  }

  private static void assertInvalid(String text, String problem) {
    assertThatThrownBy(() -> GatewayUrl.parse(text))
        .isInstanceOfSatisfying(
            ClawgateException.class,
            e -> assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG))
        .hasMessageContaining(problem)
        .hasMessageContaining("expected ws://host:port");
  }
}
