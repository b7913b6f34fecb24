package dev.clawgate.mcp.tools;

import dev.clawgate.protocol.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-memory gateway behind {@link ConversationPort}: records each call (method and params, as
 * the gateway would receive them) and answers with canned JSON shaped like clawgate's gateway
 * ({@code SessionMethods}). A method with no answer fails as an unexpected call would.
 */
final class FakePort implements ConversationPort {
  record Call(String method, JsonNode params) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Function<ObjectNode, JsonNode>> answers = new HashMap<>();
  private volatile @Nullable String notReady;
  private volatile boolean exactLookup = true;
  private volatile @Nullable GatewayEventListener listener;
  volatile boolean unsubscribed;

  /** Answers {@code method} (a gateway method name) with {@code answer}. */
  FakePort answer(String method, Function<ObjectNode, JsonNode> answer) {
    answers.put(method, answer);
    return this;
  }

  FakePort answer(String method, String json) {
    return answer(method, params -> parse(json));
  }

  /** Answers {@code method} by refusing it, as the gateway refuses with its error message. */
  FakePort refuse(String method, String message) {
    return answer(
        method,
        params -> {
          throw new PortException(message);
        });
  }

  /** Makes readiness fail with {@code message}. */
  FakePort notReady(String message) {
    notReady = message;
    return this;
  }

  /** Pretends to be a gateway without {@code chat.message.get}. */
  FakePort withoutExactLookup() {
    exactLookup = false;
    return this;
  }

  void emit(String event, JsonNode payload) {
    GatewayEventListener current = listener;
    if (current != null && !unsubscribed) {
      current.onEvent(event, payload);
    }
  }

  boolean subscribed() {
    return listener != null && !unsubscribed;
  }

  List<String> methods() {
    return calls.stream().map(Call::method).toList();
  }

  Call only(String method) {
    List<Call> matching = calls.stream().filter(c -> c.method().equals(method)).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one " + method + " call, saw " + methods());
    }
    return matching.getFirst();
  }

  static JsonNode parse(String json) {
    return Json.mapper().readTree(json);
  }

  /**
   * {@code node} as a parser would read it back, so trees built with {@code put(long)} compare
   * equal to parsed text (Jackson's node equality tells an int node from a long one).
   */
  static JsonNode reparse(JsonNode node) {
    return parse(node.toString());
  }

  @Override
  public void awaitReady(Duration timeout) {
    calls.add(
        new Call("awaitReady", Json.mapper().getNodeFactory().numberNode(timeout.toMillis())));
    String reason = notReady;
    if (reason != null) {
      throw new PortException(reason);
    }
  }

  @Override
  public JsonNode listSessions(ObjectNode params) {
    return call("sessions.list", params);
  }

  @Override
  public JsonNode describeSession(ObjectNode params) {
    return call("sessions.describe", params);
  }

  @Override
  public JsonNode readMessages(ObjectNode params) {
    return call("sessions.get", params);
  }

  @Override
  public Optional<JsonNode> getMessage(ObjectNode params) {
    return exactLookup ? Optional.of(call("chat.message.get", params)) : Optional.empty();
  }

  @Override
  public JsonNode send(ObjectNode params) {
    return call("send", params);
  }

  @Override
  public JsonNode resolveApproval(ApprovalKind kind, ObjectNode params) {
    return call(kind.wire() + ".approval.resolve", params);
  }

  @Override
  public AutoCloseable subscribe(GatewayEventListener listener) {
    this.listener = listener;
    return () -> unsubscribed = true;
  }

  private JsonNode call(String method, ObjectNode params) {
    calls.add(new Call(method, params.deepCopy()));
    Function<ObjectNode, JsonNode> answer = answers.get(method);
    if (answer == null) {
      throw new PortException("unexpected gateway method " + method);
    }
    return answer.apply(params);
  }
}
