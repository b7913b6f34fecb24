package dev.clawgate.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Tools, schemas and collectors the server tests share. */
final class TestTools {
  private TestTools() {}

  static ObjectNode json(String text) {
    return (ObjectNode) Json.mapper().readTree(text);
  }

  /** A tool with a fixed spec whose calls run {@code body}. */
  record FakeTool(ToolSpec spec, Body body) implements Tool {
    @FunctionalInterface
    interface Body {
      ToolResult call(ObjectNode arguments) throws InterruptedException;
    }

    @Override
    public ToolResult call(ObjectNode arguments) throws InterruptedException {
      return body.call(arguments);
    }
  }

  static Tool tool(String name, String schema, FakeTool.Body body) {
    return new FakeTool(new ToolSpec(name, "The " + name + " tool.", json(schema)), body);
  }

  /** {@code echo}: requires a non-empty {@code text} and answers it back. */
  static Tool echo() {
    return tool(
        "echo",
        """
        {"type":"object","additionalProperties":false,
         "properties":{"text":{"type":"string","minLength":1}},"required":["text"]}\
        """,
        args -> {
          String text = args.path("text").stringValue();
          return ToolResult.of("echo: " + text, Json.mapper().createObjectNode().put("text", text));
        });
  }

  /** A tool that blocks until released or interrupted, and records which happened. */
  static final class BlockingTool {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);

    Tool tool() {
      return TestTools.tool(
          "wait",
          "{\"type\":\"object\",\"additionalProperties\":false}",
          args -> {
            started.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              interrupted.countDown();
              throw e;
            }
            return ToolResult.of("released", Json.mapper().createObjectNode());
          });
    }
  }

  /** An outbound that keeps what is written, for the test to take in order. */
  static final class Collected implements Outbound {
    private final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>();
    private final List<ObjectNode> all = new CopyOnWriteArrayList<>();

    @Override
    public void write(ObjectNode message) {
      all.add(message);
      queue.add(message);
    }

    /** The next message; fails when none comes within a generous bound. */
    ObjectNode next() throws InterruptedException {
      ObjectNode message = queue.poll(30, TimeUnit.SECONDS);
      assertThat(message).as("a message was written").isNotNull();
      return message;
    }

    /** Everything written so far. */
    List<ObjectNode> all() {
      return List.copyOf(all);
    }

    /** Everything written so far that answers {@code id}. */
    List<ObjectNode> answersTo(JsonNode id) {
      List<ObjectNode> answers = new ArrayList<>();
      for (ObjectNode message : all) {
        if (message.path("id").equals(id)) {
          answers.add(message);
        }
      }
      return answers;
    }
  }

  /** Diagnostics that keep their lines, verbose included. */
  static final class RecordingDiagnostics implements Diagnostics {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<String> verbose = new CopyOnWriteArrayList<>();

    @Override
    public void line(String text) {
      lines.add(text);
    }

    @Override
    public void verbose(String text) {
      verbose.add(text);
    }

    @Override
    public boolean isVerbose() {
      return true;
    }
  }
}
