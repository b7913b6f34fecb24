package dev.clawgate.client;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} for plain {@code ws://} connections, which never use TLS. Without one, the
 * JDK HTTP client loads and initializes JSSE (the default context and the CA store) when it is
 * built: a few hundred milliseconds of every {@code mcp serve} start-up, for nothing. Any attempt
 * to use it fails loudly.
 */
final class NoTls extends SSLContextSpi {
  private NoTls() {}

  /** A context that refuses every TLS operation. */
  static SSLContext context() {
    return new SSLContext(new NoTls(), null, "none") {};
  }

  /** Parameters that need no TLS provider to build. */
  static SSLParameters parameters() {
    return new SSLParameters();
  }

  private static UnsupportedOperationException refused() {
    return new UnsupportedOperationException("a ws:// connection does not use TLS");
  }

  @Override
  protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
    throw refused();
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    throw refused();
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    throw refused();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    throw refused();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    throw refused();
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    throw refused();
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    throw refused();
  }
}
