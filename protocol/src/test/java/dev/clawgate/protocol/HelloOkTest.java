package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The hello-ok payload: written by the gateway, read by the client. */
class HelloOkTest {
  private static final String DEVICE_TOKEN = "dtok-0f9e8d7c-secret";

  private static HelloOk sample(Optional<String> deviceToken) {
    return new HelloOk(
        4,
        "0.1.0",
        "conn-1",
        List.of("health", "status", "chat.message.get"),
        List.of("connect.challenge", "tick"),
        Optional.of(Json.mapper().createObjectNode().put("presence", 2)),
        new HelloOk.Auth(
            Optional.of("device-token"),
            Role.OPERATOR,
            List.of("operator.read", "operator.write"),
            deviceToken,
            deviceToken.map(t -> 1_795_573_219_844L)),
        new HelloOk.Policy(
            ProtocolLimits.MAX_PAYLOAD_BYTES,
            ProtocolLimits.MAX_BUFFERED_BYTES,
            ProtocolLimits.TICK_INTERVAL.toMillis()));
  }

  @Test
  void writtenHelloOkParsesToAnEqualValue() {
    HelloOk hello = sample(Optional.of(DEVICE_TOKEN));

    assertThat(HelloOk.parse(hello.toNode())).isEqualTo(hello);
  }

  @Test
  void helloOkWithoutTokenOrSnapshotRoundTrips() {
    HelloOk base = sample(Optional.empty());
    HelloOk hello =
        new HelloOk(
            3,
            base.serverVersion(),
            base.connId(),
            List.of(),
            List.of(),
            Optional.empty(),
            new HelloOk.Auth(
                Optional.empty(), Role.NODE, List.of(), Optional.empty(), Optional.empty()),
            base.policy());

    assertThat(HelloOk.parse(hello.toNode())).isEqualTo(hello);
  }

  @Test
  void helloOkSurvivesAResponseFrame() {
    HelloOk hello = sample(Optional.of(DEVICE_TOKEN));

    ResponseFrame frame =
        (ResponseFrame) Frames.parse(Frames.write(ResponseFrame.success("1", hello.toNode())));

    assertThat(HelloOk.parse(frame.payload().orElseThrow())).isEqualTo(hello);
  }

  @Test
  void writtenHelloOkHasTheReferenceShape() {
    ObjectNode node = sample(Optional.of(DEVICE_TOKEN)).toNode();

    assertThat(node.get("type").stringValue()).isEqualTo("hello-ok");
    assertThat(node.get("server").get("connId").stringValue()).isEqualTo("conn-1");
    assertThat(node.get("features").get("methods").size()).isEqualTo(3);
    assertThat(node.get("auth").get("deviceToken").stringValue()).isEqualTo(DEVICE_TOKEN);
    assertThat(node.get("policy").get("maxPayload").longValue()).isEqualTo(26214400L);
    assertThat(node.get("policy").get("maxBufferedBytes").longValue()).isEqualTo(52428800L);
  }

  @Test
  void authToStringHidesTheDeviceToken() {
    HelloOk hello = sample(Optional.of(DEVICE_TOKEN));

    assertThat(hello.auth().toString()).doesNotContain(DEVICE_TOKEN).contains("<redacted>");
    assertThat(hello.toString()).doesNotContain(DEVICE_TOKEN);
  }

  @Test
  void payloadOfAnotherTypeIsRejected() {
    ObjectNode node = sample(Optional.empty()).toNode();
    node.put("type", "hello-maybe");

    ClawgateException e = catchThrowableOfType(ClawgateException.class, () -> HelloOk.parse(node));

    assertThat(e.getMessage()).isEqualTo("payload.type: must be \"hello-ok\"");
  }

  @Test
  void missingPolicyValuesFallBackToTheDocumentedDefaults() {
    ObjectNode node = sample(Optional.empty()).toNode();
    node.putObject("policy");

    HelloOk hello = HelloOk.parse(node);

    assertThat(hello.policy())
        .isEqualTo(
            new HelloOk.Policy(
                ProtocolLimits.MAX_PAYLOAD_BYTES,
                ProtocolLimits.MAX_BUFFERED_BYTES,
                ProtocolLimits.TICK_INTERVAL.toMillis()));
  }
}
