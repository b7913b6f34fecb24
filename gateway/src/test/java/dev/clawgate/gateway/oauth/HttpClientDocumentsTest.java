package dev.clawgate.gateway.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.oauth.OAuthEvents;
import dev.clawgate.core.oauth.OAuthException;
import dev.clawgate.core.oauth.OAuthServer;
import dev.clawgate.core.pairing.PairingListener;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.store.StateStore;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Client ID metadata documents fetched over real https from a local server with a self-signed
 * certificate (made with the JDK's keytool), and the authorization of a client that names itself by
 * such a URL.
 */
class HttpClientDocumentsTest {
  private static final String PASSWORD = "changeit-test";
  private static final Map<String, Answer> ANSWERS = new ConcurrentHashMap<>();

  private record Answer(int status, String contentType, String body, Map<String, String> headers) {}

  @TempDir static Path keys;
  private static Server server;
  private static String base;
  private static SSLContext trusting;
  private static final AtomicInteger REQUESTS = new AtomicInteger();
  private static final List<HttpClientDocuments> MADE = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Path keystore = keys.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost,dns:docs.test",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String keytoolOutput =
        new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(keytoolOutput).isZero();

    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keystore.toString());
    tls.setKeyStorePassword(PASSWORD);
    server = new Server();
    ServerConnector connector = new ServerConnector(server, tls);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            REQUESTS.incrementAndGet();
            Answer answer = ANSWERS.get(Request.getPathInContext(request));
            if (answer == null) {
              response.setStatus(404);
              callback.succeeded();
              return true;
            }
            response.setStatus(answer.status());
            response.getHeaders().put("Content-Type", answer.contentType());
            answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            response.write(
                true,
                java.nio.ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)),
                callback);
            return true;
          }
        });
    server.start();
    base = "https://127.0.0.1:" + connector.getLocalPort();

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    trusting = context;
  }

  @AfterAll
  static void stop() throws Exception {
    MADE.forEach(HttpClientDocuments::close);
    server.stop();
  }

  private static String document(String clientId, String redirect) {
    return "{\"client_id\":\""
        + clientId
        + "\",\"client_name\":\"Metadata Client\",\"redirect_uris\":[\""
        + redirect
        + "\"],\"token_endpoint_auth_method\":\"none\"}";
  }

  private static HttpClientDocuments documents(boolean allowPrivateAddresses) {
    HttpClientDocuments documents =
        new HttpClientDocuments(trusting, allowPrivateAddresses, InetAddress::getAllByName);
    MADE.add(documents);
    return documents;
  }

  private static void serve(String path, Answer answer) {
    ANSWERS.put(path, answer);
  }

  @Test
  void aDocumentIsFetchedOverHttps() {
    serve("/doc.json", new Answer(200, "application/json", "{\"a\":1}", Map.of()));
    JsonNode document = documents(true).fetch(URI.create(base + "/doc.json"));
    assertThat(document.path("a").asInt()).isEqualTo(1);
  }

  @Test
  void redirectsAreNotFollowed() {
    serve("/moved", new Answer(302, "text/plain", "", Map.of("Location", base + "/doc.json")));
    OAuthException e =
        catchThrowableOfType(
            OAuthException.class, () -> documents(true).fetch(URI.create(base + "/moved")));
    assertThat(e.error()).isEqualTo("invalid_client");
    assertThat(e.description()).contains("HTTP 302");
  }

  @Test
  void oversizedAndMalformedDocumentsAreRefused() {
    serve(
        "/big",
        new Answer(
            200,
            "application/json",
            "{\"x\":\"" + "a".repeat(HttpClientDocuments.MAX_BYTES) + "\"}",
            Map.of()));
    serve("/html", new Answer(200, "text/html", "<html>nope</html>", Map.of()));
    HttpClientDocuments documents = documents(true);
    assertThat(
            catchThrowableOfType(
                    OAuthException.class, () -> documents.fetch(URI.create(base + "/big")))
                .description())
        .contains("exceeds");
    assertThat(
            catchThrowableOfType(
                    OAuthException.class, () -> documents.fetch(URI.create(base + "/html")))
                .description())
        .contains("not valid JSON");
  }

  @Test
  void anUntrustedCertificateIsRefused() {
    serve("/doc.json", new Answer(200, "application/json", "{}", Map.of()));
    OAuthException e =
        catchThrowableOfType(
            OAuthException.class,
            () -> {
              try (HttpClientDocuments platformTrust =
                  new HttpClientDocuments(null, true, InetAddress::getAllByName)) {
                platformTrust.fetch(URI.create(base + "/doc.json"));
              }
            });
    assertThat(e.description()).contains("could not be fetched");
  }

  @Test
  void privateAddressesAreRefusedUnlessAllowed() throws Exception {
    OAuthException e =
        catchThrowableOfType(
            OAuthException.class, () -> documents(false).fetch(URI.create(base + "/doc.json")));
    assertThat(e.description()).contains("non-public address");
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("10.1.2.3"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("192.168.1.1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("169.254.169.254"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("100.64.0.1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("fd00::1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("::1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("198.18.0.1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("240.0.0.1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("64:ff9b::7f00:1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("2002:c0a8:101::1"))).isFalse();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("64:ff9b::5db8:d822"))).isTrue();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("2606:4700::1111"))).isTrue();
    assertThat(HttpClientDocuments.isPublic(InetAddress.getByName("93.184.216.34"))).isTrue();
  }

  @Test
  void theHostIsLookedUpOnceAndTheConnectionGoesToTheAddressChecked() throws Exception {
    serve("/doc.json", new Answer(200, "application/json", "{\"a\":2}", Map.of()));
    List<String> lookups = new CopyOnWriteArrayList<>();
    HttpClientDocuments.Resolver resolver =
        host -> {
          lookups.add(host);
          return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        };
    // docs.test is a reserved name that no DNS answers: only the resolver given knows it.
    URI url = URI.create(base.replace("127.0.0.1", "docs.test") + "/doc.json");
    try (HttpClientDocuments documents = new HttpClientDocuments(trusting, true, resolver)) {
      assertThat(documents.fetch(url).path("a").asInt()).isEqualTo(2);
    }
    assertThat(lookups).containsExactly("docs.test");
  }

  @Test
  void aHostWithAnyNonPublicAddressIsRefusedBeforeAConnection() throws Exception {
    serve("/doc.json", new Answer(200, "application/json", "{}", Map.of()));
    HttpClientDocuments.Resolver rebinding =
        host ->
            new InetAddress[] {
              InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")
            };
    URI url = URI.create(base.replace("127.0.0.1", "docs.test") + "/doc.json");
    int before = REQUESTS.get();
    try (HttpClientDocuments documents = new HttpClientDocuments(trusting, false, rebinding)) {
      OAuthException e = catchThrowableOfType(OAuthException.class, () -> documents.fetch(url));
      assertThat(e.error()).isEqualTo("invalid_client");
      assertThat(e.description()).contains("non-public address");
    }
    assertThat(REQUESTS.get()).isEqualTo(before);
  }

  @Test
  void anUnknownHostIsNamedSo() {
    try (HttpClientDocuments documents =
        new HttpClientDocuments(
            trusting,
            false,
            host -> {
              throw new UnknownHostException(host);
            })) {
      OAuthException e =
          catchThrowableOfType(
              OAuthException.class,
              () -> documents.fetch(URI.create("https://nowhere.test/client.json")));
      assertThat(e.description()).contains("host is unknown");
    }
  }

  @Test
  void aClientNamedByItsMetadataUrlIsAuthorized(@TempDir Path state) throws Exception {
    String clientId = base + "/oauth/client.json";
    String redirect = "https://client.example/callback";
    serve(
        "/oauth/client.json",
        new Answer(200, "application/json", document(clientId, redirect), Map.of()));
    serve(
        "/oauth/liar.json",
        new Answer(
            200, "application/json", document(base + "/oauth/other.json", redirect), Map.of()));
    Files.writeString(
        state.resolve(GatewayConfig.FILE_NAME),
        "{ gateway: { port: 0, auth: { mode: \"token\", token: \"t0k3n-for-tests\" } } }");
    GatewayConfig config =
        ConfigLoader.loadForGateway(ConfigLoader.Overrides.stateDir(Optional.of(state)), Map.of())
            .config();
    try (StateStore store = StateStore.open(config.databaseFile())) {
      PairingService pairing =
          PairingService.create(
              store, config.auth(), config.pairing(), Clock.systemUTC(), PairingListener.none());
      OAuthServer oauth =
          new OAuthServer(
              store,
              pairing,
              Clock.systemUTC(),
              () -> "https://gw.example",
              "/mcp",
              documents(true),
              OAuthEvents.none());
      OAuthServer.Authorization outcome =
          oauth.authorize(
              new OAuthServer.AuthorizeRequest(
                  Optional.of("code"),
                  Optional.of(clientId),
                  Optional.of(redirect),
                  Optional.of("s"),
                  Optional.of("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuJeM-tw-cM"),
                  Optional.of("S256"),
                  Optional.of("operator.read"),
                  Optional.of("https://gw.example/mcp")),
              "203.0.113.9");
      assertThat(outcome).isInstanceOf(OAuthServer.NeedsConsent.class);
      assertThat(oauth.client(clientId).clientName()).isEqualTo("Metadata Client");
      assertThat(oauth.client(clientId).registration()).isEqualTo("metadata-document");
      assertThat(pairing.list().pending())
          .singleElement()
          .satisfies(r -> assertThat(r.displayName()).contains("Metadata Client"));

      // A document that names another client id is refused: no consent asked.
      OAuthServer.Authorization liar =
          oauth.authorize(
              new OAuthServer.AuthorizeRequest(
                  Optional.of("code"),
                  Optional.of(base + "/oauth/liar.json"),
                  Optional.of(redirect),
                  Optional.empty(),
                  Optional.of("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuJeM-tw-cM"),
                  Optional.of("S256"),
                  Optional.empty(),
                  Optional.empty()),
              "203.0.113.9");
      assertThat(liar).isInstanceOf(OAuthServer.Unredirectable.class);
      assertThat(((OAuthServer.Unredirectable) liar).message()).contains("must name itself");
      assertThat(pairing.list().pending()).hasSize(1);
      assertThat(List.of(clientId)).isNotEmpty();
    }
  }
}
