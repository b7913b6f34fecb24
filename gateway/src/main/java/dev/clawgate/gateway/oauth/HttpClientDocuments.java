package dev.clawgate.gateway.oauth;

import dev.clawgate.core.oauth.ClientDocuments;
import dev.clawgate.core.oauth.OAuthException;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Fetches client ID metadata documents over https: no redirects, a 5 s timeout, at most 64 KiB, and
 * (unless told otherwise) never from loopback, private, link-local or multicast addresses, so an
 * authorization request cannot make the gateway probe its own network.
 *
 * <p>The host is resolved once, by the HTTP client's own resolver: the addresses are checked there
 * and the connection goes to exactly those. A second lookup after the check would let a name that
 * changes its answer between the two (DNS rebinding) lead the gateway to an address it refused. The
 * certificate is still verified against the host name.
 *
 * <p>The HTTP client (a selector and its classes) is made at the first fetch, not at gateway start:
 * most gateways never see a metadata-document client.
 */
public final class HttpClientDocuments implements ClientDocuments, AutoCloseable {
  static final int MAX_BYTES = 64 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Looks up the addresses of a host name. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final @Nullable SSLContext trust;
  private final boolean allowPrivateAddresses;
  private final Resolver resolver;
  private @Nullable HttpClient http;
  private boolean closed;

  /**
   * @param trust the certificates to trust; null for the platform's trust store
   * @param allowPrivateAddresses whether documents may be fetched from non-public addresses (for a
   *     gateway whose clients live on its own network)
   * @param resolver how host names are looked up ({@link InetAddress#getAllByName} in production)
   */
  public HttpClientDocuments(
      @Nullable SSLContext trust, boolean allowPrivateAddresses, Resolver resolver) {
    this.trust = trust;
    this.allowPrivateAddresses = allowPrivateAddresses;
    this.resolver = Objects.requireNonNull(resolver, "null resolver");
  }

  /** Documents fetched with the platform's trust store, from public addresses only. */
  public static HttpClientDocuments publicInternet() {
    return new HttpClientDocuments(null, false, InetAddress::getAllByName);
  }

  @Override
  public JsonNode fetch(URI url) {
    if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
      throw OAuthException.invalidClient("a URL client_id must be an https URL");
    }
    InputStreamResponseListener listener = new InputStreamResponseListener();
    client()
        .newRequest(url)
        .method(HttpMethod.GET)
        .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .headers(headers -> headers.put(HttpHeader.ACCEPT, "application/json"))
        .send(listener);
    Response response;
    try {
      response = listener.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw refusal(e.getCause());
    } catch (TimeoutException e) {
      throw OAuthException.invalidClient(
          "the client metadata document could not be fetched: no answer within "
              + TIMEOUT.toSeconds()
              + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OAuthException.invalidClient("interrupted while fetching the client metadata document");
    }
    try (InputStream body = listener.getInputStream()) {
      if (response.getStatus() != 200) {
        throw OAuthException.invalidClient(
            "the client metadata document answered HTTP " + response.getStatus());
      }
      byte[] bytes = body.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        response.abort(new IOException("too long"));
        throw OAuthException.invalidClient(
            "the client metadata document exceeds " + MAX_BYTES + " bytes");
      }
      JsonNode document = Json.mapper().readTree(bytes);
      if (document == null || !document.isObject()) {
        throw OAuthException.invalidClient("the client metadata document is not a JSON object");
      }
      return document;
    } catch (IOException | JacksonException e) {
      throw OAuthException.invalidClient("the client metadata document is not valid JSON");
    }
  }

  /** Stops the HTTP client, if one was made. */
  @Override
  public synchronized void close() {
    closed = true;
    HttpClient current = http;
    http = null;
    if (current != null) {
      try {
        current.stop();
      } catch (Exception e) {
        // Stopping a client that fetched documents cannot fail in a way that matters here.
      }
    }
  }

  private synchronized HttpClient client() {
    if (closed) {
      throw OAuthException.invalidClient("the gateway is stopping");
    }
    HttpClient current = http;
    if (current != null) {
      return current;
    }
    SslContextFactory.Client tls = new SslContextFactory.Client(); // verifies the host name
    if (trust != null) {
      tls.setSslContext(trust);
    }
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tls);
    connector.setConnectTimeout(TIMEOUT);
    connector.setSelectors(1);
    current = new HttpClient(new HttpClientTransportOverHTTP(connector));
    VirtualThreadPool threads = new VirtualThreadPool();
    threads.setName("clawgate-client-documents");
    current.setExecutor(threads);
    current.setScheduler(new ScheduledExecutorScheduler("clawgate-client-documents", true));
    current.setFollowRedirects(false);
    current.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "clawgate"));
    current.setSocketAddressResolver(new CheckingResolver());
    try {
      current.start();
    } catch (Exception e) {
      throw OAuthException.invalidClient(
          "the client metadata document could not be fetched: " + e.getClass().getSimpleName());
    }
    http = current;
    return current;
  }

  /** The refusal for a failed exchange: the resolver's own, or a generic "could not be fetched". */
  private static OAuthException refusal(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof OAuthException refused) {
        return refused;
      }
      if (t instanceof UnknownHostException) {
        return OAuthException.invalidClient("the client metadata document's host is unknown");
      }
    }
    return OAuthException.invalidClient(
        "the client metadata document could not be fetched: "
            + (failure == null ? "no answer" : failure.getClass().getSimpleName()));
  }

  /** Resolves once, refuses a host with any non-public address, and connects to what it checked. */
  private final class CheckingResolver implements SocketAddressResolver {
    @Override
    public void resolve(
        String host,
        int port,
        Map<String, Object> context,
        Promise<List<InetSocketAddress>> promise) {
      List<InetSocketAddress> addresses = new ArrayList<>();
      try {
        for (InetAddress address : resolver.resolve(host)) {
          if (!allowPrivateAddresses && !isPublic(address)) {
            promise.failed(
                OAuthException.invalidClient(
                    "the client metadata document's host resolves to a non-public address"));
            return;
          }
          addresses.add(new InetSocketAddress(address, port));
        }
      } catch (UnknownHostException e) {
        promise.failed(e);
        return;
      }
      if (addresses.isEmpty()) {
        promise.failed(new UnknownHostException(host));
        return;
      }
      promise.succeeded(addresses);
    }
  }

  static boolean isPublic(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] raw = address.getAddress();
    if (address instanceof Inet6Address) {
      if ((raw[0] & 0xfe) == 0xfc) {
        return false; // fc00::/7 unique local
      }
      // An IPv4 address inside IPv6 (NAT64 64:ff9b::/96, 6to4 2002::/16) is judged as itself.
      boolean nat64 =
          raw[0] == 0x00 && raw[1] == 0x64 && raw[2] == (byte) 0xff && raw[3] == (byte) 0x9b;
      for (int i = 4; nat64 && i < 12; i++) {
        nat64 = raw[i] == 0;
      }
      if (nat64) {
        return isPublic(embedded(raw, 12));
      }
      if (raw[0] == 0x20 && raw[1] == 0x02) {
        return isPublic(embedded(raw, 2));
      }
      return true;
    }
    int first = raw[0] & 0xff;
    int second = raw[1] & 0xff;
    return !(first == 100 && second >= 64 && second <= 127) // 100.64/10 carrier-grade NAT
        && !(first == 198 && (second == 18 || second == 19)) // 198.18/15 benchmarking
        && first != 0
        && first < 240; // 240/4 reserved, 255.255.255.255 broadcast
  }

  private static InetAddress embedded(byte[] raw, int offset) {
    try {
      return InetAddress.getByAddress(
          new byte[] {raw[offset], raw[offset + 1], raw[offset + 2], raw[offset + 3]});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }
}
