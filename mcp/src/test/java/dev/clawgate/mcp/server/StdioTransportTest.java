package dev.clawgate.mcp.server;

import static dev.clawgate.mcp.server.TestTools.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clawgate.mcp.server.TestTools.BlockingTool;
import dev.clawgate.protocol.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class StdioTransportTest {
  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}";
  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

  private final BlockingTool blocking = new BlockingTool();
  private final Lines lines = new Lines();

  private McpSession session(StdioTransport transport) {
    return McpSession.builder()
        .serverInfo("clawgate", "1.0")
        .tools(List.of(TestTools.echo(), blocking.tool()))
        .outbound(transport.outbound())
        .build();
  }

  /** Runs a transport over {@code input} to its end; returns the lines written by then. */
  private List<ObjectNode> serve(InputStream input, int maxLineBytes) throws IOException {
    StdioTransport transport = new StdioTransport(input, lines, maxLineBytes);
    transport.run(session(transport));
    return lines.all();
  }

  private List<ObjectNode> serve(String input) throws IOException {
    return serve(new ByteArrayInputStream(input.getBytes(UTF_8)), 1024);
  }

  @Test
  void answersEachLineWithOneLine() throws IOException {
    List<ObjectNode> out =
        serve(INITIALIZE + "\n" + "{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}\n");

    assertThat(out).hasSize(2);
    assertThat(out.get(0).path("result").path("protocolVersion").stringValue())
        .isEqualTo("2025-06-18");
    assertThat(out.get(1).path("result").path("tools").size()).isEqualTo(2);
    assertThat(lines.text()).endsWith("}\n").doesNotContain("\n\n").doesNotContain("\n ");
  }

  @Test
  void toolAnswersArriveAfterTheirThreadsFinish() throws IOException {
    serve(
        INITIALIZE
            + "\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"é ✓\"}}}\n");

    await().atMost(Duration.ofSeconds(30)).until(() -> lines.all().size() == 2);
    assertThat(
            lines.all().get(1).path("result").path("structuredContent").path("text").stringValue())
        .isEqualTo("é ✓");
  }

  @Test
  void skipsBlankLinesAcceptsCrlfAndHandlesALastLineWithoutNewline() throws IOException {
    List<ObjectNode> out = serve("\n   \n" + INITIALIZE + "\r\n\r\n" + PING);

    assertThat(out).extracting(m -> m.path("id").intValue()).containsExactly(1, 2);
  }

  @Test
  void aLineThatIsNotJsonGetsAParseErrorAndReadingGoesOn() throws IOException {
    List<ObjectNode> out =
        serve("not json\n{\"jsonrpc\":\"2.0\",\"id\":1}} trailing\n" + PING + "\n");

    assertThat(out).hasSize(3);
    for (ObjectNode error : out.subList(0, 2)) {
      assertThat(error.path("id").isNull()).isTrue();
      assertThat(error.path("error").path("code").intValue()).isEqualTo(-32700);
      assertThat(error.path("error").path("message").stringValue()).startsWith("Parse error: ");
    }
    assertThat(out.get(2)).isEqualTo(json("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}"));
  }

  @Test
  void aLineAtTheLimitIsReadAndOneByteMoreIsRefused() throws IOException {
    int limit = 100;
    String atLimit = PING + " ".repeat(limit - PING.length());
    String overLimit = atLimit + " ";

    List<ObjectNode> out =
        serve(
            new ByteArrayInputStream(
                (atLimit + "\n" + overLimit + "\n" + PING + "\n").getBytes(UTF_8)),
            limit);

    assertThat(out).hasSize(3);
    assertThat(out.get(0).path("result").isObject()).isTrue();
    assertThat(out.get(1))
        .isEqualTo(
            json(
                """
                {"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                 "message":"Invalid Request: message exceeds 100 bytes"}}\
                """));
    assertThat(out.get(2).path("result").isObject()).isTrue();
  }

  @Test
  void aHugeLineIsSkippedWithoutBeingBuffered() throws IOException {
    long hugeBytes = 64L * 1024 * 1024; // a thousand times the limit; only the limit is ever held
    byte[] tail = ("\n" + PING + "\n").getBytes(UTF_8);
    InputStream input =
        new InputStream() {
          long position;

          @Override
          public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0];
          }

          @Override
          public int read(byte[] buffer, int offset, int length) {
            long total = hugeBytes + tail.length;
            if (position >= total) {
              return -1;
            }
            int n = (int) Math.min(length, total - position);
            for (int i = 0; i < n; i++, position++) {
              buffer[offset + i] =
                  position < hugeBytes ? (byte) 'x' : tail[(int) (position - hugeBytes)];
            }
            return n;
          }
        };

    List<ObjectNode> out = serve(input, 64 * 1024);

    assertThat(out).hasSize(2);
    assertThat(out.get(0).path("error").path("message").stringValue())
        .isEqualTo("Invalid Request: message exceeds 65536 bytes");
    assertThat(out.get(1).path("id").intValue()).isEqualTo(2);
  }

  @Test
  void messagesSplitAcrossReadsAreReassembled() throws IOException {
    byte[] bytes = (INITIALIZE + "\n" + PING + "\n").getBytes(UTF_8);
    InputStream trickle =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] buffer, int offset, int length) {
            return super.read(buffer, offset, Math.min(length, 1));
          }
        };

    List<ObjectNode> out = serve(trickle, 1024);

    assertThat(out).extracting(m -> m.path("id").intValue()).containsExactly(1, 2);
  }

  @Test
  void aCancelledCallOverPipesIsNeverAnswered() throws Exception {
    PipedOutputStream client = new PipedOutputStream();
    PipedInputStream input = new PipedInputStream(client, 64 * 1024);
    StdioTransport transport = new StdioTransport(input, lines, 1024);
    McpSession session = session(transport);
    Thread reader =
        Thread.ofPlatform()
            .start(() -> {
              try {
                transport.run(session);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    send(client, INITIALIZE);
    assertThat(lines.next().path("id").intValue()).isEqualTo(1);

    send(
        client,
        "{\"jsonrpc\":\"2.0\",\"id\":\"w\",\"method\":\"tools/call\",\"params\":{\"name\":\"wait\"}}");
    blocking.started.await();
    send(
        client,
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"w\"}}");
    blocking.interrupted.await();
    await().atMost(Duration.ofSeconds(30)).until(() -> session.callsInFlight() == 0);
    send(client, PING);

    assertThat(lines.next().path("id").intValue()).isEqualTo(2);
    client.close();
    reader.join();
    assertThat(lines.all()).extracting(m -> m.path("id").asString("")).doesNotContain("w");
  }

  @Test
  void concurrentWritesNeverInterleave() throws Exception {
    StdioTransport transport = new StdioTransport(InputStream.nullInputStream(), lines, 1024);
    McpSession session = session(transport);
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      int writer = w;
      writers.add(
          Thread.ofVirtual()
              .start(() -> {
                for (int i = 0; i < 200; i++) {
                  try {
                    session.notify(
                        "notifications/progress",
                        json(
                            "{\"writer\":"
                                + writer
                                + ",\"n\":"
                                + i
                                + ",\"pad\":\""
                                + "x".repeat(500)
                                + "\"}"));
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                }
              }));
    }
    for (Thread writer : writers) {
      writer.join();
    }

    assertThat(lines.all()).hasSize(1600).allMatch(m -> m.path("params").path("n").isInt());
  }

  @Test
  void aFailedWriteIsAnIOException() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    PrintStream swallowing = new PrintStream(broken, false, UTF_8);

    for (OutputStream out : List.of(broken, swallowing)) {
      Outbound outbound = new StdioTransport(InputStream.nullInputStream(), out, 1024).outbound();
      assertThatThrownBy(() -> outbound.write(json("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}")))
          .isInstanceOf(IOException.class);
    }
  }

  private static void send(OutputStream client, String line) throws IOException {
    client.write((line + "\n").getBytes(UTF_8));
    client.flush();
  }

  /** Collects written bytes and parses each complete line as it arrives. */
  private static final class Lines extends OutputStream {
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private final List<ObjectNode> all = new ArrayList<>();
    private final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>();

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        current.write(b);
        return;
      }
      String line = current.toString(UTF_8);
      current.reset();
      text.append(line).append('\n');
      ObjectNode message = (ObjectNode) Json.mapper().readTree(line);
      all.add(message);
      queue.add(message);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      for (int i = 0; i < length; i++) {
        write(bytes[offset + i]);
      }
    }

    synchronized List<ObjectNode> all() {
      return List.copyOf(all);
    }

    synchronized String text() {
      return text.toString();
    }

    ObjectNode next() throws InterruptedException {
      ObjectNode message = queue.poll(30, TimeUnit.SECONDS);
      assertThat(message).as("a line was written").isNotNull();
      return message;
    }
  }
}
