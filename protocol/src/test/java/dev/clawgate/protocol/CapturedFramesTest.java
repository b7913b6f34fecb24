package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import tools.jackson.databind.JsonNode;

/** Every frame captured from the reference implementation parses, and survives a round trip. */
class CapturedFramesTest {

  @Test
  void everyCapturedFrameIsListed() throws IOException, URISyntaxException {
    URL dir = Objects.requireNonNull(CapturedFramesTest.class.getResource("/frames"));
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(CapturedFrames.ALL);
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("dev.clawgate.protocol.CapturedFrames#ALL")
  void writtenFrameParsesToAnEqualFrame(String name) {
    Frame frame = CapturedFrames.parse(name);

    Frame reparsed = Frames.parse(Frames.write(frame));

    assertThat(reparsed).isEqualTo(frame);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("dev.clawgate.protocol.CapturedFrames#ALL")
  void writtenFrameKeepsEveryFieldOfTheCapture(String name) {
    JsonNode captured = Json.mapper().readTree(CapturedFrames.read(name));

    JsonNode written = Json.mapper().readTree(Frames.write(CapturedFrames.parse(name)));

    assertThat(written).isEqualTo(captured);
  }

  @Test
  void connectChallengeIsAnEventWithNonceAndTimestamp() {
    EventFrame event = (EventFrame) CapturedFrames.parse("event-connect.challenge.json");

    assertThat(event.event()).isEqualTo("connect.challenge");
    assertThat(event.seq()).isEmpty();
    assertThat(event.stateVersion()).isEmpty();
    JsonNode payload = event.payload().orElseThrow();
    assertThat(payload.get("nonce").stringValue())
        .isEqualTo("26ff0b4c-f252-4773-ae34-c00a6c2432c6");
    assertThat(payload.get("ts").longValue()).isEqualTo(1795573215082L);
  }

  @Test
  void connectRequestWithoutDeviceParses() {
    RequestFrame request = CapturedFrames.request("req-connect.json");

    assertThat(request.id()).isEqualTo("1:cd07d924-f9c6-4a19-8043-124f83dd375a");
    assertThat(request.method()).isEqualTo("connect");
    ConnectParams params = ConnectParams.parse(request.params());
    assertThat(params.minProtocol()).isEqualTo(4);
    assertThat(params.maxProtocol()).isEqualTo(4);
    assertThat(params.client().id()).isEqualTo("cli");
    assertThat(params.client().version()).isEqualTo("2026.9.6");
    assertThat(params.client().platform()).isEqualTo("linux");
    assertThat(params.client().deviceFamily()).contains("Linux");
    assertThat(params.client().mode()).isEqualTo("cli");
    assertThat(params.client().instanceId()).contains("895d5141-45db-4244-bc12-df7f4c88df4c");
    assertThat(params.client().displayName()).isEmpty();
    assertThat(params.caps()).isEmpty();
    assertThat(params.auth().token()).contains("tok123secret");
    assertThat(params.auth().signatureToken()).isEqualTo("tok123secret");
    assertThat(params.role()).isEqualTo(Role.OPERATOR);
    assertThat(params.scopeNames()).containsExactly("operator.pairing");
    assertThat(params.scopes()).isEqualTo(ScopeSet.of(Scope.PAIRING));
    assertThat(params.device()).isEmpty();
  }

  @Test
  void connectRequestWithDeviceParses() {
    RequestFrame request = CapturedFrames.request("req-connect-with-device.json");

    assertThat(request.method()).isEqualTo("connect");
    ConnectParams params = ConnectParams.parse(request.params());
    assertThat(params.client().displayName()).contains("OpenClaw MCP");
    assertThat(params.caps()).containsExactly("approvals");
    assertThat(params.scopeNames())
        .containsExactly("operator.read", "operator.write", "operator.approvals");
    DeviceProof device = params.device().orElseThrow();
    assertThat(device.id())
        .isEqualTo("b4f0e00935b61e7afe70a3f0a707d9022217f3c78f1a732d7b08e7c727649415");
    assertThat(device.publicKey()).isEqualTo("lgDDsAZc0XMIReyjUmEGesuYz2NzBuFe_zJW3krvM4s");
    assertThat(device.signedAt()).isEqualTo(1795573219844L);
    assertThat(device.nonce()).contains("b2cc227f-cd80-4e14-8511-664deb30e670");
  }

  @Test
  void capturedConnectParamsSurviveTheirOwnWireForm() {
    for (String name : new String[] {"req-connect.json", "req-connect-with-device.json"}) {
      ConnectParams params = ConnectParams.parse(CapturedFrames.request(name).params());

      assertThat(ConnectParams.parse(java.util.Optional.of(params.toNode())))
          .as(name)
          .isEqualTo(params);
    }
  }

  @Test
  void otherCapturedRequestsParse() {
    RequestFrame pairList = CapturedFrames.request("req-device.pair.list.json");
    RequestFrame sessionsList = CapturedFrames.request("req-sessions.list.json");
    RequestFrame subscribe = CapturedFrames.request("req-sessions.subscribe.json");

    assertThat(pairList.method()).isEqualTo("device.pair.list");
    assertThat(pairList.id()).isEqualTo("2:2e3d2856-f0ba-410c-ab3c-caa758f798ec");
    assertThat(pairList.params().orElseThrow().isEmpty()).isTrue();
    assertThat(sessionsList.method()).isEqualTo("sessions.list");
    assertThat(sessionsList.params().orElseThrow().get("limit").intValue()).isEqualTo(50);
    assertThat(subscribe.method()).isEqualTo("sessions.subscribe");
    assertThat(subscribe.id()).isEqualTo("2:4731d777-6fd8-49bd-bbda-51bbfdd6d5f2");
  }

  @Test
  void tokenMismatchIsAFailedResponseWithItsDetailCode() {
    ResponseFrame response = CapturedFrames.response("res-connect-token-mismatch.json");

    assertThat(response.id()).isEqualTo("1");
    assertThat(response.ok()).isFalse();
    assertThat(response.payload()).isEmpty();
    ErrorShape error = response.error().orElseThrow();
    assertThat(error.code()).isEqualTo(ErrorCode.INVALID_REQUEST.name());
    assertThat(error.detailCode()).contains(DetailCode.AUTH_TOKEN_MISMATCH.name());
    assertThat(error.message()).contains("gateway token mismatch");
    assertThat(error.details().orElseThrow().get("authReason").stringValue())
        .isEqualTo("token_mismatch");
    assertThat(error.retryable()).isEmpty();
    assertThat(error.retryAfterMs()).isEmpty();
  }

  @Test
  void successfulResponsesCarryTheirPayloads() {
    ResponseFrame pairList = CapturedFrames.response("res-device.pair.list.json");
    ResponseFrame sessionsList = CapturedFrames.response("res-sessions.list.json");
    ResponseFrame subscribe = CapturedFrames.response("res-sessions.subscribe.json");

    assertThat(pairList.ok()).isTrue();
    assertThat(pairList.error()).isEmpty();
    JsonNode paired = pairList.payload().orElseThrow().get("paired").get(0);
    assertThat(paired.get("deviceId").stringValue())
        .isEqualTo("b4f0e00935b61e7afe70a3f0a707d9022217f3c78f1a732d7b08e7c727649415");
    assertThat(sessionsList.id()).isEqualTo("3:2ed256d5-7fa7-4502-9e13-dca94d0a1f88");
    assertThat(sessionsList.payload().orElseThrow().get("nextOffset").isNull()).isTrue();
    assertThat(subscribe.payload().orElseThrow().get("subscribed").booleanValue()).isTrue();
  }

  @Test
  void helloOkPayloadParsesDespiteItsExtraFields() {
    ResponseFrame response = CapturedFrames.response("res-hello-ok.json");

    HelloOk hello = HelloOk.parse(response.payload().orElseThrow());

    assertThat(response.ok()).isTrue();
    assertThat(hello.protocol()).isEqualTo(4);
    assertThat(hello.serverVersion()).isEqualTo("2026.9.6");
    assertThat(hello.connId()).isEqualTo("455865bb-14d2-4d9b-b14e-221b51eef654");
    assertThat(hello.methods()).hasSize(16).startsWith("health").contains("status");
    assertThat(hello.events()).contains("connect.challenge", "tick", "device.pair.requested");
    assertThat(hello.snapshot().orElseThrow().stringValue()).startsWith("<omitted");
    assertThat(hello.auth().method()).contains("token");
    assertThat(hello.auth().role()).isEqualTo(Role.OPERATOR);
    assertThat(hello.auth().scopes()).containsExactly("operator.read");
    assertThat(hello.auth().deviceToken()).isEmpty();
    assertThat(hello.auth().issuedAtMs()).isEmpty();
    assertThat(hello.policy()).isEqualTo(new HelloOk.Policy(26214400L, 52428800L, 30000L));
  }
}
