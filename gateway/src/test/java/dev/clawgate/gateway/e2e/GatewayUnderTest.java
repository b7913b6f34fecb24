package dev.clawgate.gateway.e2e;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.core.audit.AuditLog;
import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.gateway.GatewayApp;
import dev.clawgate.gateway.TestSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real gateway, started the way {@code clawgate gateway run} starts it: a {@code clawgate.json}
 * in a fresh state dir, read by the real {@link ConfigLoader} (with an empty environment, so the
 * machine's {@code CLAWGATE_*} variables cannot leak in), then {@link GatewayApp#start} on
 * 127.0.0.1 with an ephemeral port and the system clock.
 */
final class GatewayUnderTest implements AutoCloseable {
  static final String TOKEN = "e2e-shared-token-5c1f08d2a94b";
  static final String PASSWORD = "e2e correct horse battery staple";

  /** Bound for every client connect and request, so a hang fails a test instead of stalling. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Path stateDir;
  private GatewayApp app;

  private GatewayUnderTest(Path stateDir, GatewayApp app) {
    this.stateDir = stateDir;
    this.app = app;
  }

  /** Token auth; every pairing waits for the owner ({@code autoApproveLocal: false}). */
  static GatewayUnderTest ownerApprovesEveryPairing(Path stateDir) {
    return start(
        stateDir,
        """
        {
          gateway: {
            port: 0,
            auth: { mode: "token", token: "%s" },
            pairing: { autoApproveLocal: false },
          },
        }
        """
            .formatted(TOKEN));
  }

  /** Token auth and the default pairing policy (local shared-token connects pair silently). */
  static GatewayUnderTest defaultPairingPolicy(Path stateDir) {
    return start(
        stateDir,
        """
        { gateway: { port: 0, auth: { mode: "token", token: "%s" } } }
        """
            .formatted(TOKEN));
  }

  /** Token auth behind a reverse proxy on this machine ({@code trustedProxies: ["127.0.0.1"]}). */
  static GatewayUnderTest behindProxy(Path stateDir) {
    return start(
        stateDir,
        """
        {
          gateway: {
            port: 0,
            auth: { mode: "token", token: "%s" },
            pairing: { autoApproveLocal: false },
            trustedProxies: ["127.0.0.1"],
          },
        }
        """
            .formatted(TOKEN));
  }

  /** No auth ({@code gateway.auth.mode: none}), which the gateway allows on loopback only. */
  static GatewayUnderTest noAuth(Path stateDir) {
    return start(stateDir, "{ gateway: { port: 0, auth: { mode: \"none\" } } }");
  }

  /** Password auth; every pairing waits for the owner. */
  static GatewayUnderTest passwordAuth(Path stateDir) {
    return start(
        stateDir,
        """
        {
          gateway: {
            port: 0,
            auth: { mode: "password", password: "%s" },
            pairing: { autoApproveLocal: false },
          },
        }
        """
            .formatted(PASSWORD));
  }

  /** Token auth that rate-limits loopback too, locking out after {@code maxAttempts} failures. */
  static GatewayUnderTest rateLimitingLoopback(Path stateDir, int maxAttempts) {
    return start(
        stateDir,
        """
        {
          gateway: {
            port: 0,
            auth: {
              mode: "token",
              token: "%s",
              rateLimit: { maxAttempts: %d, exemptLoopback: false },
            },
          },
        }
        """
            .formatted(TOKEN, maxAttempts));
  }

  private static GatewayUnderTest start(Path stateDir, String clawgateJson) {
    try {
      Files.createDirectories(stateDir);
      Files.writeString(
          stateDir.resolve(GatewayConfig.FILE_NAME), clawgateJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GatewayUnderTest(
        stateDir, GatewayApp.start(load(stateDir, Optional.empty()), Clock.systemUTC()));
  }

  /** Loads the state dir's configuration as {@code gateway run} does, with only its flags set. */
  private static GatewayConfig load(Path stateDir, Optional<Integer> portFlag) {
    ConfigLoader.Overrides flags =
        new ConfigLoader.Overrides(
            Optional.of(stateDir),
            portFlag,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    return ConfigLoader.loadForGateway(flags, Map.of()).config();
  }

  /**
   * Stops the gateway and starts it again on the same port and state dir, as an owner restarting
   * {@code clawgate gateway run} would.
   */
  void restart() {
    int port = port();
    app.close();
    app = GatewayApp.start(load(stateDir, Optional.of(port)), Clock.systemUTC());
  }

  int port() {
    return app.port();
  }

  String url() {
    return "ws://127.0.0.1:" + port();
  }

  /** Options for the real client: this gateway's URL and the test timeouts, nothing else. */
  ClientOptions.Builder client() {
    return ClientOptions.builder().url(url()).connectTimeout(TIMEOUT).requestTimeout(TIMEOUT);
  }

  /** A raw WebSocket to this gateway, for frames the client library would never send. */
  TestSocket rawSocket(Map<String, String> headers) {
    return TestSocket.open(port(), "/", headers);
  }

  TestSocket rawSocket() {
    return rawSocket(Map.of());
  }

  StateStore store() {
    return app.store();
  }

  /** Everything in the state database now. */
  StoreContents contents() {
    return StoreContents.read(store());
  }

  /** How many pairing requests, in any state, the store holds. */
  long pairingRequestCount() {
    return store().read(tx -> tx.scalar("SELECT COUNT(*) FROM pairing_requests"));
  }

  /** How many pairing requests are in {@code state} ({@code pending}, {@code approved}, ...). */
  long pairingRequestsInState(String state) {
    return store()
        .read(tx -> tx.scalar("SELECT COUNT(*) FROM pairing_requests WHERE state = ?", state));
  }

  /** The stored SHA-256 of the device's operator token, hex; empty when none was issued. */
  Optional<String> operatorTokenHash(String deviceId) {
    return store()
        .read(tx ->
            tx.first(
                "SELECT hex(token_hash) FROM device_tokens WHERE device_id = ? AND role ="
                    + " 'operator' AND token_hash IS NOT NULL",
                rs -> rs.getString(1),
                deviceId));
  }

  /** Audit entries whose action starts with {@code actionPrefix}, oldest first. */
  List<AuditEntry> audit(String actionPrefix) {
    return AuditLog.list(
            store(),
            new AuditLog.Filter(
                Optional.empty(), Optional.of(actionPrefix), Optional.empty(), 10_000))
        .reversed();
  }

  @Override
  public void close() {
    app.close();
  }
}
