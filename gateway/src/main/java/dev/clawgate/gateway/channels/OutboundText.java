package dev.clawgate.gateway.channels;

import dev.clawgate.core.conversations.Route;
import java.util.Objects;

/**
 * A text to deliver on a route.
 *
 * @param route where to
 * @param text the text (the channel splits it if its platform limits length)
 * @param idempotencyKey the caller's key, passed on where the platform supports one
 */
public record OutboundText(Route route, String text, String idempotencyKey) {
  public OutboundText {
    Objects.requireNonNull(route, "null route");
    Objects.requireNonNull(text, "null text");
    Objects.requireNonNull(idempotencyKey, "null idempotencyKey");
  }
}
