package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * A validated gateway WebSocket URL: {@code ws://} or {@code wss://}, a host, a port (default
 * {@value #DEFAULT_PORT}), an optional path and query. {@code http://} and {@code https://} are
 * accepted and converted (the gateway serves HTTP and WebSocket on one port, so people paste the
 * dashboard URL). Credentials in the URL are refused: they would end up in logs and shell history.
 *
 * @param uri the normalized URI, always with an explicit port
 */
public record GatewayUrl(URI uri) {
  /** The gateway's default port. */
  public static final int DEFAULT_PORT = 18789;

  public GatewayUrl {
    Objects.requireNonNull(uri, "null uri");
  }

  /** {@code ws://127.0.0.1:18789}, the local gateway. */
  public static GatewayUrl local() {
    return new GatewayUrl(URI.create("ws://127.0.0.1:" + DEFAULT_PORT));
  }

  /**
   * Parses a URL as a user wrote it.
   *
   * @throws ClawgateException {@link DetailCode#INVALID_CONFIG} naming what is wrong
   */
  public static GatewayUrl parse(String text) {
    Objects.requireNonNull(text, "null text");
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw invalid(trimmed, "it is empty");
    }
    if (!trimmed.contains("://")) {
      throw invalid(trimmed, "it has no scheme (did you mean ws://" + trimmed + " ?)");
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw invalid(redact(trimmed), "it is not a valid URL (" + e.getReason() + ")");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid(
          redact(trimmed),
          "it contains credentials; configure gateway.remote.token or gateway.remote.password"
              + " instead");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String wsScheme =
        switch (scheme) {
          case "ws", "http" -> "ws";
          case "wss", "https" -> "wss";
          default -> throw invalid(trimmed, "the scheme must be ws, wss, http or https");
        };
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw invalid(trimmed, "it has no valid host name");
    }
    if (uri.getRawFragment() != null) {
      throw invalid(trimmed, "it must not have a #fragment");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    if (port < 1 || port > 65535) {
      throw invalid(trimmed, "the port must be between 1 and 65535");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    try {
      return new GatewayUrl(
          new URI(
              wsScheme
                  + "://"
                  + uri.getRawAuthority().replaceFirst(":\\d*$", "")
                  + ":"
                  + port
                  + path
                  + query));
    } catch (URISyntaxException e) {
      throw invalid(trimmed, "it is not a valid URL (" + e.getReason() + ")");
    }
  }

  /** Whether the connection uses TLS ({@code wss}). */
  public boolean secure() {
    return "wss".equals(uri.getScheme());
  }

  public String host() {
    return uri.getHost();
  }

  public int port() {
    return uri.getPort();
  }

  @Override
  public String toString() {
    return uri.toString();
  }

  private static String redact(String text) {
    return text.replaceFirst("://[^/@]*@", "://<credentials>@");
  }

  private static ClawgateException invalid(String text, String problem) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.INVALID_CONFIG,
            "invalid gateway URL \""
                + text
                + "\": "
                + problem
                + " (expected ws://host:port or wss://host:port, default port "
                + DEFAULT_PORT
                + ")")
        .detail("field", "url")
        .build();
  }
}
