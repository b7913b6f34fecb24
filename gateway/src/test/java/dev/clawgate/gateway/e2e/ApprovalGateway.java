package dev.clawgate.gateway.e2e;

import dev.clawgate.core.approvals.ApprovalService;
import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.pairing.PairingListener;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.testing.MutableClock;
import dev.clawgate.gateway.GatewayServer;
import dev.clawgate.gateway.approvals.ApprovalEvents;
import dev.clawgate.gateway.approvals.ApprovalMethods;
import dev.clawgate.gateway.pairing.PairingMethods;
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
 * A real gateway serving the approval methods, wired as the gateway app wires them: a {@code
 * clawgate.json} in a fresh state dir read by the real {@link ConfigLoader}, the real store, the
 * pairing service deciding connects, the approval service announcing through an {@link
 * ApprovalEvents} attached once the server runs, Jetty on 127.0.0.1 with an ephemeral port.
 *
 * <p>Only the approvals' clock is a {@link MutableClock}, so a test expires a request by moving it
 * and calling {@link #approvals()}{@code .sweep()} as the gateway's sweeper does; handshakes use
 * the system clock.
 */
final class ApprovalGateway implements AutoCloseable {
  static final String TOKEN = "approvals-e2e-token-3d9b27c1f0a4";

  final MutableClock clock = MutableClock.create();
  private final StateStore store;
  private final GatewayServer server;
  private final ApprovalService approvals;

  private ApprovalGateway(Path stateDir) {
    GatewayConfig config = configure(stateDir);
    this.store = StateStore.open(config.databaseFile());
    try {
      PairingService pairing =
          PairingService.create(
              store, config.auth(), config.pairing(), Clock.systemUTC(), PairingListener.none());
      ApprovalEvents events = ApprovalEvents.detached();
      this.approvals = ApprovalService.create(store, clock, events);
      GatewayServer.Builder builder =
          GatewayServer.builder(config, pairing).shutdownGrace(Duration.ofSeconds(1));
      PairingMethods.specs(pairing).forEach(builder::method);
      ApprovalMethods.specs(approvals).forEach(builder::method);
      this.server = builder.build();
      server.start();
      events.attach(server.events());
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Token auth; every pairing waits for the owner. */
  static ApprovalGateway start(Path stateDir) {
    return new ApprovalGateway(stateDir);
  }

  private static GatewayConfig configure(Path stateDir) {
    try {
      Files.createDirectories(stateDir);
      Files.writeString(
          stateDir.resolve(GatewayConfig.FILE_NAME),
          """
          {
            gateway: {
              port: 0,
              auth: { mode: "token", token: "%s" },
              pairing: { autoApproveLocal: false },
            },
          }
          """
              .formatted(TOKEN),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ConfigLoader.loadForGateway(
            ConfigLoader.Overrides.stateDir(Optional.of(stateDir)), Map.of())
        .config();
  }

  int port() {
    return server.port();
  }

  ApprovalService approvals() {
    return approvals;
  }

  /**
   * The approval and rule rows as stored, plus how many audit entries exist: what a refused call
   * must leave unchanged.
   */
  record Contents(List<String> approvals, List<String> rules, long auditEntries) {}

  Contents contents() {
    return store.read(tx ->
        new Contents(
            tx.list(
                "SELECT id || '|' || state || '|' || ifnull(decision, '-') || '|'"
                    + " || ifnull(resolved_by, '-') FROM approvals ORDER BY id",
                rs -> rs.getString(1)),
            tx.list(
                "SELECT id || '|' || command || '|' || ifnull(agent_id, '-')"
                    + " FROM exec_allow_rules ORDER BY id",
                rs -> rs.getString(1)),
            tx.scalar("SELECT COUNT(*) FROM audit_log")));
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      store.close();
    }
  }
}
