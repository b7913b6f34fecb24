package dev.clawgate.gateway;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plain HTTP on the gateway port (requests that are not WebSocket upgrades): {@code GET /healthz}
 * (the process answers), {@code GET /readyz} (started and not stopping), the mounted {@link
 * HttpEndpoint}s, and JSON 404s for everything else.
 */
final class HttpRoutes extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);

  /** An endpoint under a path prefix with its body limit. */
  record Mount(String prefix, long maxBodyBytes, HttpEndpoint endpoint) {}

  /** A Jetty handler serving one exact path, started and stopped with these routes. */
  record Route(String path, Handler handler) {}

  private final String version;
  private final LongSupplier uptimeMs;
  private final BooleanSupplier ready;
  private final List<Mount> mounts;
  private final List<Route> routes;
  private final List<String> trustedProxies;

  HttpRoutes(
      String version,
      LongSupplier uptimeMs,
      BooleanSupplier ready,
      List<Mount> mounts,
      List<Route> routes,
      List<String> trustedProxies) {
    super(InvocationType.BLOCKING);
    this.version = version;
    this.uptimeMs = uptimeMs;
    this.ready = ready;
    this.mounts = List.copyOf(mounts);
    this.routes = List.copyOf(routes);
    this.trustedProxies = List.copyOf(trustedProxies);
    for (Route route : this.routes) {
      addBean(route.handler(), true);
    }
  }

  @Override
  public void setServer(@Nullable Server server) {
    super.setServer(server);
    for (Route route : routes) {
      route.handler().setServer(server);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    for (Route route : routes) {
      if (path.equals(route.path())) {
        return route.handler().handle(request, response, callback);
      }
    }
    for (Mount mount : mounts) {
      if (path.startsWith(mount.prefix())) {
        serve(mount, path, request, response, callback);
        return true;
      }
    }
    ObjectNode body = Json.mapper().createObjectNode();
    int status;
    boolean probe = path.equals("/healthz") || path.equals("/readyz");
    if (!probe) {
      status = HttpStatus.NOT_FOUND_404;
      body.put("ok", false);
      body.put("error", "not found");
    } else if (!HttpMethod.GET.is(request.getMethod())
        && !HttpMethod.HEAD.is(request.getMethod())) {
      status = HttpStatus.METHOD_NOT_ALLOWED_405;
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      body.put("ok", false);
      body.put("error", "method not allowed");
    } else if (path.equals("/readyz") && !ready.getAsBoolean()) {
      // Not yet (channels and endpoints still starting) or no longer (stopping): a load balancer
      // or supervisor should not send traffic here.
      status = HttpStatus.SERVICE_UNAVAILABLE_503;
      body.put("ok", false);
      body.put("status", "not ready");
    } else {
      status = HttpStatus.OK_200;
      body.put("ok", true);
      body.put("status", path.equals("/readyz") ? "ready" : "live");
      body.put("version", version);
      body.put("uptimeMs", uptimeMs.getAsLong());
    }
    writeJson(response, status, body.toString(), callback);
    return true;
  }

  private void serve(
      Mount mount, String path, Request request, Response response, Callback callback) {
    byte @Nullable [] body;
    try {
      body = RequestBodies.read(request, response, mount.maxBodyBytes());
    } catch (IOException e) {
      writeJson(
          response,
          HttpStatus.BAD_REQUEST_400,
          error("could not read the request body: " + e.getMessage()),
          callback);
      return;
    }
    if (body == null) {
      writeJson(response, HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(mount), callback);
      return;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers
          .computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(field.getValue());
    }
    HttpEndpoint.Reply reply;
    try {
      reply =
          mount
              .endpoint()
              .handle(
                  new HttpEndpoint.Request(
                      request.getMethod().toUpperCase(Locale.ROOT),
                      path,
                      Objects.requireNonNullElse(request.getHttpURI().getQuery(), ""),
                      headers,
                      body,
                      // Behind a trusted proxy, the forwarded client (rate limits, audit log).
                      ClientAddress.of(request, trustedProxies)));
    } catch (RuntimeException e) {
      String ref = Refs.next();
      LOG.error("HTTP {} {} failed (ref {})", request.getMethod(), path, ref, e);
      writeJson(
          response,
          HttpStatus.INTERNAL_SERVER_ERROR_500,
          error("internal error (ref " + ref + ")"),
          callback);
      return;
    }
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
  }

  private static String tooLarge(Mount mount) {
    return error("request body exceeds the limit of " + mount.maxBodyBytes() + " bytes");
  }

  private static String error(String message) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("ok", false);
    body.put("error", message);
    return body.toString();
  }

  private static void writeJson(Response response, int status, String body, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body, callback);
  }
}
