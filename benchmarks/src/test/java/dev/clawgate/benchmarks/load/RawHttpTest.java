package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawHttpTest {

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRequestIsHeadThenBodyWithItsLength() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Clawgate-Timestamp", "1767225600");
    byte[] request =
        RawHttp.request(
            "/hooks/main", "127.0.0.1:9", headers, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(request, StandardCharsets.UTF_8))
        .isEqualTo(
            "POST /hooks/main HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-Clawgate-Timestamp: 1767225600\r\n"
                + "Content-Length: 7\r\n\r\n{\"a\":1}");
  }

  @Test
  void aResponseWithContentLengthLeavesTheNextOneInTheStream() throws IOException {
    InputStream in =
        stream(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                + "{\"ok\":true}"
                + "HTTP/1.1 409 Conflict\r\ncontent-length: 2\r\n\r\n{}");

    RawHttp.Response first = RawHttp.read(in);
    RawHttp.Response second = RawHttp.read(in);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.bodyText()).isEqualTo("{\"ok\":true}");
    assertThat(first.close()).isFalse();
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.bodyText()).isEqualTo("{}");
  }

  @Test
  void aChunkedResponseIsReassembled() throws IOException {
    RawHttp.Response response =
        RawHttp.read(
            stream(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\n{\"ok\r\n7;ext=1\r\n\":true}\r\n0\r\n\r\n"));
    assertThat(response.bodyText()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void connectionCloseEndsTheConnection() throws IOException {
    RawHttp.Response response =
        RawHttp.read(stream("HTTP/1.1 503 Unavailable\r\nConnection: close\r\n\r\nbusy"));
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.close()).isTrue();
    assertThat(response.bodyText()).isEqualTo("busy");
  }

  @Test
  void aTruncatedResponseIsAnError() {
    assertThatThrownBy(() -> RawHttp.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}")))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> RawHttp.read(stream("SSH-2.0\r\n\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("status line");
  }
}
