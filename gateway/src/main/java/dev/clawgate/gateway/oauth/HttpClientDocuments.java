package dev.clawgate.gateway.oauth;

import dev.clawgate.core.oauth.ClientDocuments;
import dev.clawgate.core.oauth.OAuthException;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Fetches client ID metadata documents over https: no redirects, a 5 s timeout, at most 64 KiB, and
 * (unless told otherwise) never from loopback, private, link-local or multicast addresses, so an
 * authorization request cannot make the gateway probe its own network.
 */
public final class HttpClientDocuments implements ClientDocuments {
  static final int MAX_BYTES = 64 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http;
  private final boolean allowPrivateAddresses;

  /**
   * @param http the client (its TLS settings decide which certificates are trusted)
   * @param allowPrivateAddresses whether documents may be fetched from non-public addresses (for a
   *     gateway whose clients live on its own network)
   */
  public HttpClientDocuments(HttpClient http, boolean allowPrivateAddresses) {
    this.http = Objects.requireNonNull(http, "null http");
    this.allowPrivateAddresses = allowPrivateAddresses;
  }

  /**
   * Documents fetched with the platform's trust store, from public addresses only. The HTTP client
   * (a selector thread and its classes) is made at the first fetch, not at gateway start: most
   * gateways never see a metadata-document client.
   */
  public static ClientDocuments publicInternet() {
    return new ClientDocuments() {
      private volatile @Nullable HttpClientDocuments fetcher;

      @Override
      public JsonNode fetch(URI url) {
        HttpClientDocuments current = fetcher;
        if (current == null) {
          synchronized (this) {
            current = fetcher;
            if (current == null) {
              current =
                  new HttpClientDocuments(
                      HttpClient.newBuilder()
                          .connectTimeout(TIMEOUT)
                          .followRedirects(HttpClient.Redirect.NEVER)
                          .build(),
                      false);
              fetcher = current;
            }
          }
        }
        return current.fetch(url);
      }
    };
  }

  @Override
  public JsonNode fetch(URI url) {
    if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
      throw OAuthException.invalidClient("a URL client_id must be an https URL");
    }
    if (!allowPrivateAddresses) {
      try {
        for (InetAddress address : InetAddress.getAllByName(url.getHost())) {
          if (!isPublic(address)) {
            throw OAuthException.invalidClient(
                "the client metadata document's host resolves to a non-public address");
          }
        }
      } catch (UnknownHostException e) {
        throw OAuthException.invalidClient("the client metadata document's host is unknown");
      }
    }
    HttpResponse<InputStream> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(TIMEOUT)
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw OAuthException.invalidClient(
          "the client metadata document could not be fetched: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OAuthException.invalidClient("interrupted while fetching the client metadata document");
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw OAuthException.invalidClient(
            "the client metadata document answered HTTP " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
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
      return (raw[0] & 0xfe) != 0xfc; // fc00::/7 unique local
    }
    int first = raw[0] & 0xff;
    int second = raw[1] & 0xff;
    return !(first == 100 && second >= 64 && second <= 127) // 100.64/10 carrier-grade NAT
        && first != 0;
  }
}
