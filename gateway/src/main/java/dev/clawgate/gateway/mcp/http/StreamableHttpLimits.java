package dev.clawgate.gateway.mcp.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of a {@link StreamableHttpHandler}.
 *
 * @param maxBodyBytes the largest POST body accepted; larger ones get 413
 * @param maxSessions open sessions at most; an {@code initialize} beyond that gets 503
 * @param idleSessionTtl a session with no request and no open stream for this long is closed
 * @param keepAliveInterval how often an SSE stream with nothing else to send gets a comment line,
 *     so proxies and clients do not cut it as idle
 */
public record StreamableHttpLimits(
    long maxBodyBytes, int maxSessions, Duration idleSessionTtl, Duration keepAliveInterval) {

  public StreamableHttpLimits {
    Objects.requireNonNull(idleSessionTtl, "null idleSessionTtl");
    Objects.requireNonNull(keepAliveInterval, "null keepAliveInterval");
    if (maxBodyBytes <= 0 || maxBodyBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxBodyBytes out of range: " + maxBodyBytes);
    }
    if (maxSessions <= 0) {
      throw new IllegalArgumentException("maxSessions must be positive: " + maxSessions);
    }
    if (idleSessionTtl.isNegative() || idleSessionTtl.isZero()) {
      throw new IllegalArgumentException("idleSessionTtl must be positive");
    }
    if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
      throw new IllegalArgumentException("keepAliveInterval must be positive");
    }
  }

  /** 4 MiB bodies, 1000 sessions, 30 minutes idle, a keep-alive every 15 seconds. */
  public static StreamableHttpLimits defaults() {
    return new StreamableHttpLimits(4L << 20, 1000, Duration.ofMinutes(30), Duration.ofSeconds(15));
  }
}
