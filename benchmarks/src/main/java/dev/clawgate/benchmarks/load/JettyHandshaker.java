package dev.clawgate.benchmarks.load;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** Handshakes with Jetty 12's WebSocket client (the same Jetty release as the gateway's server). */
final class JettyHandshaker implements Handshaker {
  private final WebSocketClient client;
  private final URI url;
  private final ConnectFrames frames;

  private JettyHandshaker(WebSocketClient client, URI url, ConnectFrames frames) {
    this.client = client;
    this.url = url;
    this.frames = frames;
  }

  /**
   * A started client for {@code maxSockets} sockets. Upgrades go through Jetty's HTTP client, whose
   * per-destination pool and queue (defaults 64 and 1024) would otherwise throttle the load tool
   * instead of the gateway.
   */
  static JettyHandshaker start(URI url, ConnectFrames frames, int maxSockets, Duration idleTimeout)
      throws Exception {
    HttpClient http = new HttpClient();
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("load-jetty");
    http.setExecutor(threads);
    http.setMaxConnectionsPerDestination(maxSockets);
    http.setMaxRequestsQueuedPerDestination(maxSockets);
    http.setHttpCookieStore(new HttpCookieStore.Empty());
    http.setConnectTimeout(STEP_TIMEOUT.toMillis());
    WebSocketClient client = new WebSocketClient(http);
    client.setIdleTimeout(idleTimeout);
    client.setConnectTimeout(STEP_TIMEOUT.toMillis());
    client.setStopAtShutdown(false);
    client.start();
    return new JettyHandshaker(client, url, frames);
  }

  @Override
  public Connection connect() throws Exception {
    HandshakeSocket socket = new HandshakeSocket(frames);
    try {
      client.connect(socket, url).get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      String hello = socket.hello().get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new Open(socket, hello);
    } catch (ExecutionException e) {
      socket.abort();
      Throwable cause = e.getCause();
      throw cause instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      socket.abort();
      throw new HandshakeFailure("timed out after " + STEP_TIMEOUT);
    }
  }

  @Override
  public void close() {
    try {
      client.stop();
      client.getHttpClient().stop();
    } catch (Exception e) {
      System.err.println("clawgate-load: the Jetty client did not stop cleanly: " + e);
    }
  }

  private record Open(HandshakeSocket socket, String hello) implements Connection {
    @Override
    public boolean closeNormally() {
      if (socket.closed().isDone()) {
        return false;
      }
      socket.close();
      try {
        return socket.closed().get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) == 1000;
      } catch (ExecutionException | TimeoutException e) {
        socket.abort();
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        socket.abort();
        return false;
      }
    }

    @Override
    public void abort() {
      socket.abort();
    }
  }
}
