package dev.clawgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's RFC 6455 framing, against a peer that sends exactly the bytes each test picks. */
class SocketLinkTest {
  private RawPeer peer;
  private final Recorder handler = new Recorder();
  private @Nullable SocketLink link;

  @BeforeEach
  void startPeer() throws IOException {
    peer = new RawPeer();
  }

  @AfterEach
  void stop() throws IOException {
    if (link != null) {
      link.close(1000, "");
    }
    peer.close();
  }

  private SocketLink open(long maxMessageBytes) throws IOException {
    SocketLink opened = new SocketLink(peer.url(), Duration.ofSeconds(5), maxMessageBytes, handler);
    link = opened;
    opened.open();
    peer.accept().upgrade();
    assertThat(handler.next()).isEqualTo("opened");
    return opened;
  }

  @Test
  void sendsAProperUpgradeRequest() throws IOException {
    open(1024);
    assertThat(peer.requestHead)
        .startsWith("GET / HTTP/1.1\r\n")
        .contains("Host: 127.0.0.1:" + peer.url().port() + "\r\n")
        .containsIgnoringCase("Upgrade: websocket\r\n")
        .containsIgnoringCase("Connection: Upgrade\r\n")
        .contains("Sec-WebSocket-Version: 13\r\n")
        .doesNotContainIgnoringCase("Origin:");
    assertThat(java.util.Base64.getDecoder().decode(peer.requestKey())).hasSize(16);
  }

  /**
   * The end of the stream right after a message is reported, also when the handler had not asked
   * for more yet: the failure that made the JDK client unusable here.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aDroppedConnectionRightAfterAMessageIsAlwaysReported(boolean demand) throws Exception {
    for (int round = 0; round < 25; round++) {
      handler.demand = demand;
      SocketLink current = open(1024);
      peer.text("last words");
      peer.drop();
      assertThat(handler.next()).isEqualTo("message:last words");
      if (!demand) {
        assertThat(handler.poll(Duration.ofMillis(50))).isNull(); // not read without demand
        current.request();
      }
      assertThat(handler.next())
          .isEqualTo("closedByPeer:1006:the connection ended without a close frame");
      current.gone().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void joinsFragmentsAndAnswersAPingInTheMiddle() throws IOException {
    open(1024);
    peer.frame(0x01, "hel".getBytes(StandardCharsets.UTF_8), false); // text, not final
    peer.frame(0x89, "are you there".getBytes(StandardCharsets.UTF_8), false); // ping
    peer.frame(0x80, "lo".getBytes(StandardCharsets.UTF_8), false); // final continuation

    RawPeer.ClientFrame pong = peer.read();
    assertThat(pong.opcode()).isEqualTo(0xA);
    assertThat(pong.text()).isEqualTo("are you there");
    assertThat(handler.next()).isEqualTo("message:hello");
  }

  @Test
  void sendsMaskedFramesOfEveryLengthEncoding() throws IOException {
    SocketLink opened = open(1024);
    for (int length : new int[] {0, 125, 126, 65535, 65536, 200_000}) {
      String text = "é".repeat(length / 2) + "x".repeat(length % 2);
      assertThat(opened.send(text.getBytes(StandardCharsets.UTF_8))).isCompleted();
      RawPeer.ClientFrame frame = peer.read();
      assertThat(frame.opcode()).isEqualTo(0x1);
      assertThat(frame.fin()).isTrue();
      assertThat(frame.text()).isEqualTo(text);
    }
  }

  @Test
  void aMaskedServerFrameIsAProtocolError() throws IOException {
    open(1024);
    peer.frame(0x81, "hi".getBytes(StandardCharsets.UTF_8), true);

    assertThat(handler.next()).isEqualTo("failed:a server frame is masked");
    RawPeer.ClientFrame close = peer.read();
    assertThat(close.opcode()).isEqualTo(0x8);
    assertThat(close.closeCode()).isEqualTo(1002);
  }

  @Test
  void invalidUtf8IsClosedWith1007() throws IOException {
    open(1024);
    peer.frame(0x81, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}, false);

    assertThat(handler.next()).isEqualTo("failed:a text message is not valid UTF-8");
    assertThat(peer.read().closeCode()).isEqualTo(1007);
  }

  @Test
  void protocolViolationsAreNamed() throws IOException {
    List<String> seen = new ArrayList<>();
    byte[][] frames = {
      {(byte) 0xC1, 0}, // RSV1 set
      {(byte) 0x83, 0}, // opcode 3
      {(byte) 0x09, 0}, // fragmented ping
      {(byte) 0x80, 0}, // continuation outside a message
      {(byte) 0x89, 126, 0, 126}, // ping of 126 bytes
      {(byte) 0x88, 1, 0}, // close with a 1-byte payload
      {(byte) 0x88, 2, 0x03, (byte) 0xED}, // close code 1005, which may not be sent
    };
    for (byte[] frame : frames) {
      open(1024);
      peer.raw(frame);
      seen.add(handler.next());
    }
    assertThat(seen)
        .containsExactly(
            "failed:a frame has reserved bits set",
            "failed:unknown opcode 3",
            "failed:a control frame is fragmented",
            "failed:a continuation frame outside a message",
            "failed:a control frame is over 125 bytes",
            "failed:a close frame has a 1-byte payload",
            "failed:a close frame has invalid code 1005");
  }

  @Test
  void anOversizedMessageIsRefusedBeforeItsBytesArrive() throws IOException {
    SocketLink opened = open(1000);
    // A header claiming a terabyte, and nothing after it: no allocation, no wait for the bytes.
    peer.raw(new byte[] {(byte) 0x81, 127, 0, 0, 1, 0, 0, 0, 0, 0});
    assertThat(handler.next()).isEqualTo("tooLarge:1099511627776/1000");

    opened.close(1009, "message too big");
    RawPeer.ClientFrame close = peer.read();
    assertThat(close.closeCode()).isEqualTo(1009);
    assertThat(close.closeReason()).isEqualTo("message too big");
  }

  @Test
  void fragmentsCountTowardsTheLimitTogether() throws IOException {
    open(10);
    peer.frame(0x01, "123456".getBytes(StandardCharsets.UTF_8), false);
    peer.frame(0x80, "789012".getBytes(StandardCharsets.UTF_8), false);
    assertThat(handler.next()).isEqualTo("tooLarge:12/10");
  }

  @Test
  void aServerCloseIsEchoedAndReported() throws IOException {
    open(1024);
    peer.close(4001, "bye");

    assertThat(handler.next()).isEqualTo("closedByPeer:4001:bye");
    RawPeer.ClientFrame echo = peer.read();
    assertThat(echo.opcode()).isEqualTo(0x8);
    assertThat(echo.closeCode()).isEqualTo(4001);
    assertThat(peer.clientClosedStream()).isTrue();
  }

  @Test
  void aClientCloseWaitsForTheReplyThenEnds() throws Exception {
    SocketLink opened = open(1024);
    opened.close(1000, "done");

    RawPeer.ClientFrame close = peer.read();
    assertThat(close.closeCode()).isEqualTo(1000);
    assertThat(close.closeReason()).isEqualTo("done");
    assertThat(opened.gone()).isNotDone(); // waiting for the reply
    peer.close(1000, "");
    opened.gone().get(SocketLink.CLOSE_GRACE.toMillis() / 2, TimeUnit.MILLISECONDS);
    assertThat(opened.send("late".getBytes(StandardCharsets.UTF_8))).isCompletedExceptionally();
    assertThat(handler.poll(Duration.ofMillis(50))).isNull(); // a close we started is not news
  }

  @Test
  void aCloseReasonIsCutToFitAControlFrame() throws IOException {
    SocketLink opened = open(1024);
    opened.close(4000, "ü".repeat(100));
    RawPeer.ClientFrame close = peer.read();
    assertThat(close.payload().length).isLessThanOrEqualTo(125);
    assertThat(close.closeReason()).isEqualTo("ü".repeat(61));
  }

  @Test
  void aRefusedUpgradeNamesTheStatus() throws IOException {
    link = new SocketLink(peer.url(), Duration.ofSeconds(5), 1024, handler);
    link.open();
    peer.accept().answer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    assertThat(handler.next()).isEqualTo("unreachable:the server answered 404 Not Found");
  }

  @Test
  void aWrongAcceptKeyIsRefused() throws IOException {
    link = new SocketLink(peer.url(), Duration.ofSeconds(5), 1024, handler);
    link.open();
    peer.accept()
        .answer(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + RawPeer.acceptFor("somebody else's key")
                + "\r\n\r\n");
    assertThat(handler.next())
        .isEqualTo("unreachable:the 101 response has a wrong Sec-WebSocket-Accept");
  }

  @Test
  void framesInTheSamePacketAsTheUpgradeAreRead() throws IOException {
    link = new SocketLink(peer.url(), Duration.ofSeconds(5), 1024, handler);
    link.open();
    peer.accept();
    byte[] frame = {(byte) 0x81, 2, 'h', 'i'};
    String head =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: "
            + RawPeer.acceptFor(peer.requestKey())
            + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] both = new byte[headBytes.length + frame.length];
    System.arraycopy(headBytes, 0, both, 0, headBytes.length);
    System.arraycopy(frame, 0, both, headBytes.length, frame.length);
    peer.raw(both);
    assertThat(handler.next()).isEqualTo("opened");
    assertThat(handler.next()).isEqualTo("message:hi");
  }

  @Test
  void nothingListeningIsUnreachable() throws IOException {
    GatewayUrl url = peer.url();
    peer.close();
    link = new SocketLink(url, Duration.ofSeconds(5), 1024, handler);
    link.open();
    assertThat(handler.next()).startsWith("unreachable:").containsIgnoringCase("refused");
  }

  /** Records what the link reports, in order. */
  static final class Recorder implements SocketLink.Handler {
    private final LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
    volatile boolean demand = true;

    String next() {
      String event = poll(Duration.ofSeconds(5));
      assertThat(event).as("an event from the link within 5 s").isNotNull();
      return event;
    }

    @Nullable String poll(Duration timeout) {
      try {
        return seen.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    @Override
    public void unreachable(Throwable failure) {
      seen.add("unreachable:" + failure.getMessage());
    }

    @Override
    public boolean opened() {
      seen.add("opened");
      return true;
    }

    @Override
    public void heard() {}

    @Override
    public boolean message(String text) {
      seen.add("message:" + text);
      return demand;
    }

    @Override
    public void tooLarge(long bytes, long limit) {
      seen.add("tooLarge:" + bytes + "/" + limit);
    }

    @Override
    public void closedByPeer(int code, String reason) {
      seen.add("closedByPeer:" + code + ":" + reason);
    }

    @Override
    public void failed(Throwable error) {
      seen.add("failed:" + error.getMessage());
    }
  }
}
