package dev.clawgate.benchmarks.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/** Handshakes over {@link RawWebSocket}: blocking sockets, meant for virtual threads. */
final class RawHandshaker implements Handshaker {
  private final InetSocketAddress address;
  private final byte[] upgradeRequest;
  private final ConnectFrames frames;

  RawHandshaker(URI url, ConnectFrames frames) throws IOException {
    int port = url.getPort() < 0 ? 80 : url.getPort();
    String host = String.valueOf(url.getHost());
    this.address = new InetSocketAddress(InetAddress.getByName(host), port);
    this.upgradeRequest = RawWebSocket.upgradeRequest(host, port, url.getRawPath());
    this.frames = frames;
  }

  @Override
  public Connection connect() throws IOException {
    return handshake();
  }

  /**
   * Opens a socket and completes the handshake, returning the socket for the caller's own requests
   * (the request loads use it; {@link #connect()} wraps it).
   */
  RawWebSocket open() throws IOException {
    return handshake().ws();
  }

  private Open handshake() throws IOException {
    RawWebSocket ws = RawWebSocket.open(address, upgradeRequest, STEP_TIMEOUT);
    try {
      String nonce = ConnectFrames.nonceOf(ws.readText());
      ws.sendText(frames.connect(nonce, System.currentTimeMillis()));
      String response = ws.readText();
      if (!ConnectFrames.isHelloOk(response)) {
        throw new HandshakeFailure(ConnectFrames.describeFailure(response));
      }
      return new Open(ws, response);
    } catch (IOException | RuntimeException e) {
      ws.abort();
      throw e;
    }
  }

  @Override
  public void close() {}

  private record Open(RawWebSocket ws, String hello) implements Connection {
    @Override
    public boolean closeNormally() {
      return ws.closeNormally() == 1000;
    }

    @Override
    public void abort() {
      ws.abort();
    }
  }
}
