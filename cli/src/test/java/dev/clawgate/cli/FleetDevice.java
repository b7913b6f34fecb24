package dev.clawgate.cli;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.DeviceAuthStore;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.client.IdentityStore;
import dev.clawgate.client.StoredDeviceToken;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One device of the durability test: its own identity state dir (identity and device tokens, as the
 * real client keeps them) and what the gateway's store must hold for it.
 *
 * <p>{@link #acknowledged} is the record after every change whose answer reached the test; {@link
 * #inFlight} is the record if the one change sent without an answer committed. After a crash the
 * store must hold exactly one of the two. Only one thread at a time works on a device.
 */
final class FleetDevice {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final Path stateDir;
  private final String deviceId;
  private volatile DeviceRecord acknowledged = DeviceRecord.absent();
  private volatile Optional<DeviceRecord> inFlight = Optional.empty();

  FleetDevice(String name, Path stateDir) {
    this.name = name;
    this.stateDir = stateDir;
    this.deviceId = IdentityStore.at(stateDir).loadOrCreate().deviceId();
  }

  String deviceId() {
    return deviceId;
  }

  DeviceRecord acknowledged() {
    return acknowledged;
  }

  Optional<DeviceRecord> inFlight() {
    return inFlight;
  }

  /**
   * A change is about to be sent; if it commits without an answer, the store holds {@code next}.
   */
  void sending(DeviceRecord next) {
    inFlight = Optional.of(next);
  }

  /** The answer of the change in flight arrived: the store now holds {@code next}. */
  void acknowledge(DeviceRecord next) {
    acknowledged = next;
    inFlight = Optional.empty();
  }

  /** The change in flight was refused: nothing changed. */
  void refused() {
    inFlight = Optional.empty();
  }

  /** After a restart: the store was found to hold {@code actual}, one of the admitted records. */
  void settle(DeviceRecord actual) {
    acknowledge(actual);
  }

  /** Hands a rotated token to the device, as the owner would. */
  void storeToken(String token, List<String> scopes) {
    DeviceAuthStore.at(stateDir).store(deviceId, Role.OPERATOR, token, scopes);
  }

  /**
   * Connects as this device asking for {@code scopes}, which it is not approved for; the gateway
   * must refuse with {@code NOT_PAIRED} and a request id, after committing the request.
   */
  void requestPairing(String url, Set<String> scopes) {
    try (GatewayClient unexpected = GatewayClient.connect(options(url, scopes))) {
      throw new AssertionError(this + " connected although it asked for unapproved " + scopes);
    } catch (GatewayErrorException e) {
      if (!e.rawCode().equals("NOT_PAIRED")
          || !e.rawDetailCode().equals(Optional.of("PAIRING_REQUIRED"))) {
        throw new AssertionError(this + " expected PAIRING_REQUIRED, got " + e.error(), e);
      }
      String requestId = e.rawDetails().map(d -> d.path("requestId").asString("")).orElse("");
      if (requestId.isEmpty() || acknowledged.requests().containsKey(requestId)) {
        throw new AssertionError(this + " got no new request id: " + e.error());
      }
      acknowledge(acknowledged.requested(requestId, scopes));
    }
  }

  /**
   * Checks over the wire what the store says (call after {@link #settle}): an approved device
   * connects with its token's scopes, by its stored token when that is still its current one; a
   * stale or revoked stored token is refused with {@code AUTH_DEVICE_TOKEN_MISMATCH}. A token first
   * issued by this connect is recorded (it is an acknowledged change too).
   */
  void checkOverTheWire(String url, List<String> problems) {
    Optional<StoredDeviceToken> stored =
        DeviceAuthStore.at(stateDir).token(deviceId, Role.OPERATOR);
    DeviceRecord record = acknowledged;
    if (record.baseline().isEmpty()) {
      if (record.paired() && stored.isPresent()) {
        expectTokenMismatch(url, Set.of(), problems, "its role was revoked");
      }
      return;
    }
    DeviceRecord.Token token = record.token().orElseThrow();
    Optional<String> current = token.hash();
    boolean storedIsCurrent =
        stored.isPresent() && current.equals(Optional.of(sha256(stored.get().token())));
    if (stored.isPresent() && !storedIsCurrent) {
      expectTokenMismatch(url, token.scopes(), problems, "its token was rotated since");
    }
    try (GatewayClient device = GatewayClient.connect(options(url, token.scopes()))) {
      HelloOk.Auth auth = device.hello().auth();
      if (!Set.copyOf(auth.scopes()).equals(token.scopes())) {
        problems.add(
            this
                + " connected with token scopes "
                + auth.scopes()
                + ", store says "
                + token.scopes());
      }
      String method = storedIsCurrent ? "device-token" : "device";
      if (!auth.method().equals(Optional.of(method))) {
        problems.add(this + " authenticated by " + auth.method() + ", expected " + method);
      }
      if (current.isEmpty() != auth.deviceToken().isPresent()) {
        problems.add(
            this
                + " token issued at connect: "
                + auth.deviceToken().isPresent()
                + ", store had "
                + current);
      }
      auth.deviceToken().ifPresent(value -> acknowledge(acknowledged.issued(sha256(value))));
    } catch (GatewayErrorException e) {
      problems.add(
          this + " (approved for " + record.baseline().get() + ") was refused: " + e.error());
    }
  }

  private void expectTokenMismatch(
      String url, Set<String> scopes, List<String> problems, String why) {
    try (GatewayClient unexpected = GatewayClient.connect(options(url, scopes))) {
      problems.add(this + " connected with its stored token although " + why);
    } catch (GatewayErrorException e) {
      if (!e.rawDetailCode().equals(Optional.of("AUTH_DEVICE_TOKEN_MISMATCH"))) {
        problems.add(this + " with a stored token although " + why + ": " + e.error());
      }
    }
  }

  private ClientOptions options(String url, Set<String> scopes) {
    return ClientOptions.builder()
        .url(url)
        .deviceState(stateDir)
        .scopes(List.copyOf(new TreeSet<>(scopes)))
        .connectTimeout(TIMEOUT)
        .requestTimeout(TIMEOUT)
        .build();
  }

  /** Hex SHA-256 of a token value, as the store keeps it. */
  static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + deviceId.substring(0, 12) + ")";
  }
}
