package dev.clawgate.gateway.channels;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A channel account's health for {@code channels.status}.
 *
 * @param type the channel type
 * @param accountId the account
 * @param running whether it is started and not closed
 * @param connected whether its last exchange with the platform succeeded
 * @param lastInboundAtMs when it last received a message
 * @param lastOutboundAtMs when it last delivered one
 * @param lastError the last failure (no secrets), if the latest exchange failed
 * @param details channel-specific facts (e.g. {@code mode: polling}, {@code offset}); no secrets
 */
public record ChannelStatus(
    String type,
    String accountId,
    boolean running,
    boolean connected,
    Optional<Long> lastInboundAtMs,
    Optional<Long> lastOutboundAtMs,
    Optional<String> lastError,
    Map<String, String> details) {
  public ChannelStatus {
    Objects.requireNonNull(type, "null type");
    Objects.requireNonNull(accountId, "null accountId");
    Objects.requireNonNull(lastInboundAtMs, "null lastInboundAtMs");
    Objects.requireNonNull(lastOutboundAtMs, "null lastOutboundAtMs");
    Objects.requireNonNull(lastError, "null lastError");
    details = Map.copyOf(details);
  }
}
