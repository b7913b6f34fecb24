package dev.clawgate.gateway;

import java.util.List;
import org.eclipse.jetty.server.Request;

/**
 * The address of the client behind an HTTP request, as the rate limits and the audit log see it.
 */
public final class ClientAddress {
  private ClientAddress() {}

  /**
   * The socket peer, or the forwarded client when the peer is one of {@code trustedProxies} (the
   * same rules as for WebSocket connections, {@code gateway.trustedProxies}).
   */
  public static String of(Request request, List<String> trustedProxies) {
    return PeerInfo.resolve(
            Request.getRemoteAddr(request),
            name -> JettyGatewayServer.header(request.getHeaders(), name),
            trustedProxies)
        .remoteAddress();
  }
}
