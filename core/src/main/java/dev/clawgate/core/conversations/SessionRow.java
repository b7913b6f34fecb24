package dev.clawgate.core.conversations;

import java.util.Objects;
import java.util.Optional;

/**
 * One session as stored (the wire form is the reference's {@code GatewaySessionRow}).
 *
 * @param key the session key
 * @param sessionId the current transcript's id (a reset starts a new one)
 * @param agentId the agent it belongs to
 * @param kind {@code direct}, {@code group} or {@code global}
 * @param channel the channel it lives on, if any
 * @param label an operator-set label
 * @param displayName a display name (the chat title or the peer's name)
 * @param derivedTitle from the first user message
 * @param lastMessagePreview from the latest message
 * @param origin where it started
 * @param deliveryContext where replies go
 * @param lastRoute the route of the latest inbound message or delivery ({@code last*})
 * @param messageCount messages in the current transcript (the latest seq)
 * @param createdAtMs when it was created
 * @param updatedAtMs when it last changed
 */
public record SessionRow(
    String key,
    String sessionId,
    String agentId,
    String kind,
    Optional<String> channel,
    Optional<String> label,
    Optional<String> displayName,
    Optional<String> derivedTitle,
    Optional<String> lastMessagePreview,
    Optional<Origin> origin,
    Optional<Route> deliveryContext,
    Optional<Route> lastRoute,
    long messageCount,
    long createdAtMs,
    long updatedAtMs) {
  public SessionRow {
    Objects.requireNonNull(key, "null key");
    Objects.requireNonNull(sessionId, "null sessionId");
    Objects.requireNonNull(agentId, "null agentId");
    Objects.requireNonNull(kind, "null kind");
    Objects.requireNonNull(channel, "null channel");
    Objects.requireNonNull(label, "null label");
    Objects.requireNonNull(displayName, "null displayName");
    Objects.requireNonNull(derivedTitle, "null derivedTitle");
    Objects.requireNonNull(lastMessagePreview, "null lastMessagePreview");
    Objects.requireNonNull(origin, "null origin");
    Objects.requireNonNull(deliveryContext, "null deliveryContext");
    Objects.requireNonNull(lastRoute, "null lastRoute");
  }

  /**
   * The route a reply takes, resolved as the reference's bridge does: the delivery context, else
   * the last route. Empty when the session has no peer to talk to.
   */
  public Optional<Route> replyRoute() {
    return deliveryContext.or(() -> lastRoute);
  }
}
