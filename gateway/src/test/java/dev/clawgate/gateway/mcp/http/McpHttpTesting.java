package dev.clawgate.gateway.mcp.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.Outbound;
import dev.clawgate.mcp.server.Tool;
import dev.clawgate.mcp.server.ToolResult;
import dev.clawgate.mcp.server.ToolSpec;
import dev.clawgate.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the tests of both MCP HTTP transports use: a server, JSON-RPC text, tools, SSE reading. */
final class McpHttpTesting {
  private McpHttpTesting() {}

  /** Starts {@code server} with {@code handler} on an ephemeral loopback port; returns the port. */
  static int start(Server server, Handler handler) throws Exception {
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(handler);
    server.start();
    return connector.getLocalPort();
  }

  /**
   * An authenticator granting {@code Authorization: Bearer <token>} to the principal {@code tokens}
   * maps the token to; anything else is refused as missing.
   */
  static Authenticator bearerTokens(Map<String, McpPrincipal> tokens) {
    return request -> {
      String value = request.getHeaders().get("Authorization");
      McpPrincipal principal =
          value != null && value.startsWith("Bearer ")
              ? tokens.get(value.substring("Bearer ".length()))
              : null;
      return principal == null
          ? Authentication.Refused.missing()
          : new Authentication.Granted(principal);
    };
  }

  /** A session serving {@code tools}, its unsolicited messages going to {@code notifications}. */
  static McpSession session(Outbound notifications, Tool... tools) {
    McpSession.Builder builder = McpSession.builder().serverInfo("test", "1");
    for (Tool tool : tools) {
      builder.tool(tool);
    }
    return builder.outbound(notifications).build();
  }

  /** A JSON-RPC request. */
  static String request(int id, String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\""
        + method
        + "\",\"params\":"
        + params
        + "}";
  }

  /** The tool {@code echo}: answers {@code echo: <text>}. */
  static Tool echo() {
    ObjectNode schema =
        (ObjectNode)
            Json.mapper()
                .readTree(
                    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
                        + "\"required\":[\"text\"],\"additionalProperties\":false}");
    return new Tool() {
      @Override
      public ToolSpec spec() {
        return new ToolSpec("echo", "Echoes.", schema);
      }

      @Override
      public ToolResult call(ObjectNode arguments) {
        return ToolResult.of(
            "echo: " + arguments.path("text").asString(), Json.mapper().createObjectNode());
      }
    };
  }

  /**
   * The tool {@code block}: counts {@code started} down, then waits for {@code release}; an
   * interrupt counts {@code interrupted} down, if given.
   */
  static Tool block(
      CountDownLatch started, CountDownLatch release, @Nullable CountDownLatch interrupted) {
    ObjectNode schema = Json.mapper().createObjectNode().put("type", "object");
    return new Tool() {
      @Override
      public ToolSpec spec() {
        return new ToolSpec("block", "Blocks until released.", schema);
      }

      @Override
      public ToolResult call(ObjectNode arguments) throws InterruptedException {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          if (interrupted != null) {
            interrupted.countDown();
          }
          throw e;
        }
        return ToolResult.of("released", Json.mapper().createObjectNode());
      }
    };
  }

  /** One SSE event: its id and name, if any, and its (single line of) data. */
  record Event(@Nullable String id, @Nullable String event, String data) {}

  /** Reads an SSE response line by line on a background thread. */
  static final class SseReader implements AutoCloseable {
    private static final String END = "\u0000end";
    final int status;
    final HttpHeaders headers;
    private final InputStream body;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private SseReader(HttpResponse<InputStream> response) {
      this.status = response.statusCode();
      this.headers = response.headers();
      this.body = response.body();
      Thread.ofVirtual()
          .start(() -> {
            try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
              String line;
              while ((line = reader.readLine()) != null) {
                lines.add(line);
              }
            } catch (IOException e) {
              // closed
            } finally {
              lines.add(END);
            }
          });
    }

    static SseReader open(HttpClient client, HttpRequest request) throws Exception {
      return new SseReader(client.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** The next non-empty line, or null at the end of the stream. */
    @Nullable String nextLine() throws InterruptedException {
      while (true) {
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertThat(line).as("a line within 5 s").isNotNull();
        if (line.equals(END)) {
          return null;
        }
        if (!line.isEmpty()) {
          return line;
        }
      }
    }

    /** The next line that is not a comment, or null at the end of the stream. */
    @Nullable String nextNonCommentLine() throws InterruptedException {
      String line;
      do {
        line = nextLine();
      } while (line != null && line.startsWith(":"));
      return line;
    }

    /** The next event, skipping keep-alive comments. */
    Event nextEvent() throws InterruptedException {
      String id = null;
      String event = null;
      while (true) {
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertThat(line).as("an event within 5 s").isNotNull().isNotEqualTo(END);
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          return new Event(id, event, line.substring(6));
        }
      }
    }

    /** The next {@code message} event's JSON. */
    JsonNode nextMessage() throws InterruptedException {
      Event event = nextEvent();
      assertThat(event.event()).isEqualTo("message");
      return Json.mapper().readTree(event.data());
    }

    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }
}
