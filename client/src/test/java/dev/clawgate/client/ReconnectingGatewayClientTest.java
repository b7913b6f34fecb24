package dev.clawgate.client;

import static dev.clawgate.client.GatewayClientTest.error;
import static dev.clawgate.client.GatewayClientTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.client.ConnectionState.Closed;
import dev.clawgate.client.ConnectionState.Connected;
import dev.clawgate.client.ConnectionState.Connecting;
import dev.clawgate.client.ConnectionState.Paused;
import dev.clawgate.client.TestGateway.ConnectReply;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.ErrorShape;
import dev.clawgate.protocol.EventFrame;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReconnectingGatewayClientTest {
  /** Fast backoff; a paused session retries only when told to. */
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(100), 0.2, Duration.ofHours(1));

  private TestGateway gateway;
  private final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  private final List<EventFrame> events = new CopyOnWriteArrayList<>();
  private final List<ReconnectingGatewayClient> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startGateway() throws Exception {
    gateway = TestGateway.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    started.forEach(ReconnectingGatewayClient::close);
    gateway.close();
  }

  private ReconnectingGatewayClient start() {
    ClientOptions options =
        ClientOptions.builder()
            .url(gateway.url())
            .token("t")
            .connectTimeout(Duration.ofSeconds(5))
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    ReconnectingGatewayClient client = ReconnectingGatewayClient.start(options, FAST, events::add);
    started.add(client);
    client.onState(states::add);
    return client;
  }

  @Test
  void connectsAndServesRequests() {
    ReconnectingGatewayClient client = start();

    assertThat(client.awaitConnected(Duration.ofSeconds(5)).protocol()).isEqualTo(4);
    assertThat(client.call("echo", json("{\"a\":1}"))).isEqualTo(json("{\"a\":1}"));
    assertThat(client.hello()).isPresent();
  }

  @Test
  void aTickTimeoutLeadsToAReconnect() {
    gateway.tickIntervalMs = 100; // the test gateway never ticks
    ReconnectingGatewayClient client = start();

    await().until(() -> gateway.connects.get() >= 2);
    await().until(() -> gateway.closeCodes.contains(4000));
    await().until(() -> client.state() instanceof Connected);
  }

  @Test
  void reconnectsByItselfAfterTheGatewayRestarts() throws Exception {
    ReconnectingGatewayClient client = start();
    client.awaitConnected(Duration.ofSeconds(5));

    gateway.stop();
    await().until(() -> client.state() instanceof Connecting);
    assertThatThrownBy(() -> client.call("echo", json("{}")))
        .isInstanceOfSatisfying(
            ClawgateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("not connected")
        .hasMessageContaining("reconnecting");
    gateway.restart();

    assertThat(client.awaitConnected(Duration.ofSeconds(10))).isNotNull();
    assertThat(client.call("echo", json("{\"back\":true}")).path("back").asBoolean()).isTrue();
    assertThat(states).filteredOn(s -> s instanceof Connected).hasSizeGreaterThanOrEqualTo(2);
    gateway.broadcast(EventFrame.of("test.event", json("{\"after\":\"restart\"}"), 1));
    await().until(() -> events.stream().anyMatch(e -> e.event().equals("test.event")));
  }

  @Test
  void pairingRequiredPausesWithoutAReconnectStorm() {
    ErrorShape pairing =
        ClawgateException.of(
                ErrorCode.NOT_PAIRED,
                DetailCode.PAIRING_REQUIRED,
                "pairing required: run clawgate devices approve r-1")
            .detail("requestId", "r-1")
            .build()
            .toErrorShape();
    gateway.connectPolicy = params -> new ConnectReply.Refuse(pairing, 1008);
    ReconnectingGatewayClient client = start();

    await().until(() -> client.state() instanceof Paused);
    Paused paused = (Paused) client.state();
    assertThat(paused.cause().detail()).isEqualTo(DetailCode.PAIRING_REQUIRED);
    assertThat(paused.cause().details()).containsEntry("requestId", "r-1");
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> gateway.connects.get() == 1);
    assertThatThrownBy(() -> client.awaitConnected(Duration.ofSeconds(1))).isSameAs(paused.cause());
    assertThatThrownBy(() -> client.call("echo", json("{}")))
        .hasMessageContaining("paused: pairing required");

    gateway.connectPolicy = params -> new ConnectReply.Accept(Optional.empty()); // approved
    client.retryNow();

    assertThat(client.awaitConnected(Duration.ofSeconds(5))).isNotNull();
    assertThat(gateway.connects.get()).isEqualTo(2);
  }

  @Test
  void aRateLimitWaitsRetryAfterInsteadOfPausing() {
    ErrorShape limited =
        ClawgateException.of(
                ErrorCode.INVALID_REQUEST, DetailCode.AUTH_RATE_LIMITED, "too many attempts")
            .retryAfterMs(200)
            .build()
            .toErrorShape();
    gateway.connectPolicy =
        params ->
            gateway.connects.get() == 1
                ? new ConnectReply.Refuse(limited, 1008)
                : new ConnectReply.Accept(Optional.empty());
    ReconnectingGatewayClient client = start();

    assertThat(client.awaitConnected(Duration.ofSeconds(5))).isNotNull();
    assertThat(states).noneMatch(s -> s instanceof Paused);
    assertThat(gateway.connects.get()).isEqualTo(2);
  }

  @Test
  void aRejectedDeviceTokenIsRetriedOnceAtOnceThenPauses() {
    gateway.connectPolicy =
        params ->
            new ConnectReply.Refuse(
                error(ErrorCode.INVALID_REQUEST, DetailCode.AUTH_DEVICE_TOKEN_MISMATCH, "revoked"),
                1008);
    ReconnectingGatewayClient client = start();

    await().until(() -> client.state() instanceof Paused);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> gateway.connects.get() == 2);
  }

  @Test
  void closeIsFinal() {
    ReconnectingGatewayClient client = start();
    client.awaitConnected(Duration.ofSeconds(5));

    client.close();

    assertThat(client.state()).isInstanceOf(Closed.class);
    assertThat(states.getLast()).isInstanceOf(Closed.class);
    assertThatThrownBy(() -> client.call("echo", json("{}"))).hasMessageContaining("closed");
    assertThatThrownBy(() -> client.awaitConnected(Duration.ofSeconds(1)))
        .hasMessageContaining("closed");
    await().until(() -> gateway.open.isEmpty());
  }

  @Test
  void onlyUserFixableRefusalsPause() {
    assertThat(pauses(DetailCode.PAIRING_REQUIRED)).isTrue();
    assertThat(pauses(DetailCode.AUTH_TOKEN_MISMATCH)).isTrue();
    assertThat(pauses(DetailCode.AUTH_SCOPE_MISMATCH)).isTrue();
    assertThat(pauses(DetailCode.DEVICE_AUTH_SIGNATURE_INVALID)).isTrue();
    assertThat(pauses(DetailCode.DEVICE_IDENTITY_REQUIRED)).isTrue();
    assertThat(pauses(DetailCode.PROTOCOL_MISMATCH)).isTrue();
    assertThat(pauses(DetailCode.AUTH_RATE_LIMITED)).isFalse();
    assertThat(pauses(DetailCode.SHUTTING_DOWN)).isFalse();
  }

  private static boolean pauses(DetailCode detail) {
    return ReconnectingGatewayClient.pauses(
        GatewayErrorException.of("connect", error(ErrorCode.INVALID_REQUEST, detail, "x")));
  }
}
