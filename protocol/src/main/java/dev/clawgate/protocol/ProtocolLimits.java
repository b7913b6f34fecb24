package dev.clawgate.protocol;

import java.time.Duration;

/** Size and time bounds of the protocol; the gateway announces the post-connect ones in policy. */
public final class ProtocolLimits {
  /** Largest frame accepted before {@code hello-ok}. */
  public static final int PRE_CONNECT_MAX_BYTES = 64 * 1024;

  /** Largest frame accepted after {@code hello-ok} ({@code policy.maxPayload}). */
  public static final int MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

  /** Most bytes queued for one connection before it is treated as slow. */
  public static final long MAX_BUFFERED_BYTES = 50L * 1024 * 1024;

  /** From socket open to a successful {@code connect}. */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);

  /** Interval of {@code tick} events. */
  public static final Duration TICK_INTERVAL = Duration.ofSeconds(30);

  /** Largest accepted difference between a device signature's time and the gateway clock. */
  public static final Duration SIGNATURE_SKEW = Duration.ofMinutes(2);

  private ProtocolLimits() {}
}
