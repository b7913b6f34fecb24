package dev.clawgate.gateway;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who is on the other end of a WebSocket, as far as the upgrade request tells.
 *
 * <p>Rules (spec/pairing.md, "local"): a connection is local when the socket peer is loopback, the
 * request carries no forwarding header ({@code Forwarded}, {@code X-Forwarded-For}, {@code
 * X-Real-IP}) and no browser {@code Origin}. Forwarding headers are believed only from a trusted
 * proxy: then the forwarded client address is the remote address and is judged instead of the peer.
 * From anyone else they make the connection non-local and are otherwise ignored.
 *
 * @param remoteAddress the client address: the forwarded one behind a trusted proxy, else the peer
 * @param local whether the connection is local
 * @param loopbackClient whether {@link #remoteAddress} is a loopback address that no untrusted
 *     forwarding header disputes (what the rate limiter's loopback exemption asks)
 */
record PeerInfo(String remoteAddress, boolean local, boolean loopbackClient) {

  /**
   * Judges one upgrade request.
   *
   * @param peerAddress the socket peer's IP literal
   * @param header reads one request header (empty when absent)
   * @param trustedProxies IP literals whose forwarding headers are believed
   */
  static PeerInfo resolve(
      String peerAddress, Function<String, Optional<String>> header, List<String> trustedProxies) {
    Optional<String> forwarded = header.apply("Forwarded");
    Optional<String> forwardedFor = header.apply("X-Forwarded-For");
    Optional<String> realIp = header.apply("X-Real-IP");
    boolean hasOrigin = header.apply("Origin").isPresent();
    boolean isForwarded = forwarded.isPresent() || forwardedFor.isPresent() || realIp.isPresent();
    if (!isForwarded) {
      boolean loopback = isLoopback(peerAddress);
      return new PeerInfo(peerAddress, loopback && !hasOrigin, loopback);
    }
    if (!isTrusted(peerAddress, trustedProxies)) {
      return new PeerInfo(peerAddress, false, false);
    }
    Optional<String> client =
        forwardedFor
            .flatMap(xff -> rightmostUntrusted(List.of(xff.split(",")), trustedProxies))
            .or(() -> forwarded.flatMap(f -> rightmostUntrusted(forwardedFor(f), trustedProxies)))
            .or(() -> realIp.map(String::strip).filter(PeerInfo::isIpLiteral));
    if (client.isEmpty()) {
      // A trusted proxy that forwards no usable client address: judge nothing as local.
      return new PeerInfo(peerAddress, false, false);
    }
    boolean loopback = isLoopback(client.get());
    return new PeerInfo(client.get(), loopback && !hasOrigin, loopback);
  }

  /** Walks a forwarding chain from the nearest hop outwards, skipping our own proxies. */
  private static Optional<String> rightmostUntrusted(List<String> hops, List<String> trusted) {
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = stripPort(hops.get(i).strip());
      if (!isIpLiteral(hop)) {
        return Optional.empty();
      }
      if (!isTrusted(hop, trusted)) {
        return Optional.of(hop);
      }
    }
    return Optional.empty();
  }

  /** The {@code for=} values of an RFC 7239 {@code Forwarded} header, in order. */
  private static List<String> forwardedFor(String header) {
    return List.of(header.split(",")).stream()
        .flatMap(element -> List.of(element.split(";")).stream())
        .map(String::strip)
        .filter(pair -> pair.toLowerCase(Locale.ROOT).startsWith("for="))
        .map(pair -> pair.substring(4).strip().replace("\"", ""))
        .toList();
  }

  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end > 0 ? hop.substring(1, end) : hop;
    }
    int colon = hop.indexOf(':');
    return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }

  private static boolean isTrusted(String address, List<String> trusted) {
    Optional<InetAddress> parsed = parse(address);
    return parsed.isPresent() && trusted.stream().map(PeerInfo::parse).anyMatch(parsed::equals);
  }

  static boolean isLoopback(String address) {
    return parse(address).map(InetAddress::isLoopbackAddress).orElse(false);
  }

  private static boolean isIpLiteral(String address) {
    return parse(address).isPresent();
  }

  /** Parses an IP literal without any name lookup. */
  private static Optional<InetAddress> parse(String address) {
    try {
      return Optional.of(InetAddress.ofLiteral(address.strip()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
