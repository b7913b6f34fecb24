package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.ResponseFrame;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Requests awaiting their response, by id. Ids are {@code "<counter>:<uuid>"} like the reference
 * client's. Every future completes exactly once (whoever removes the entry completes it), on {@link
 * Calls#COMPLETER}, never on the thread that read the response.
 */
final class PendingRequests {
  private record Pending(String method, CompletableFuture<JsonNode> future) {}

  private final AtomicLong counter = new AtomicLong(1);
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

  /** A fresh request id. */
  String nextId() {
    return counter.getAndIncrement() + ":" + UUID.randomUUID();
  }

  /** Registers a request; it fails with a request-timeout error after {@code timeout}. */
  CompletableFuture<JsonNode> register(String id, String method, Duration timeout) {
    Pending request = new Pending(method, new CompletableFuture<>());
    pending.put(id, request);
    // The timer holds only the id, not the future, so an answered payload is not retained.
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, Calls.COMPLETER)
        .execute(() -> fail(id, ClientErrors.requestTimeout(method, timeout)));
    return request.future();
  }

  /** Completes the request {@code response} answers; false when no such request is waiting. */
  boolean complete(ResponseFrame response) {
    Pending request = pending.remove(response.id());
    if (request == null) {
      return false;
    }
    if (response.ok()) {
      JsonNode payload = response.payload().orElse(NullNode.getInstance());
      Calls.COMPLETER.execute(() -> request.future().complete(payload));
    } else {
      GatewayErrorException error =
          GatewayErrorException.of(request.method(), response.error().orElseThrow());
      Calls.COMPLETER.execute(() -> request.future().completeExceptionally(error));
    }
    return true;
  }

  /** Fails one request, if it is still waiting. */
  void fail(String id, ClawgateException error) {
    Optional.ofNullable(pending.remove(id))
        .ifPresent(r -> Calls.COMPLETER.execute(() -> r.future().completeExceptionally(error)));
  }

  /** Fails every waiting request. */
  void failAll(ClawgateException error) {
    for (String id : pending.keySet()) {
      fail(id, error);
    }
  }

  /** The id of a response frame too broken to parse, when it has one. */
  static Optional<String> responseId(String text) {
    try {
      JsonNode root = Json.mapper().readTree(text);
      if (root != null
          && "res".equals(root.path("type").asString(""))
          && root.path("id").isString()) {
        return Optional.of(root.path("id").stringValue());
      }
    } catch (JacksonException e) {
      // not JSON at all: nothing to correlate
    }
    return Optional.empty();
  }
}
