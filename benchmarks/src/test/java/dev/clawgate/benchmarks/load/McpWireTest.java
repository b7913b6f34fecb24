package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.protocol.Json;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpWireTest {

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aPostCarriesItsLengthAndAGetHasNone() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Mcp-Session-Id", "abc");
    assertThat(new String(McpWire.request("POST", "/mcp", "127.0.0.1:9", headers, bytes("{}"))))
        .isEqualTo(
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:9\r\nMcp-Session-Id: abc\r\n"
                + "Content-Length: 2\r\n\r\n{}");
    assertThat(new String(McpWire.request("GET", "/mcp", "h:1", Map.of(), new byte[0])))
        .isEqualTo("GET /mcp HTTP/1.1\r\nHost: h:1\r\n\r\n");
  }

  @Test
  void headersAreKeptWithLowerCaseNames() throws IOException {
    RawHttp.Head head =
        RawHttp.readHead(
            stream(
                "HTTP/1.1 200 OK\r\nMcp-Session-Id: s-1\r\n"
                    + "Content-Type: text/event-stream; charset=utf-8\r\n\r\nrest"));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("MCP-SESSION-ID")).contains("s-1");
    assertThat(head.mediaType()).isEqualTo("text/event-stream");
    assertThat(head.close()).isFalse();
    assertThat(head.chunked()).isFalse();
  }

  @Test
  void bodiesByLengthAndChunksLeaveTheNextAnswerInTheStream() throws IOException {
    InputStream in =
        stream(
            "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\n{\"ok\r\n7;x=1\r\n\":true}\r\n0\r\n\r\n"
                + "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    for (String expected : new String[] {"{\"ok\":true}", "{\"ok\":true}", "", ""}) {
      RawHttp.Head head = RawHttp.readHead(in);
      assertThat(new String(RawHttp.readBody(in, head, false), StandardCharsets.UTF_8))
          .isEqualTo(expected);
    }
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void aTruncatedBodyOrAStrangeStatusLineFails() {
    assertThatThrownBy(
            () -> {
              InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab");
              RawHttp.readBody(in, RawHttp.readHead(in), false);
            })
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> RawHttp.readHead(stream("SSH-2.0-x\r\n\r\n")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> RawHttp.readHead(stream("HTTP/1.1 200 OK\r\n")))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void containsFindsBytes() {
    assertThat(McpWire.contains(bytes("{\"id\":3,\"result\":{}}"), bytes("\"result\""))).isTrue();
    assertThat(McpWire.contains(bytes("{\"error\":{}}"), bytes("\"result\""))).isFalse();
    assertThat(McpWire.contains(bytes("ab"), bytes("abc"))).isFalse();
  }

  @Test
  void aListAnswerPassesWithAnArrayOfConversationsAndNoError() {
    assertThat(
            McpWire.checkListAnswer(
                Json.mapper()
                    .readTree(
                        "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[],"
                            + "\"structuredContent\":{\"conversations\":[{\"to\":\"x\"}]}}}"),
                7))
        .isEmpty();
    assertThat(
            McpWire.checkListAnswer(
                Json.mapper()
                    .readTree(
                        "{\"id\":7,\"result\":{\"isError\":false,"
                            + "\"structuredContent\":{\"conversations\":[]}}}"),
                7))
        .isEmpty();
  }

  @Test
  void aListAnswerFailsOnErrorsWrongIdsAndMissingArrays() {
    String ok = "{\"conversations\":[]}";
    assertThat(check("{\"id\":8,\"result\":{\"structuredContent\":" + ok + "}}", 7))
        .hasValueSatisfying(p -> assertThat(p).contains("id"));
    assertThat(check("{\"id\":7,\"error\":{\"code\":-32601}}", 7))
        .hasValueSatisfying(p -> assertThat(p).contains("JSON-RPC error"));
    assertThat(
            check("{\"id\":7,\"result\":{\"isError\":true,\"structuredContent\":" + ok + "}}", 7))
        .hasValueSatisfying(p -> assertThat(p).contains("isError"));
    assertThat(check("{\"id\":7,\"result\":{\"structuredContent\":{\"conversations\":{}}}}", 7))
        .hasValueSatisfying(p -> assertThat(p).contains("not an array"));
    assertThat(check("{\"id\":7}", 7)).isPresent();
  }

  private static java.util.Optional<String> check(String json, long id) {
    return McpWire.checkListAnswer(Json.mapper().readTree(json), id);
  }

  @Test
  void keepAlivesAreCountedAcrossPiecesAndChunkFraming() {
    McpWire.KeepAliveCounter counter = new McpWire.KeepAliveCounter();
    byte[] text = bytes("f\r\n: keep-alive\n\n\r\nf\r\n: keep-alive\n\n\r\n::: keep-alive\n\n");
    for (int i = 0; i < text.length; i += 5) {
      counter.feed(text, i, Math.min(5, text.length - i));
    }
    assertThat(counter.count()).isEqualTo(3);
    counter.feed(bytes(": keep-alive\n"), 0, 13);
    assertThat(counter.count()).isEqualTo(3);
    counter.feed(bytes("\n"), 0, 1);
    assertThat(counter.count()).isEqualTo(4);
  }
}
