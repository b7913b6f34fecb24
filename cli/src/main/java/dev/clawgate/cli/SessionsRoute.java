package dev.clawgate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a reply to a session goes, read from its row as the gateway resolves it: the delivery
 * context, else the last route ({@code lastChannel}, {@code lastTo}, ...).
 *
 * @param channel the channel type ({@code telegram}, {@code webhook})
 * @param to the peer or chat on that channel
 * @param accountId the channel account, when the route names one
 * @param threadId the thread or topic, when there is one
 */
record SessionsRoute(
    String channel, String to, Optional<String> accountId, Optional<String> threadId) {

  /** The reply route of a session row, if it has one. */
  static Optional<SessionsRoute> of(JsonNode row) {
    JsonNode context = row.path("deliveryContext");
    if (context.isObject()) {
      Optional<SessionsRoute> route = route(context, "channel", "to", "accountId", "threadId");
      if (route.isPresent()) {
        return route;
      }
    }
    return route(row, "lastChannel", "lastTo", "lastAccountId", "lastThreadId");
  }

  private static Optional<SessionsRoute> route(
      JsonNode node, String channel, String to, String accountId, String threadId) {
    Optional<String> c = field(node, channel);
    Optional<String> t = field(node, to);
    if (c.isEmpty() || t.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new SessionsRoute(c.get(), t.get(), field(node, accountId), field(node, threadId)));
  }

  private static Optional<String> field(JsonNode node, String name) {
    JsonNode value = node.path(name);
    return value.isString() || value.isIntegralNumber()
        ? Optional.of(value.asString()).filter(v -> !v.isBlank())
        : Optional.empty();
  }

  /** Adds this route to {@code send} params: {@code channel, to, accountId?, threadId?}. */
  ObjectNode into(ObjectNode params) {
    params.put("channel", channel).put("to", to);
    accountId.ifPresent(a -> params.put("accountId", a));
    threadId.ifPresent(t -> params.put("threadId", t));
    return params;
  }

  /** The route a {@code send} result names. */
  static Optional<SessionsRoute> ofSent(JsonNode sent) {
    return route(sent, "channel", "to", "accountId", "threadId");
  }

  /** "telegram:12345". */
  String address() {
    return channel + ":" + to;
  }

  /** "account main, thread 7", or "" when the route names neither. */
  String qualifiers() {
    List<String> parts = new ArrayList<>();
    accountId.ifPresent(a -> parts.add("account " + a));
    threadId.ifPresent(t -> parts.add("thread " + t));
    return String.join(", ", parts);
  }

  /** "telegram:12345 (account main, thread 7)". */
  @Override
  public String toString() {
    String qualifiers = qualifiers();
    return qualifiers.isEmpty() ? address() : address() + " (" + qualifiers + ")";
  }
}
