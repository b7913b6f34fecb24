package dev.clawgate.gateway;

import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.jspecify.annotations.Nullable;

/**
 * Reads request bodies under a limit, so that a body over it still gets its 413 to the client.
 *
 * <p>Answering before the client has finished sending, and then closing the connection with the
 * rest of the body unread, makes the kernel reset the connection; the reset can overtake the
 * answer, and the client sees a dropped connection instead of "too large". So an over-long body is
 * read on and discarded up to {@link #SWALLOW_BYTES} past the limit (as servlet containers do)
 * before the 413 is written. A body longer still is not worth reading: the answer then asks for the
 * connection to be closed and the client may see it reset.
 */
public final class RequestBodies {
  /** How far past its limit a body is still read (and discarded) to deliver the 413. */
  public static final long SWALLOW_BYTES = 2L * 1024 * 1024;

  private RequestBodies() {}

  /**
   * The body, or null when it is longer than {@code max} bytes (declared or actually sent); in that
   * case the rest has been discarded, or {@code response} asks for the connection to close.
   */
  public static byte @Nullable [] read(Request request, Response response, long max)
      throws IOException {
    long declared = request.getLength();
    if (declared > max + SWALLOW_BYTES) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      return null;
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      if (declared > max) {
        discard(in, declared);
        return null;
      }
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (body.length <= max) {
        return body;
      }
      if (discard(in, SWALLOW_BYTES) >= SWALLOW_BYTES) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      }
      return null;
    }
  }

  /**
   * Drops the body of a request refused without reading it (such as a 401), so that the client
   * reads the refusal rather than a reset connection: up to {@link #SWALLOW_BYTES}, beyond that the
   * response asks for the connection to be closed. A read that fails is the connection failing: the
   * refusal is written anyway, and the connection closed.
   */
  public static void discard(Request request, Response response) {
    long declared = request.getLength();
    if (declared == 0) {
      return;
    }
    if (declared > SWALLOW_BYTES) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      return;
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      if (discard(in, SWALLOW_BYTES) >= SWALLOW_BYTES) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      }
    } catch (IOException e) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
  }

  /** Reads and drops up to {@code limit} bytes; how many there were. */
  private static long discard(InputStream in, long limit) throws IOException {
    byte[] sink = new byte[16 * 1024];
    long total = 0;
    while (total < limit) {
      int n = in.read(sink, 0, (int) Math.min(sink.length, limit - total));
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
