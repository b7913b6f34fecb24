package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerInfoTest {
  private static PeerInfo resolve(String peer, Map<String, String> headers, String... trusted) {
    return PeerInfo.resolve(peer, name -> Optional.ofNullable(headers.get(name)), List.of(trusted));
  }

  @Test
  void loopbackPeerWithoutHeadersIsLocal() {
    assertThat(resolve("127.0.0.1", Map.of())).isEqualTo(new PeerInfo("127.0.0.1", true, true));
    assertThat(resolve("::1", Map.of()).local()).isTrue();
  }

  @Test
  void remotePeerIsNotLocal() {
    assertThat(resolve("192.0.2.4", Map.of())).isEqualTo(new PeerInfo("192.0.2.4", false, false));
  }

  @Test
  void originMakesLoopbackNonLocal() {
    PeerInfo peer = resolve("127.0.0.1", Map.of("Origin", "http://localhost"));
    assertThat(peer.local()).isFalse();
    assertThat(peer.loopbackClient()).isTrue();
  }

  @Test
  void untrustedForwardingIsNotBelieved() {
    for (String header : List.of("Forwarded", "X-Forwarded-For", "X-Real-IP")) {
      PeerInfo peer = resolve("127.0.0.1", Map.of(header, "127.0.0.1"));
      assertThat(peer).as(header).isEqualTo(new PeerInfo("127.0.0.1", false, false));
    }
  }

  @Test
  void trustedProxyChainIsWalkedFromTheRight() {
    PeerInfo peer =
        resolve(
            "10.0.0.1",
            Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.5, 10.0.0.2"),
            "10.0.0.1",
            "10.0.0.2");
    assertThat(peer).isEqualTo(new PeerInfo("203.0.113.5", false, false));
  }

  @Test
  void trustedProxyForwardingLoopbackIsLocal() {
    PeerInfo peer = resolve("10.0.0.1", Map.of("X-Real-IP", "127.0.0.1"), "10.0.0.1");
    assertThat(peer).isEqualTo(new PeerInfo("127.0.0.1", true, true));
  }

  @Test
  void rfc7239ForwardedIsUnderstood() {
    PeerInfo peer =
        resolve(
            "10.0.0.1", Map.of("Forwarded", "for=\"[2001:db8::1]:4711\";proto=https"), "10.0.0.1");
    assertThat(peer.remoteAddress()).isEqualTo("2001:db8::1");
  }

  @Test
  void garbageFromATrustedProxyIsNotLocal() {
    PeerInfo peer = resolve("127.0.0.1", Map.of("X-Forwarded-For", "unknown"), "127.0.0.1");
    assertThat(peer).isEqualTo(new PeerInfo("127.0.0.1", false, false));
  }

  @Test
  void hostnamesAreNeverLookedUp() {
    assertThat(PeerInfo.isLoopback("localhost")).isFalse();
  }
}
