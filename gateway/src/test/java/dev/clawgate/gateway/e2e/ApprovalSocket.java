package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.gateway.TestSocket;
import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One operator connection on a raw WebSocket, read in order by the test itself: every event that
 * arrives before a response is kept, so {@link #sync()} (one round trip) makes "this connection
 * received no such event" a fact rather than a wait. Use from one thread at a time.
 */
final class ApprovalSocket implements AutoCloseable {
  private final TestSocket socket;
  private final List<JsonNode> events = new ArrayList<>();
  private final Map<String, JsonNode> responses = new HashMap<>();
  private final JsonNode hello;

  private ApprovalSocket(TestSocket socket, JsonNode hello) {
    this.socket = socket;
    this.hello = hello;
  }

  /** Connects as a device-less local operator named {@code name} holding {@code scopes}. */
  static ApprovalSocket connect(ApprovalGateway gateway, String name, String... scopes) {
    TestSocket socket = TestSocket.open(gateway.port());
    ClientInfo client =
        new ClientInfo(
            "cli",
            Optional.of(name),
            "dev",
            "linux",
            Optional.empty(),
            Optional.empty(),
            "cli",
            Optional.empty());
    JsonNode response =
        socket.connect(
            RawConnect.params(
                    Role.OPERATOR,
                    client,
                    AuthParams.none().withToken(ApprovalGateway.TOKEN),
                    List.of(scopes))
                .toNode());
    assertThat(response.path("ok").asBoolean()).as(response.toString()).isTrue();
    return new ApprovalSocket(socket, response.path("payload"));
  }

  JsonNode hello() {
    return hello;
  }

  /** Sends a request without waiting; returns its request id. */
  String send(String method, JsonNode params) {
    return socket.request(method, params);
  }

  /** Reads frames, keeping events, up to the response to {@code requestId}; returns it. */
  JsonNode response(String requestId) {
    while (!responses.containsKey(requestId)) {
      readOne();
    }
    return responses.remove(requestId);
  }

  private void readOne() {
    JsonNode frame = socket.next();
    switch (frame.path("type").asString("")) {
      case "event" -> events.add(frame);
      case "res" -> responses.put(frame.path("id").asString(""), frame);
      default -> throw new AssertionError("unexpected frame " + frame);
    }
  }

  JsonNode call(String method, JsonNode params) {
    return response(send(method, params));
  }

  /** Calls {@code method}, which must succeed; returns its payload. */
  JsonNode ok(String method, JsonNode params) {
    JsonNode response = call(method, params);
    assertThat(response.path("ok").asBoolean()).as("%s: %s", method, response).isTrue();
    return response.path("payload");
  }

  /** Calls {@code method}, which must fail; returns its error. */
  JsonNode refused(String method, JsonNode params) {
    JsonNode response = call(method, params);
    assertThat(response.path("ok").asBoolean()).as("%s: %s", method, response).isFalse();
    return response.path("error");
  }

  /**
   * One round trip: every event the gateway sent this connection before now has been read. (The
   * {@code health} call may be refused for lack of a scope; its response still comes in order.)
   */
  void sync() {
    call("health", Json.mapper().createObjectNode());
  }

  /** The payloads of the events named {@code event} read so far, in order. */
  List<JsonNode> events(String event) {
    List<JsonNode> payloads = new ArrayList<>();
    for (JsonNode frame : events) {
      if (frame.path("event").asString("").equals(event)) {
        payloads.add(frame.path("payload"));
      }
    }
    return payloads;
  }

  /** The payloads of the events named {@code event} about approval {@code id}. */
  List<JsonNode> events(String event, String id) {
    return events(event).stream().filter(p -> p.path("id").asString("").equals(id)).toList();
  }

  /** The names of every approval event read so far. */
  List<String> approvalEvents() {
    return events.stream()
        .map(f -> f.path("event").asString(""))
        .filter(e -> e.contains(".approval."))
        .toList();
  }

  /** Reads until an event named {@code event} about {@code id} has arrived. */
  JsonNode awaitEvent(String event, String id) {
    while (events(event, id).isEmpty()) {
      readOne();
    }
    return events(event, id).getFirst();
  }

  /** Reads until {@code count} events named {@code event} have arrived; returns the last. */
  JsonNode awaitEvents(String event, int count) {
    while (events(event).size() < count) {
      readOne();
    }
    return events(event).get(count - 1);
  }

  static ObjectNode params() {
    return Json.mapper().createObjectNode();
  }

  @Override
  public void close() {
    socket.close();
  }
}
