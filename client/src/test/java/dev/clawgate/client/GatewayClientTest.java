package dev.clawgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.client.TestGateway.ConnectReply;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.ErrorShape;
import dev.clawgate.protocol.EventFrame;
import dev.clawgate.protocol.Frames;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ResponseFrame;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class GatewayClientTest {
  @TempDir Path stateDir;
  private TestGateway gateway;

  @BeforeEach
  void startGateway() throws Exception {
    gateway = TestGateway.start();
  }

  @AfterEach
  void stopGateway() throws Exception {
    gateway.close();
  }

  private ClientOptions.Builder options() {
    return ClientOptions.builder()
        .url(gateway.url())
        .connectTimeout(Duration.ofSeconds(5))
        .requestTimeout(Duration.ofSeconds(5));
  }

  static ObjectNode json(String text) {
    return (ObjectNode) Json.mapper().readTree(text);
  }

  @Test
  void theOwnerConnectsWithTheSharedTokenAndNoIdentity() {
    try (GatewayClient client =
        GatewayClient.connect(options().token("tok123secret").scopes("operator.pairing").build())) {
      assertThat(client.isOpen()).isTrue();
      assertThat(client.hello().protocol()).isEqualTo(4);
      assertThat(client.hello().auth().scopes()).containsExactly("operator.pairing");
      ConnectParams sent = gateway.connectRequests.getFirst();
      assertThat(sent.auth().token()).contains("tok123secret");
      assertThat(sent.device()).isEmpty();
      assertThat(sent.role()).isEqualTo(Role.OPERATOR);
      assertThat(sent.client().id()).isEqualTo("cli");
      assertThat(client.call("echo", json("{\"a\":1}"))).isEqualTo(json("{\"a\":1}"));
    }
  }

  @Test
  void aDeviceSignsTheChallengeNonceAndTheGatewayVerifiesIt() {
    DeviceIdentity identity = DeviceIdentity.generate();
    try (GatewayClient client =
        GatewayClient.connect(
            options().token("tok").identity(identity).scopes("operator.read").build())) {
      assertThat(client.isOpen()).isTrue(); // the test gateway refuses a proof that fails
      ConnectParams sent = gateway.connectRequests.getFirst();
      assertThat(sent.device().orElseThrow().id()).isEqualTo(identity.deviceId());
      assertThat(sent.device().orElseThrow().nonce()).isPresent();
    }
  }

  @Test
  void aDeviceTokenFromHelloIsStoredAndSentOnTheNextConnect() {
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    gateway.connectPolicy =
        params ->
            new ConnectReply.Accept(
                params.auth().deviceToken().isPresent() ? Optional.empty() : Optional.of("dt-1"));
    ClientOptions options = options().deviceState(stateDir).scopes("operator.read").build();
    String deviceId = options.identity().orElseThrow().deviceId();

    GatewayClient.connect(options).close();

    StoredDeviceToken stored = store.token(deviceId, Role.OPERATOR).orElseThrow();
    assertThat(stored.token()).isEqualTo("dt-1");
    assertThat(stored.scopes()).containsExactly("operator.read");

    GatewayClient.connect(options).close();

    ConnectParams second = gateway.connectRequests.get(1);
    assertThat(second.auth().deviceToken()).contains("dt-1");
    assertThat(second.auth().token()).isEmpty();
  }

  @Test
  void partialFramesAreJoinedIntoOneMessage() {
    String text = "héllo wörld ✓ 𝄞 ".repeat(500);
    try (GatewayClient client = GatewayClient.connect(options().token("t").build())) {
      ObjectNode params = Json.mapper().createObjectNode();
      params.put("text", text);
      params.put("parts", 7);

      assertThat(client.call("partial", params).path("text").asString()).isEqualTo(text);
    }
  }

  @Test
  void concurrentRequestsGetTheirOwnResponses() throws Exception {
    try (GatewayClient client = GatewayClient.connect(options().token("t").build())) {
      List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        ObjectNode params = Json.mapper().createObjectNode();
        params.put("n", i);
        params.put("delayMs", ThreadLocalRandom.current().nextInt(30));
        answers.add(client.request("slowEcho", params)); // answered out of order
      }
      for (int i = 0; i < 64; i++) {
        assertThat(answers.get(i).get().path("n").asInt()).isEqualTo(i);
      }
      // An answer to an id nobody asked for is ignored; the real answer still arrives.
      assertThat(client.call("strayFirst", json("{\"x\":\"mine\"}")).path("x").asString())
          .isEqualTo("mine");
    }
  }

  @Test
  void anErrorResponseKeepsTheGatewaysErrorVerbatim() {
    try (GatewayClient client = GatewayClient.connect(options().token("t").build())) {
      ObjectNode known =
          json(
              """
              {"error":{"code":"FORBIDDEN","message":"missing scope: operator.admin",
               "details":{"code":"MISSING_SCOPE","requiredScope":"operator.admin",
                          "nested":{"a":[1,2]}},"retryable":false}}\
              """);

      assertThatThrownBy(() -> client.call("fail", known))
          .isInstanceOfSatisfying(
              GatewayErrorException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(e.detail()).isEqualTo(DetailCode.MISSING_SCOPE);
                assertThat(e.method()).isEqualTo("fail");
                assertThat(e.getMessage()).isEqualTo("missing scope: operator.admin");
                assertThat(e.rawDetails()).contains(known.path("error").path("details"));
                assertThat(e.details()).containsEntry("requiredScope", "operator.admin");
                assertThat(e.toErrorShape()).isSameAs(e.error());
              });

      ObjectNode unknown =
          json(
              """
              {"error":{"code":"TEAPOT","message":"short and stout",
               "details":{"code":"BREWING","x":1},"retryAfterMs":1500}}\
              """);
      assertThatThrownBy(() -> client.call("fail", unknown))
          .isInstanceOfSatisfying(
              GatewayErrorException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                assertThat(e.detail()).isEqualTo(DetailCode.INTERNAL_ERROR);
                assertThat(e.rawCode()).isEqualTo("TEAPOT");
                assertThat(e.rawDetailCode()).contains("BREWING");
                assertThat(e.retryAfterMs()).contains(1500L);
              });
    }
  }

  @Test
  void aRefusedConnectThrowsTheGatewaysError() {
    // The reference gateway's answer to a wrong shared token
    // (spec/frames/res-connect-token-mismatch).
    ErrorShape mismatch =
        ((ResponseFrame)
                Frames.parse(
                    """
                    {"type":"res","id":"1","ok":false,"error":{"code":"INVALID_REQUEST",
                     "message":"unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)",
                     "details":{"code":"AUTH_TOKEN_MISMATCH","authReason":"token_mismatch",
                     "canRetryWithDeviceToken":false,"recommendedNextStep":"update_auth_credentials"}}}\
                    """))
            .error()
            .orElseThrow();
    gateway.connectPolicy = params -> new ConnectReply.Refuse(mismatch, 1008);

    assertThatThrownBy(() -> GatewayClient.connect(options().token("wrong").build()))
        .isInstanceOfSatisfying(
            GatewayErrorException.class,
            e -> {
              assertThat(e.method()).isEqualTo("connect");
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.detail()).isEqualTo(DetailCode.AUTH_TOKEN_MISMATCH);
              assertThat(e.error()).isEqualTo(mismatch);
              assertThat(e.details())
                  .containsEntry("recommendedNextStep", "update_auth_credentials");
            });
  }

  @Test
  void aDeviceTokenMismatchClearsTheStoredToken() {
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    ClientOptions options = options().deviceState(stateDir).build();
    String deviceId = options.identity().orElseThrow().deviceId();
    store.store(deviceId, Role.OPERATOR, "revoked-token", List.of("operator.read"));
    gateway.connectPolicy =
        params ->
            new ConnectReply.Refuse(
                error(ErrorCode.INVALID_REQUEST, DetailCode.AUTH_DEVICE_TOKEN_MISMATCH, "revoked"),
                1008);

    assertThatThrownBy(() -> GatewayClient.connect(options))
        .isInstanceOfSatisfying(
            GatewayErrorException.class,
            e -> assertThat(e.detail()).isEqualTo(DetailCode.AUTH_DEVICE_TOKEN_MISMATCH));

    assertThat(gateway.connectRequests.getFirst().auth().deviceToken()).contains("revoked-token");
    assertThat(store.token(deviceId, Role.OPERATOR)).isEmpty();
  }

  @Test
  void closeFailsPendingRequestsAndLaterOnesAtOnce() {
    GatewayClient client = GatewayClient.connect(options().token("t").build());
    CompletableFuture<JsonNode> pending = client.request("never", json("{}"));

    client.close();

    assertThat(pending)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            ClawgateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .withMessageContaining("connection closed");
    assertThat(client.request("echo", json("{}"))).isCompletedExceptionally();
    assertThat(client.disconnected().toCompletableFuture().join().statusCode()).isEqualTo(1000);
    await().until(() -> gateway.closeCodes.contains(1000));
  }

  @Test
  void eventsArriveInOrderOnTheDispatcherThread() {
    List<Long> seqs = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    try (GatewayClient client =
        GatewayClient.connect(
            options().token("t").build(),
            event -> {
              if (event.event().equals("test.event")) {
                seqs.add(event.seq().orElseThrow());
                threads.add(Thread.currentThread().getName());
              }
            })) {
      client.call("emit", json("{\"count\":300}"));

      await().until(() -> seqs.size() == 300);
      assertThat(seqs).isSorted().doesNotHaveDuplicates();
      assertThat(threads).containsOnly("clawgate-events");
    }
  }

  @Test
  void aBlockedListenerDoesNotStallResponses() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<EventFrame> seen = new CopyOnWriteArrayList<>();
    try (GatewayClient client = GatewayClient.connect(options().token("t").build())) {
      client.onEvent(event -> {
        seen.add(event);
        awaitLatch(release);
      });
      client.call("emit", json("{\"count\":5}"));
      assertThat(client.call("echo", json("{\"still\":\"answered\"}")).path("still").asString())
          .isEqualTo("answered");
      release.countDown();
      await().until(() -> seen.size() == 5);
    }
  }

  @Test
  void aGatewayThatSendsNoChallengeTimesOutClearly() {
    gateway.sendChallenge = false;

    assertThatThrownBy(() ->
            GatewayClient.connect(
                options().token("t").connectTimeout(Duration.ofMillis(300)).build()))
        .isInstanceOfSatisfying(
            ClawgateException.class,
            e -> assertThat(e.detail()).isEqualTo(DetailCode.HANDSHAKE_TIMEOUT))
        .hasMessageContaining("connect.challenge");
  }

  @Test
  void anUnreachableGatewayIsUnavailable() throws Exception {
    gateway.stop();

    assertThatThrownBy(() -> GatewayClient.connect(options().token("t").build()))
        .isInstanceOfSatisfying(
            ClawgateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("cannot connect to the gateway at " + gateway.url());
  }

  @Test
  void aMessageOverMaxPayloadEndsTheConnection() {
    gateway.maxPayload = 4096;
    try (GatewayClient client = GatewayClient.connect(options().token("t").build())) {
      ObjectNode tooBig = Json.mapper().createObjectNode();
      tooBig.put("text", "y".repeat(5000));
      assertThatThrownBy(() -> client.call("echo", tooBig)) // refused before it is sent
          .isInstanceOfSatisfying(
              ClawgateException.class,
              e -> assertThat(e.detail()).isEqualTo(DetailCode.FRAME_TOO_LARGE));
      assertThat(client.isOpen()).isTrue();

      assertThatThrownBy(() -> client.call("big", json("{\"bytes\":10000}")))
          .isInstanceOf(ClawgateException.class);
      assertThat(client.isOpen()).isFalse();
      assertThat(client.disconnected().toCompletableFuture().join().reason())
          .isEqualTo("message too big");
      await().until(() -> gateway.closeCodes.contains(1009));
    }
  }

  @Test
  void silenceForTwoTicksClosesWith4000() {
    gateway.tickIntervalMs = 100; // and the test gateway never ticks
    GatewayClient client = GatewayClient.connect(options().token("t").build());

    GatewayClient.Disconnect how = client.disconnected().toCompletableFuture().join();

    assertThat(how.statusCode()).isEqualTo(4000);
    assertThat(how.reason()).isEqualTo("tick timeout");
    assertThat(how.byClient()).isTrue();
    await().until(() -> gateway.closeCodes.contains(4000));
  }

  static ErrorShape error(ErrorCode code, DetailCode detail, String message) {
    return ClawgateException.of(code, detail, message).build().toErrorShape();
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
