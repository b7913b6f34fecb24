package dev.clawgate.cli;

import dev.clawgate.client.GatewayClient;
import dev.clawgate.core.oauth.ClientDocuments;
import dev.clawgate.core.oauth.OAuthEvents;
import dev.clawgate.core.oauth.OAuthServer;
import dev.clawgate.core.pairing.Approver;
import dev.clawgate.core.pairing.PairingListener;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.runtime.GatewayRuntime;
import dev.clawgate.core.runtime.StateDirLock;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.gateway.mcp.McpEndpoint;
import dev.clawgate.gateway.oauth.TokenMethods;
import dev.clawgate.gateway.pairing.PairingMethods;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where an owner command's calls go: to the gateway, or, when the local gateway is not running,
 * straight to its state dir through the same pairing service and the same method tables the gateway
 * uses ({@link PairingMethods#invokeDirect}, and {@link TokenMethods#invokeDirect} for the token
 * methods), so both paths validate, decide and answer alike.
 *
 * <p>The direct path holds the state dir's lock ({@link StateDirLock}) for the whole session, and a
 * gateway takes that lock before it opens the store. So a gateway starting at the same moment
 * either started first (the lock is taken: this session waits for it to answer and sends the change
 * through it) or waits until this change is committed and then serves it. Either way the change is
 * made exactly once and nothing overwrites it.
 */
abstract sealed class OwnerSession implements AutoCloseable {
  private static final Duration RETRY = Duration.ofMillis(100);

  /** Calls {@code method} with {@code params}; the result is the method's wire payload. */
  abstract JsonNode call(String method, ObjectNode params);

  /** Whether calls go to the state dir directly (the gateway was not running). */
  abstract boolean direct();

  @Override
  public abstract void close();

  /**
   * Connects to {@code target}, or opens its state dir when the target is the local gateway and
   * nothing answers there.
   *
   * @param scopes the operator scopes the command needs (a gateway grants the owner exactly these)
   */
  static OwnerSession open(GatewayTarget target, Duration timeout, String... scopes) {
    ClawgateException unreachable;
    try {
      return new Remote(GatewayClient.connect(target.ownerOptions(timeout, scopes)));
    } catch (ClawgateException e) {
      if (!(OwnerErrors.unreachable(e) && target.local())) {
        throw OwnerErrors.explain(e, target);
      }
      unreachable = e;
    }
    if (!Files.exists(target.config().databaseFile())) {
      throw noState(target); // checked before locking, which would create the state dir
    }
    Optional<StateDirLock> lock =
        StateDirLock.tryAcquire(target.config().stateDir(), StateDirLock.Holder.OWNER_COMMAND);
    if (lock.isPresent()) {
      return Direct.open(target, lock.get());
    }
    return awaitGateway(target, timeout, scopes, unreachable);
  }

  /**
   * The state dir is locked, so a gateway holds it: most likely it is starting right now. Wait (up
   * to {@code timeout}) for it to answer, at the address it announces once bound.
   */
  private static OwnerSession awaitGateway(
      GatewayTarget target, Duration timeout, String[] scopes, ClawgateException unreachable) {
    long deadline = System.nanoTime() + timeout.toNanos();
    GatewayTarget current = target;
    while (System.nanoTime() - deadline < 0) {
      sleep(RETRY);
      Optional<GatewayRuntime> running =
          GatewayRuntime.read(target.config().stateDir()).filter(GatewayRuntime::alive);
      if (running.isPresent()) {
        current = target.at(running.get());
      }
      try {
        return new Remote(GatewayClient.connect(current.ownerOptions(timeout, scopes)));
      } catch (ClawgateException e) {
        if (!OwnerErrors.unreachable(e)) {
          throw OwnerErrors.explain(e, current);
        }
      }
    }
    String holder =
        StateDirLock.holderText(target.config().stateDir()).map(h -> " (" + h + ")").orElse("");
    throw ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.STORE_UNAVAILABLE,
            "the gateway at "
                + current.url()
                + " does not answer, but a clawgate process"
                + holder
                + " holds the state dir "
                + target.config().stateDir()
                + "; if it is a gateway still starting, try again; check it with `clawgate gateway"
                + " status`")
        .detail("reason", "unreachable")
        .cause(unreachable)
        .build();
  }

  private static ClawgateException noState(GatewayTarget target) {
    return ClawgateException.of(
            ErrorCode.UNAVAILABLE,
            DetailCode.STORE_UNAVAILABLE,
            "the gateway at "
                + target.url()
                + " is not running and "
                + target.config().stateDir()
                + " holds no state yet (start it with `clawgate gateway run`)")
        .detail("reason", "unreachable")
        .build();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClawgateException.of(ErrorCode.UNAVAILABLE, DetailCode.SHUTTING_DOWN, "interrupted")
          .build();
    }
  }

  /** Calls over a gateway connection. */
  private static final class Remote extends OwnerSession {
    private final GatewayClient client;

    Remote(GatewayClient client) {
      this.client = client;
    }

    @Override
    JsonNode call(String method, ObjectNode params) {
      return client.call(method, params);
    }

    @Override
    boolean direct() {
      return false;
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /** Calls on the state dir, under its lock, as the offline owner. */
  private static final class Direct extends OwnerSession {
    private final StateDirLock lock;
    private final StateStore store;
    private final PairingService pairing;
    private final OAuthServer oauth;

    private Direct(StateDirLock lock, StateStore store, PairingService pairing, OAuthServer oauth) {
      this.lock = lock;
      this.store = store;
      this.pairing = pairing;
      this.oauth = oauth;
    }

    static Direct open(GatewayTarget target, StateDirLock lock) {
      StateStore store;
      try {
        store = StateStore.open(target.config().databaseFile());
      } catch (RuntimeException e) {
        lock.close();
        throw e;
      }
      try {
        Clock clock = Clock.systemUTC();
        PairingService pairing =
            PairingService.create(
                store,
                target.config().auth(),
                target.config().pairing(),
                clock,
                PairingListener.none());
        // The issuer the gateway will have on its configured port (static tokens are not bound to
        // it; only the token.* methods use this server).
        String issuer = McpEndpoint.baseUrl(target.config());
        OAuthServer oauth =
            new OAuthServer(
                store,
                pairing,
                clock,
                () -> issuer,
                McpEndpoint.PATH,
                ClientDocuments.disabled(),
                OAuthEvents.none());
        return new Direct(lock, store, pairing, oauth);
      } catch (RuntimeException e) {
        try {
          store.close();
        } finally {
          lock.close();
        }
        throw e;
      }
    }

    @Override
    JsonNode call(String method, ObjectNode params) {
      if (TokenMethods.handles(method)) {
        return TokenMethods.invokeDirect(
            oauth, method, Optional.of(params), Approver.offlineOwner());
      }
      return PairingMethods.invokeDirect(
          pairing, method, Optional.of(params), Approver.offlineOwner());
    }

    @Override
    boolean direct() {
      return true;
    }

    @Override
    public void close() {
      try {
        store.close();
      } finally {
        lock.close();
      }
    }
  }
}
