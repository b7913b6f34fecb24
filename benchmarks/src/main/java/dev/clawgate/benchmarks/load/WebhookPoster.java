package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Posts signed messages to the gateway's {@code webhook} channel ({@code POST /hooks/<account>} on
 * the gateway's own host and port) over one kept-alive connection, reconnecting when the gateway
 * ends it. One poster per thread.
 */
final class WebhookPoster implements AutoCloseable {
  private final InetSocketAddress address;
  private final String path;
  private final WebhookSigner signer;
  private @Nullable RawHttp http;

  WebhookPoster(URI gatewayUrl, String account, String secret) throws IOException {
    String host = String.valueOf(gatewayUrl.getHost());
    int port = gatewayUrl.getPort() < 0 ? 80 : gatewayUrl.getPort();
    this.address = new InetSocketAddress(InetAddress.getByName(host), port);
    this.path = "/hooks/" + account;
    this.signer = new WebhookSigner(secret);
  }

  /** The body of a direct message from {@code peer} with event id {@code id}. */
  static byte[] body(String id, String peer, String peerName, String text) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("id", id);
    ObjectNode from = body.putObject("from");
    from.put("id", peer);
    from.put("name", peerName);
    body.put("text", text);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Signs {@code body} with the current time and posts it. */
  RawHttp.Response post(byte[] body) throws IOException {
    RawHttp current = http;
    if (current == null || current.closed()) {
      current = RawHttp.open(address, Handshaker.STEP_TIMEOUT);
      http = current;
    }
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    Map<String, String> headers =
        Map.of(
            "Content-Type",
            "application/json",
            WebhookSigner.TIMESTAMP_HEADER,
            timestamp,
            WebhookSigner.SIGNATURE_HEADER,
            signer.sign(timestamp, body));
    try {
      return current.post(path, headers, body);
    } catch (IOException | RuntimeException e) {
      current.close();
      http = null;
      throw e;
    }
  }

  /** A short description of a refused post: status and the gateway's error code. */
  static String describe(RawHttp.Response response) {
    String code = "";
    try {
      code = Json.mapper().readTree(response.body()).path("error").path("code").asString("");
    } catch (RuntimeException e) {
      // not JSON: the status says enough
    }
    return "HTTP " + response.status() + (code.isEmpty() ? "" : " " + code);
  }

  @Override
  public void close() {
    RawHttp current = http;
    if (current != null) {
      current.close();
    }
  }
}
