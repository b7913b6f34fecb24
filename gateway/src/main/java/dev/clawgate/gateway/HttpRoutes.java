package dev.clawgate.gateway;

import dev.clawgate.protocol.Json;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plain HTTP on the gateway port (requests that are not WebSocket upgrades): {@code GET /healthz}
 * and JSON 404s for everything else.
 */
final class HttpRoutes extends Handler.Abstract {
  private final String version;
  private final LongSupplier uptimeMs;

  HttpRoutes(String version, LongSupplier uptimeMs) {
    this.version = version;
    this.uptimeMs = uptimeMs;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    ObjectNode body = Json.mapper().createObjectNode();
    int status;
    if (!path.equals("/healthz")) {
      status = HttpStatus.NOT_FOUND_404;
      body.put("ok", false);
      body.put("error", "not found");
    } else if (!HttpMethod.GET.is(request.getMethod())
        && !HttpMethod.HEAD.is(request.getMethod())) {
      status = HttpStatus.METHOD_NOT_ALLOWED_405;
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      body.put("ok", false);
      body.put("error", "method not allowed");
    } else {
      status = HttpStatus.OK_200;
      body.put("ok", true);
      body.put("status", "live");
      body.put("version", version);
      body.put("uptimeMs", uptimeMs.getAsLong());
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body.toString(), callback);
    return true;
  }
}
