package dev.clawgate.gateway.conversations;

import dev.clawgate.core.conversations.Appended;
import dev.clawgate.core.conversations.ConversationListener;
import dev.clawgate.core.conversations.SessionRow;
import dev.clawgate.gateway.GatewayEvents;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Scope;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns committed conversation changes into events for subscribed connections holding {@code
 * operator.read}: every append is a {@code session.message}; a new session, a reset or a delete is
 * a {@code sessions.changed}.
 */
final class ConversationEvents implements ConversationListener {
  private static final Optional<Scope> READ = Optional.of(Scope.READ);

  private final Subscriptions subscriptions;

  ConversationEvents(Subscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  @Override
  public void appended(Appended appended) {
    SessionRow row = appended.session();
    if (appended.sessionCreated()) {
      sessionChanged(row.key(), "created", Optional.of(row));
    }
    Set<String> targets = subscriptions.messageSubscribers(row.key());
    if (targets.isEmpty()) {
      return;
    }
    subscriptions
        .bus()
        .ifPresent(bus ->
            bus.sendTo(
                targets,
                GatewayEvents.SESSION_MESSAGE,
                SessionJson.sessionMessage(row, appended.message()),
                READ));
  }

  @Override
  public void sessionChanged(String sessionKey, String phase, Optional<SessionRow> session) {
    Set<String> targets = subscriptions.allSessionSubscribers();
    if (targets.isEmpty()) {
      return;
    }
    ObjectNode payload = Json.mapper().createObjectNode();
    payload.put("phase", phase);
    payload.put("sessionKey", sessionKey);
    session.ifPresent(row -> payload.set("session", SessionJson.row(row, SessionJson.Include.ALL)));
    subscriptions
        .bus()
        .ifPresent(bus -> bus.sendTo(targets, GatewayEvents.SESSIONS_CHANGED, payload, READ));
  }
}
