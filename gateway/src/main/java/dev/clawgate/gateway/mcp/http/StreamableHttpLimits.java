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
 * @param sseRetry the {@code retry} a POST's SSE stream announces in its priming event: how long a
 *     client whose stream broke waits before it reconnects with {@code Last-Event-ID}
 */
public record StreamableHttpLimits(
    long maxBodyBytes,
    int maxSessions,
    Duration idleSessionTtl,
    Duration keepAliveInterval,
    Duration sseRetry) {

  /** The default SSE {@code retry}: 3 seconds. */
  public static final Duration DEFAULT_SSE_RETRY = Duration.ofSeconds(3);

  public StreamableHttpLimits {
    Objects.requireNonNull(idleSessionTtl, "null idleSessionTtl");
    Objects.requireNonNull(keepAliveInterval, "null keepAliveInterval");
    Objects.requireNonNull(sseRetry, "null sseRetry");
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
    if (sseRetry.isNegative() || sseRetry.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("sseRetry out of range: " + sseRetry);
    }
  }

  /** Bounds with the default SSE {@code retry} ({@link #DEFAULT_SSE_RETRY}). */
  public StreamableHttpLimits(
      long maxBodyBytes, int maxSessions, Duration idleSessionTtl, Duration keepAliveInterval) {
    this(maxBodyBytes, maxSessions, idleSessionTtl, keepAliveInterval, DEFAULT_SSE_RETRY);
  }

  /**
   * 4 MiB bodies, 1000 sessions, 30 minutes idle, a keep-alive every 15 seconds, a 3 seconds SSE
   * {@code retry}.
   */
  public static StreamableHttpLimits defaults() {
    return new StreamableHttpLimits(4L << 20, 1000, Duration.ofMinutes(30), Duration.ofSeconds(15));
  }
}
