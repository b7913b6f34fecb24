package dev.clawgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Kill -9 of the gateway in the middle of concurrent approvals and rotations, then restart: the
 * store is consistent and every acknowledged change is there.
 *
 * <p>The real gateway runs as its own process ({@code clawgate gateway run}) with local
 * auto-approval off, so device connects leave pending requests. Each round, devices (each with its
 * own identity, through the real client) ask to pair or for more scopes; then several owner
 * connections approve, reject, rotate and revoke concurrently, and the gateway gets SIGKILL right
 * after a seeded number of acknowledged changes, with others still in flight. After the restart on
 * the same state dir:
 *
 * <ul>
 *   <li>the gateway starts, and SQLite's {@code integrity_check} and {@code foreign_key_check}
 *       pass;
 *   <li>for every device the store holds exactly the record after its last acknowledged change, or
 *       exactly the record after the one change in flight when the gateway died: never a part of a
 *       change (a state without its audit entry, an approval without its token);
 *   <li>the rules of spec/pairing.md hold: one pending request per device, token scopes within the
 *       baseline, no role without its token, every approval and rejection audited once;
 *   <li>{@code device.pair.list} shows what the store holds, and devices connect with exactly their
 *       token's scopes, while revoked or rotated-away tokens are refused.
 * </ul>
 *
 * Set {@code -Dclawgate.durability.seed=<n>} to replay another schedule of actions and kills.
 */
class KillNineDurabilityTest {
  private static final long SEED = Long.getLong("clawgate.durability.seed", 20261125L);
  private static final int ROUNDS = 3;
  private static final int NEW_DEVICES_PER_ROUND = 20;
  private static final int OWNER_CONNECTIONS = 4;
  private static final int WORKERS = 8;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(30);

  /** Operator scopes none of which implies another, so "covers" is plain set inclusion here. */
  private static final List<String> SCOPES =
      List.of("operator.read", "operator.approvals", "operator.pairing", "operator.talk.secrets");

  @TempDir Path tmp;

  private final Random random = new Random(SEED);
  private final List<FleetDevice> fleet = new ArrayList<>();
  private final StringBuilder earlierOutput = new StringBuilder();
  private final ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
  private @Nullable GatewayProcess gateway;
  private String token = "";
  private int round;

  @AfterEach
  void stopEverything() {
    pool.shutdownNow();
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void acknowledgedChangesSurviveKillNineAndTheStoreStaysConsistent() throws Exception {
    Path stateDir = tmp.resolve("gateway");
    writeConfig(stateDir);
    gateway = GatewayProcess.start(stateDir, START_TIMEOUT);
    long started = System.nanoTime();
    for (round = 1; round <= ROUNDS; round++) {
      requestPairings();
      killDuringOwnerActions();
      restart(stateDir);
      StateDb db = verifyStore(stateDir);
      verifyOverTheWire(db);
      System.out.printf(
          "round %d: done at %d ms%n", round, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private void writeConfig(Path stateDir) throws IOException {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Files.createDirectories(stateDir);
    Files.writeString(
        stateDir.resolve("clawgate.json"),
        """
        {"gateway": {
          "auth": {"mode": "token", "token": "%s"},
          "pairing": {"autoApproveLocal": false, "maxPending": 10000, "maxPendingPerAddress": 10000}
        }}
        """
            .formatted(token),
        StandardCharsets.UTF_8);
  }

  /** New devices ask to pair; some known ones ask for more scopes or to pair again. */
  private void requestPairings() throws Exception {
    Map<FleetDevice, Set<String>> asks = new LinkedHashMap<>();
    for (FleetDevice device : fleet) {
      DeviceRecord record = device.acknowledged();
      if (record.pendingRequest().isPresent() || random.nextBoolean()) {
        continue;
      }
      Set<String> approved = record.baseline().orElse(Set.of());
      List<String> more = SCOPES.stream().filter(s -> !approved.contains(s)).toList();
      if (!more.isEmpty()) {
        Set<String> wanted = new TreeSet<>(approved);
        wanted.add(more.get(random.nextInt(more.size())));
        asks.put(device, wanted);
      }
    }
    for (int i = 0; i < NEW_DEVICES_PER_ROUND; i++) {
      String name = "round" + round + "-device" + i;
      FleetDevice device = new FleetDevice(name, tmp.resolve("devices").resolve(name));
      fleet.add(device);
      asks.put(device, someScopes());
    }
    String url = gateway().url();
    List<Callable<Void>> connects = new ArrayList<>();
    asks.forEach((device, scopes) ->
        connects.add(() -> {
          device.requestPairing(url, scopes);
          return null;
        }));
    runAll(connects);
  }

  private Set<String> someScopes() {
    Set<String> scopes = new TreeSet<>();
    while (scopes.isEmpty()) {
      SCOPES.stream().filter(s -> random.nextBoolean()).forEach(scopes::add);
    }
    return scopes;
  }

  /**
   * Owner connections work through the fleet concurrently (each device on one worker, its actions
   * in order); the gateway is killed right after a seeded number of acknowledged changes.
   */
  private void killDuringOwnerActions() throws Exception {
    GatewayProcess dying = gateway();
    int pending =
        (int) fleet.stream().filter(d -> d.acknowledged().pendingRequest().isPresent()).count();
    int killAt = 1 + random.nextInt(pending);
    OwnerActions.KillSwitch killSwitch = new OwnerActions.KillSwitch(killAt, dying::killNine);
    Queue<String> problems = new ConcurrentLinkedQueue<>();
    List<GatewayClient> owners = new ArrayList<>();
    try {
      for (int i = 0; i < OWNER_CONNECTIONS; i++) {
        owners.add(connectOwner(dying.url()));
      }
      List<FleetDevice> order = new ArrayList<>(fleet);
      Collections.shuffle(order, random);
      List<Callable<Void>> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        OwnerActions actions =
            new OwnerActions(
                owners.get(w % OWNER_CONNECTIONS),
                new Random(random.nextLong()),
                killSwitch,
                problems);
        List<FleetDevice> share = new ArrayList<>();
        for (int i = w; i < order.size(); i += WORKERS) {
          share.add(order.get(i));
        }
        workers.add(() -> {
          share.forEach(actions::run);
          return null;
        });
      }
      runAll(workers);
    } finally {
      killSwitch.fire(); // only needed when a failure kept the count from reaching killAt
      owners.forEach(GatewayClient::close);
    }
    int status = dying.awaitExit(PHASE_TIMEOUT);
    earlierOutput.append(dying.output()).append('\n');
    long inFlight = fleet.stream().filter(d -> d.inFlight().isPresent()).count();
    System.out.printf(
        "round %d: SIGKILL after %d of %d acknowledged changes, %d in flight%n",
        round, killAt, killSwitch.acknowledgedCount(), inFlight);
    assertThat(problems).as(this::context).isEmpty();
    assertThat(status).as("exit status after kill -9; %s", context()).isEqualTo(128 + 9);
  }

  private void restart(Path stateDir) {
    try {
      gateway = GatewayProcess.start(stateDir, START_TIMEOUT);
    } catch (IOException e) {
      throw new AssertionError("the gateway did not start after kill -9; " + context(), e);
    }
  }

  /**
   * Integrity, consistency, and every device holding what was acknowledged (or the change in
   * flight).
   */
  private StateDb verifyStore(Path stateDir) throws Exception {
    StateDb db = StateDb.read(stateDir.resolve("state.db"));
    assertThat(db.integrity()).as("integrity_check; %s", context()).containsExactly("ok");
    assertThat(db.violations()).as("consistency; %s", context()).isEmpty();
    Set<String> known = fleet.stream().map(FleetDevice::deviceId).collect(Collectors.toSet());
    assertThat(db.devices().keySet()).as("devices in the store; %s", context()).isSubsetOf(known);
    List<String> wrong = new ArrayList<>();
    int committed = 0;
    int lost = 0;
    for (FleetDevice device : fleet) {
      DeviceRecord actual = db.devices().getOrDefault(device.deviceId(), DeviceRecord.absent());
      if (device.acknowledged().admits(actual)) {
        lost += device.inFlight().isPresent() ? 1 : 0;
      } else if (device.inFlight().map(f -> f.admits(actual)).orElse(false)) {
        committed++;
      } else {
        wrong.add(
            device
                + "\n  store holds:  "
                + actual
                + "\n  acknowledged: "
                + device.acknowledged()
                + "\n  in flight:    "
                + device.inFlight());
      }
    }
    System.out.printf(
        "round %d: after restart %d in-flight changes were committed, %d were not%n",
        round, committed, lost);
    assertThat(wrong).as("acknowledged changes in the store; %s", context()).isEmpty();
    for (FleetDevice device : fleet) {
      device.settle(db.devices().getOrDefault(device.deviceId(), DeviceRecord.absent()));
    }
    return db;
  }

  /** {@code device.pair.list} agrees with the store, and devices connect as the store says. */
  private void verifyOverTheWire(StateDb db) throws Exception {
    String url = gateway().url();
    Map<String, Set<String>> listedBaselines = new HashMap<>();
    Map<String, String> listedTokens = new HashMap<>();
    Set<String> listedPending = new HashSet<>();
    try (GatewayClient owner = connectOwner(url)) {
      JsonNode list = owner.call("device.pair.list");
      list.path("pending").forEach(r -> listedPending.add(r.path("requestId").asString("")));
      for (JsonNode device : list.path("paired")) {
        String id = device.path("deviceId").asString("");
        listedBaselines.put(id, strings(device.path("scopes")));
        for (JsonNode t : device.path("tokens")) {
          listedTokens.put(
              id,
              new TreeSet<>(strings(t.path("scopes")))
                  + (t.path("issued").asBoolean() ? " issued" : "")
                  + (t.has("revokedAtMs") ? " revoked" : ""));
        }
      }
    }
    Map<String, Set<String>> storedBaselines = new HashMap<>();
    Map<String, String> storedTokens = new HashMap<>();
    db.devices()
        .forEach((id, record) -> {
          if (record.paired()) {
            storedBaselines.put(id, record.baseline().orElse(Set.of()));
            record
                .token()
                .ifPresent(t ->
                    storedTokens.put(
                        id,
                        new TreeSet<>(t.scopes())
                            + (t.hash().isPresent() ? " issued" : "")
                            + (t.revoked() ? " revoked" : "")));
          }
        });
    assertThat(listedPending)
        .as("pending over the wire; %s", context())
        .isEqualTo(db.pendingRequests());
    assertThat(listedBaselines)
        .as("paired over the wire; %s", context())
        .isEqualTo(storedBaselines);
    assertThat(listedTokens).as("tokens over the wire; %s", context()).isEqualTo(storedTokens);

    List<String> problems = new ArrayList<>();
    fleet.forEach(device -> device.checkOverTheWire(url, problems));
    assertThat(problems).as("devices connecting after restart; %s", context()).isEmpty();
  }

  private GatewayClient connectOwner(String url) {
    List<String> scopes = new ArrayList<>(SCOPES);
    scopes.add("operator.admin");
    return GatewayClient.connect(
        ClientOptions.builder()
            .url(url)
            .token(token)
            .scopes(scopes)
            .connectTimeout(Duration.ofSeconds(10))
            .requestTimeout(Duration.ofSeconds(10))
            .build());
  }

  private void runAll(List<Callable<Void>> tasks) throws Exception {
    List<Future<Void>> futures = tasks.stream().map(pool::submit).toList();
    long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
    for (Future<Void> future : futures) {
      try {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError(
            "round " + round + ": " + e.getCause() + "; " + context(), e.getCause());
      } catch (TimeoutException e) {
        throw new AssertionError(
            "round " + round + " did not finish in " + PHASE_TIMEOUT + "; " + context(), e);
      }
    }
  }

  private GatewayProcess gateway() {
    GatewayProcess current = gateway;
    if (current == null) {
      throw new IllegalStateException("no gateway");
    }
    return current;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new HashSet<>();
    array.forEach(v -> values.add(v.asString("")));
    return values;
  }

  private String context() {
    GatewayProcess current = gateway;
    return "seed "
        + SEED
        + ", round "
        + round
        + "\nearlier gateway processes:\n"
        + earlierOutput
        + "current gateway process:\n"
        + (current == null ? "<none>" : current.output());
  }
}
