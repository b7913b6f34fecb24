package dev.clawgate.mcp.server;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP over stdio: newline-delimited JSON-RPC, one compact UTF-8 message per line in each direction
 * (MCP messages contain no raw newlines).
 *
 * <p>Lines are cut from the raw bytes and each is parsed by Jackson into a tree; a line longer than
 * the limit is answered with an error and skipped without being held in memory. Writes are
 * serialized, so messages from concurrent tool calls never interleave.
 */
public final class StdioTransport {
  private static final int CHUNK_BYTES = 16 * 1024;

  private final InputStream in;
  private final OutputStream out;
  private final int maxLineBytes;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Outbound outbound = this::write;

  /**
   * A transport over {@code in} and {@code out}; lines longer than {@code maxLineBytes} (without
   * the newline) are refused.
   */
  public StdioTransport(InputStream in, OutputStream out, int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    this.in = Objects.requireNonNull(in, "null in");
    this.out = Objects.requireNonNull(out, "null out");
    this.maxLineBytes = maxLineBytes;
  }

  /** Writes one message as one line and flushes; safe to call from any thread. */
  public Outbound outbound() {
    return outbound;
  }

  /**
   * Reads messages until end of input and hands each to {@code session}, answering on {@link
   * #outbound()}. Blank lines are skipped; a line that is not JSON or is too long is answered with
   * a JSON-RPC error and reading goes on. A last line without a newline is still handled.
   *
   * @throws IOException when reading fails, or writing one of the transport's own errors fails
   */
  public void run(McpSession session) throws IOException {
    byte[] chunk = new byte[CHUNK_BYTES];
    byte[] line = new byte[Math.min(CHUNK_BYTES, maxLineBytes)];
    int length = 0;
    boolean oversized = false; // the current line passed the limit: drop bytes up to its newline
    int read;
    while ((read = in.read(chunk)) != -1) {
      int start = 0;
      for (int i = 0; i < read; i++) {
        if (chunk[i] != '\n') {
          continue;
        }
        int count = i - start;
        if (oversized) {
          oversized = false; // the newline ends the line being dropped
        } else if (length + count > maxLineBytes) {
          refuseOversized();
        } else {
          line = append(line, length, chunk, start, count);
          length += count;
          handleLine(line, length, session);
        }
        length = 0;
        start = i + 1;
      }
      int rest = read - start;
      if (oversized) {
        continue;
      }
      if (length + rest > maxLineBytes) {
        oversized = true;
        length = 0;
        refuseOversized();
      } else {
        line = append(line, length, chunk, start, rest);
        length += rest;
      }
    }
    if (!oversized && length > 0) {
      handleLine(line, length, session);
    }
  }

  private byte[] append(byte[] line, int length, byte[] chunk, int from, int count) {
    byte[] target = line;
    if (length + count > line.length) {
      int grown = Math.max(length + count, Math.min(maxLineBytes, line.length * 2));
      target = Arrays.copyOf(line, grown);
    }
    System.arraycopy(chunk, from, target, length, count);
    return target;
  }

  private void handleLine(byte[] line, int length, McpSession session) throws IOException {
    int end = length;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    if (isBlank(line, end)) {
      return;
    }
    JsonNode message;
    try {
      message = Json.mapper().readTree(line, 0, end);
    } catch (JacksonException e) {
      write(
          JsonRpc.error(
              JsonRpc.NO_ID, JsonRpc.PARSE_ERROR, "Parse error: " + e.getOriginalMessage()));
      return;
    }
    session.handle(message, outbound);
  }

  private void refuseOversized() throws IOException {
    write(JsonRpc.invalidRequest(JsonRpc.NO_ID, "message exceeds " + maxLineBytes + " bytes"));
  }

  private static boolean isBlank(byte[] line, int length) {
    for (int i = 0; i < length; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private void write(ObjectNode message) throws IOException {
    byte[] bytes;
    try {
      bytes = Json.mapper().writeValueAsBytes(message);
    } catch (JacksonException e) {
      throw new IOException("could not encode a message: " + e.getOriginalMessage(), e);
    }
    writeLock.lock();
    try {
      out.write(bytes);
      out.write('\n');
      out.flush();
      // A PrintStream (System.out) swallows write errors; surface them like any other stream.
      if (out instanceof PrintStream printStream && printStream.checkError()) {
        throw new IOException("the output stream failed");
      }
    } finally {
      writeLock.unlock();
    }
  }
}
