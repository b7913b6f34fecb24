package dev.clawgate.gateway.channels;

import dev.clawgate.gateway.HttpEndpoint;
import java.util.Optional;

/**
 * One account of one messaging channel. The hub starts it with a {@link ChannelContext} to feed
 * inbound messages into, asks it to {@link #send} replies, and reports its {@link #status}.
 *
 * <p>Implementations own their threads (virtual), never block {@link #start} on the network, log no
 * secrets, and keep running through transient failures (reporting them in {@link #status}).
 */
public interface Channel extends AutoCloseable {
  /** The channel type, lower case: {@code telegram}, {@code webhook}. */
  String type();

  /** The account id from the config ({@code channels.<type>.<account>}). */
  String accountId();

  /**
   * An HTTP endpoint for inbound traffic, mounted by the hub at {@code /hooks/<accountId>} (the
   * request path passed to it is that path). Channels that poll have none.
   */
  default Optional<HttpEndpoint> inboundEndpoint() {
    return Optional.empty();
  }

  /** Starts receiving; returns at once. */
  void start(ChannelContext context);

  /**
   * Delivers {@code message}, retrying transient failures within the channel's own limits. Blocks
   * until delivered or given up; never throws for a delivery failure (the result says).
   */
  Delivery send(OutboundText message);

  /** A snapshot for {@code channels.status}; never contains a secret. */
  ChannelStatus status();

  /** Stops receiving and releases resources; idempotent. */
  @Override
  void close();
}
