package dev.clawgate.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A plain HTTP endpoint on the gateway port, mounted under a path prefix (e.g. a channel's inbound
 * webhook at {@code /hooks/}). It sees the whole request body, already read and capped at the size
 * declared when it was mounted, and runs on a virtual thread, so it may block.
 *
 * <p>Throwing is a bug: the server answers 500 with a reference id and logs the cause under it.
 */
@FunctionalInterface
public interface HttpEndpoint {

  /** Answers one request. */
  Reply handle(Request request);

  /**
   * One HTTP request.
   *
   * @param method the method, upper case
   * @param path the path (in context), starting with the endpoint's prefix
   * @param query the raw query string, without {@code ?} (empty when there is none)
   * @param headers the headers, names lower-cased, values in order
   * @param body the raw body bytes (at most the endpoint's limit)
   * @param remoteAddress the peer address
   */
  record Request(
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body,
      String remoteAddress) {
    public Request {
      Objects.requireNonNull(method, "null method");
      Objects.requireNonNull(path, "null path");
      Objects.requireNonNull(query, "null query");
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "null body");
      Objects.requireNonNull(remoteAddress, "null remoteAddress");
    }

    /** A request without a query string. */
    public Request(
        String method,
        String path,
        Map<String, List<String>> headers,
        byte[] body,
        String remoteAddress) {
      this(method, path, "", headers, body, remoteAddress);
    }

    /** The first value of header {@code name} (case-insensitive). */
    public Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  /**
   * One HTTP response.
   *
   * @param status the status code
   * @param contentType the content type
   * @param body the body
   * @param headers extra headers
   */
  record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public Reply {
      Objects.requireNonNull(contentType, "null contentType");
      Objects.requireNonNull(body, "null body");
      headers = Map.copyOf(headers);
    }

    /** A JSON reply. */
    public static Reply json(int status, String json) {
      return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }
}
