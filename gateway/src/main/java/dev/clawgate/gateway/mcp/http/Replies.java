package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.RequestBodies;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What both MCP HTTP transports write and read the same way: JSON and JSON-RPC error bodies (never
 * a stack trace, never cached), SSE events and headers, and the POSTed JSON-RPC message, read with
 * a cap.
 */
final class Replies {
  static final String APPLICATION_JSON = "application/json";
  static final String TEXT_EVENT_STREAM = "text/event-stream";

  /** The SSE comment written while a stream has nothing else to say. */
  static final byte[] SSE_KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

  private Replies() {}

  /** A small JSON-RPC error body; never a stack trace. */
  static void error(Response response, int status, int code, String message, Callback callback) {
    json(response, status, Messages.error(code, message), callback);
  }

  /** A JSON-RPC error with the generic server error code. */
  static void error(Response response, int status, String message, Callback callback) {
    error(response, status, Messages.SERVER_ERROR, message, callback);
  }

  /** 404 for a session that is unknown, closed, or another principal's. */
  static void sessionNotFound(Response response, Callback callback) {
    error(
        response,
        HttpStatus.NOT_FOUND_404,
        Messages.SESSION_NOT_FOUND,
        "Session not found",
        callback);
  }

  /** The status and the headers of a JSON body not to be cached; the body is written later. */
  static void jsonHeaders(Response response, int status) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, APPLICATION_JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
  }

  /** A whole JSON body. */
  static void json(Response response, int status, String body, Callback callback) {
    json(response, status, body.getBytes(StandardCharsets.UTF_8), callback);
  }

  /** A whole JSON body. */
  static void json(Response response, int status, byte[] body, Callback callback) {
    jsonHeaders(response, status);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** A response without a body (202, 204). */
  static void empty(Response response, int status, Callback callback) {
    response.setStatus(status);
    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
  }

  /** 200 and the headers of an event stream that no proxy should buffer. */
  static void sseHeaders(Response response, String cacheControl) {
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, TEXT_EVENT_STREAM);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
    response.getHeaders().put("X-Accel-Buffering", "no");
  }

  /**
   * One SSE event, with an id unless {@code id} is null. {@code data} must hold no line break:
   * compact JSON and our URIs do not.
   */
  static byte[] event(@Nullable String id, String name, String data) {
    String event = "event: " + name + "\ndata: " + data + "\n\n";
    return (id == null ? event : "id: " + id + "\n" + event).getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON-RPC message as compact JSON, for an event; {@code what} names it in the failure. */
  static String encode(JsonNode message, String what) throws IOException {
    try {
      return Json.mapper().writeValueAsString(message);
    } catch (JacksonException e) {
      throw new IOException("could not encode " + what + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The POSTed JSON-RPC message (an object or an array), or null after answering 415 (not JSON),
   * 413 (longer than {@code maxBodyBytes}) or 400 (unreadable, not JSON-RPC).
   */
  static @Nullable JsonNode readMessage(
      Request request, Response response, long maxBodyBytes, Callback callback) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType == null || !mediaType(contentType).equals(APPLICATION_JSON)) {
      RequestBodies.discard(request, response);
      error(
          response,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
          "Unsupported Media Type: Content-Type must be application/json",
          callback);
      return null;
    }
    byte @Nullable [] body;
    try {
      body = RequestBodies.read(request, response, maxBodyBytes);
    } catch (IOException e) {
      error(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.INVALID_REQUEST,
          "Bad Request: could not read the body",
          callback);
      return null;
    }
    if (body == null) {
      error(
          response,
          HttpStatus.PAYLOAD_TOO_LARGE_413,
          Messages.INVALID_REQUEST,
          "Payload Too Large: the body exceeds " + maxBodyBytes + " bytes",
          callback);
      return null;
    }
    JsonNode message;
    try {
      message = Json.mapper().readTree(body);
    } catch (JacksonException e) {
      message = null;
    }
    if (message == null || !(message.isObject() || message.isArray())) {
      error(
          response,
          HttpStatus.BAD_REQUEST_400,
          Messages.PARSE_ERROR,
          "Parse error: the body is not a JSON-RPC message",
          callback);
      return null;
    }
    return message;
  }

  /** Whether any {@code Accept} value names {@code mediaType} (parameters and case ignored). */
  static boolean accepts(Request request, String mediaType) {
    for (String value : request.getHeaders().getValuesList(HttpHeader.ACCEPT)) {
      for (String range : value.split(",")) {
        if (mediaType(range).equals(mediaType)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Runs {@code task} on {@code executor}, or here when it is stopping. */
  static void dispatch(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // stopping: run it here
    }
  }

  private static String mediaType(String value) {
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
