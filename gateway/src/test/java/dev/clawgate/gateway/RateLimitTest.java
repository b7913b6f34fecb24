package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.config.GatewayConfig.Bind;
import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.protocol.ConnectParams;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RateLimitTest extends GatewayTestBase {
  private static final ConnectParams WRONG = Fixtures.withToken(Fixtures.operator(), "wrong");

  private JsonNode connectFrom(Map<String, String> headers, ConnectParams params) {
    TestSocket socket = open(headers);
    JsonNode response = socket.connect(params.toNode());
    if (!response.path("ok").asBoolean()) {
      socket.awaitClose();
    }
    return response;
  }

  @Test
  void nonLoopbackAddressIsLockedOutAfterMaxFailures() {
    RateLimit limit = new RateLimit(3, Duration.ofMinutes(1), Duration.ofMinutes(5), true);
    start(Fixtures.config(Bind.LOOPBACK, AuthMode.TOKEN, limit, List.of("127.0.0.1")), b -> b);
    Map<String, String> attacker = Map.of("X-Forwarded-For", "203.0.113.7");
    for (int i = 0; i < 3; i++) {
      assertThat(detail(connectFrom(attacker, WRONG))).isEqualTo("AUTH_TOKEN_MISMATCH");
    }
    JsonNode limited = connectFrom(attacker, Fixtures.operator());
    JsonNode error = limited.path("error");
    assertThat(error.path("code").asString()).isEqualTo("INVALID_REQUEST");
    assertThat(detail(limited)).isEqualTo("AUTH_RATE_LIMITED");
    assertThat(error.path("message").asString())
        .isEqualTo("too many failed authentication attempts from 203.0.113.7; retry in 300 s");
    assertThat(error.path("retryAfterMs").asLong()).isBetween(299_000L, 300_000L);

    // Another address is unaffected.
    JsonNode other = connectFrom(Map.of("X-Forwarded-For", "203.0.113.8"), Fixtures.operator());
    assertThat(other.path("ok").asBoolean()).isTrue();
  }

  @Test
  void limiterAppliesToLoopbackWhenTheExemptionIsOff() {
    RateLimit limit = new RateLimit(2, Duration.ofMinutes(1), Duration.ofMinutes(5), false);
    start(Fixtures.config(Bind.LOOPBACK, AuthMode.TOKEN, limit, List.of()), b -> b);
    connectFrom(Map.of(), WRONG);
    connectFrom(Map.of(), WRONG);
    assertThat(detail(connectFrom(Map.of(), Fixtures.operator()))).isEqualTo("AUTH_RATE_LIMITED");
  }

  @Test
  void loopbackIsExemptByDefault() {
    start();
    for (int i = 0; i < RateLimit.defaults().maxAttempts() + 2; i++) {
      assertThat(detail(connectFrom(Map.of(), WRONG))).isEqualTo("AUTH_TOKEN_MISMATCH");
    }
    assertThat(connectFrom(Map.of(), Fixtures.operator()).path("ok").asBoolean()).isTrue();
  }
}
