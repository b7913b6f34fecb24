package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * This machine's device identity: {@code <stateDir>/identity/device.json}, in the reference
 * client's format {@code {"version":1, "deviceId", "publicKeyPem", "privateKeyPem",
 * "createdAtMs"}}, mode 0600 in a 0700 directory.
 *
 * <p>Every process that shares a state dir shares this identity. Processes starting at the same
 * moment all end up with the same key: creation runs under the exclusive lock on {@code
 * identity/.lock} and re-checks for a file written meanwhile. A stored id that does not match the
 * key is rewritten with the derived id. A file that cannot be read is an error, never replaced: a
 * new key would silently orphan the paired device.
 */
public final class IdentityStore {
  /** The only format version written and read. */
  public static final int VERSION = 1;

  private static final Logger log = LoggerFactory.getLogger(IdentityStore.class);

  private final Path dir;
  private final Path file;

  private IdentityStore(Path dir) {
    this.dir = dir;
    this.file = dir.resolve("device.json");
  }

  /** The identity store of {@code stateDir} (nothing is read or created yet). */
  public static IdentityStore at(Path stateDir) {
    Objects.requireNonNull(stateDir, "null stateDir");
    return new IdentityStore(stateDir.resolve("identity"));
  }

  /** {@code <stateDir>/identity/device.json}. */
  public Path file() {
    return file;
  }

  /**
   * The stored identity, created on first use.
   *
   * @throws ClawgateException {@link DetailCode#INVALID_CONFIG} when the file exists but is not a
   *     valid identity (it is left untouched), {@link DetailCode#STORE_UNAVAILABLE} on I/O failure
   */
  public DeviceIdentity loadOrCreate() {
    // Fast path without the lock: writers replace the file atomically, so this sees a whole file.
    Optional<Stored> existing = read();
    if (existing.isPresent() && existing.get().idMatches()) {
      return existing.get().identity();
    }
    return StateFiles.locked(
        dir,
        () -> {
          Optional<Stored> current = read(); // another process may have written it meanwhile
          if (current.isEmpty()) {
            DeviceIdentity created = DeviceIdentity.generate();
            write(created, System.currentTimeMillis());
            log.info("created device identity {} in {}", created.deviceId(), file);
            return created;
          }
          Stored stored = current.get();
          if (!stored.idMatches()) {
            write(stored.identity(), stored.createdAtMs().orElseGet(System::currentTimeMillis));
            log.warn(
                "{} named device id {} but its key derives {}; rewrote it with the derived id",
                file,
                stored.storedId(),
                stored.identity().deviceId());
          }
          return stored.identity();
        });
  }

  /** The stored identity, if the file exists; never creates one. */
  public Optional<DeviceIdentity> load() {
    return read().map(Stored::identity);
  }

  private record Stored(
      DeviceIdentity identity, String storedId, Optional<Long> createdAtMs, boolean idMatches) {}

  private Optional<Stored> read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw corrupt("it cannot be read: " + e);
    }
    JsonNode root;
    try {
      root = Json.mapper().readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      throw corrupt("it is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw corrupt("it is not a JSON object");
    }
    if (!root.path("version").isIntegralNumber() || root.path("version").asLong() != VERSION) {
      throw corrupt("\"version\" is not " + VERSION);
    }
    String publicPem = requiredString(root, "publicKeyPem");
    String privatePem = requiredString(root, "privateKeyPem");
    DeviceIdentity identity;
    try {
      identity = DeviceIdentity.fromPem(publicPem, privatePem);
    } catch (IllegalArgumentException e) {
      throw corrupt("its keys are not a valid Ed25519 pair");
    }
    StateFiles.restrictFile(file);
    String storedId = root.path("deviceId").asString("");
    JsonNode created = root.path("createdAtMs");
    return Optional.of(
        new Stored(
            identity,
            storedId,
            created.isIntegralNumber() ? Optional.of(created.asLong()) : Optional.empty(),
            storedId.equals(identity.deviceId())));
  }

  private String requiredString(JsonNode root, String key) {
    JsonNode value = root.path(key);
    if (!value.isString() || value.stringValue().isBlank()) {
      throw corrupt("\"" + key + "\" is missing");
    }
    return value.stringValue();
  }

  private void write(DeviceIdentity identity, long createdAtMs) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("version", VERSION);
    node.put("deviceId", identity.deviceId());
    node.put("publicKeyPem", identity.publicKeyPem());
    node.put("privateKeyPem", identity.privateKeyPem());
    node.put("createdAtMs", createdAtMs);
    String json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    StateFiles.writeAtomically(file, json.getBytes(StandardCharsets.UTF_8));
  }

  private ClawgateException corrupt(String problem) {
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.INVALID_CONFIG,
            "the device identity "
                + file
                + " is unusable: "
                + problem
                + ". It holds the key this machine is paired with, so clawgate will not replace it."
                + " Fix: restore it from a backup, or move it aside (mv "
                + file
                + " "
                + file
                + ".bak) to create a new identity, which must then be paired again.")
        .detail("file", file.toString())
        .build();
  }

  @Override
  public String toString() {
    return "IdentityStore[" + file + "]";
  }
}
