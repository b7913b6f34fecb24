package dev.clawgate.client;

import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The device tokens this machine holds: {@code <stateDir>/identity/device-auth.json}, in the
 * reference client's format {@code {"version":1, "deviceId", "tokens":{"<role>":{"token", "role",
 * "scopes":[], "updatedAtMs"}}}}, mode 0600.
 *
 * <p>The file belongs to one device id. Reading for another id finds nothing; storing for another
 * id starts a fresh file (the old tokens belonged to a key this machine no longer uses). Every
 * update is a read-modify-write under the identity directory's lock, so processes sharing the state
 * dir never lose each other's tokens; entries this class does not know (other roles, extra fields)
 * are kept as they are.
 *
 * <p>Unlike the identity, a damaged token file is not precious (a token can be issued again): it
 * reads as empty, with a warning, and the next store replaces it.
 */
public final class DeviceAuthStore {
  private static final Logger log = LoggerFactory.getLogger(DeviceAuthStore.class);

  private final Path dir;
  private final Path file;

  private DeviceAuthStore(Path dir) {
    this.dir = dir;
    this.file = dir.resolve("device-auth.json");
  }

  /** The token store of {@code stateDir} (nothing is read or created yet). */
  public static DeviceAuthStore at(Path stateDir) {
    Objects.requireNonNull(stateDir, "null stateDir");
    return new DeviceAuthStore(stateDir.resolve("identity"));
  }

  /** {@code <stateDir>/identity/device-auth.json}. */
  public Path file() {
    return file;
  }

  /** The token stored for {@code deviceId} and {@code role}, if any. */
  public Optional<StoredDeviceToken> token(String deviceId, Role role) {
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(role, "null role");
    ObjectNode root = read();
    if (!deviceId.equals(root.path("deviceId").asString(""))) {
      return Optional.empty();
    }
    JsonNode entry = root.path("tokens").path(role.wireName());
    String token = entry.path("token").asString("");
    if (token.isBlank()) {
      return Optional.empty();
    }
    List<String> scopes = new ArrayList<>();
    for (JsonNode scope : entry.path("scopes")) {
      if (scope.isString()) {
        scopes.add(scope.stringValue());
      }
    }
    return Optional.of(
        new StoredDeviceToken(token, role, scopes, entry.path("updatedAtMs").asLong(0)));
  }

  /** Stores a token received from the gateway, replacing the role's previous one. */
  public StoredDeviceToken store(String deviceId, Role role, String token, List<String> scopes) {
    Objects.requireNonNull(deviceId, "null deviceId");
    StoredDeviceToken stored =
        new StoredDeviceToken(token, role, scopes, System.currentTimeMillis());
    StateFiles.locked(
        dir,
        () -> {
          ObjectNode root = read();
          if (!deviceId.equals(root.path("deviceId").asString(""))) {
            root = fresh(deviceId);
          }
          ObjectNode entry = tokens(root).putObject(role.wireName());
          entry.put("token", stored.token());
          entry.put("role", role.wireName());
          stored.scopes().forEach(entry.putArray("scopes")::add);
          entry.put("updatedAtMs", stored.updatedAtMs());
          write(root);
          return stored;
        });
    return stored;
  }

  /** Removes the role's token; false when there was none for {@code deviceId}. */
  public boolean clear(String deviceId, Role role) {
    return clearIf(deviceId, role, token -> true);
  }

  /**
   * Removes the role's token only while it still is {@code expected}: a process that failed with an
   * old token must not remove a newer one another process stored meanwhile.
   */
  boolean clearIfCurrent(String deviceId, Role role, String expected) {
    return clearIf(deviceId, role, expected::equals);
  }

  private boolean clearIf(String deviceId, Role role, Predicate<String> matches) {
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(role, "null role");
    return StateFiles.locked(
        dir,
        () -> {
          ObjectNode root = read();
          JsonNode entry = root.path("tokens").path(role.wireName());
          if (!deviceId.equals(root.path("deviceId").asString(""))
              || !entry.isObject()
              || !matches.test(entry.path("token").asString(""))) {
            return false;
          }
          tokens(root).remove(role.wireName());
          write(root);
          return true;
        });
  }

  private ObjectNode read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return fresh("");
    } catch (IOException e) {
      throw StateFiles.ioFailure("read", file, e);
    }
    try {
      JsonNode root = Json.mapper().readTree(new String(bytes, StandardCharsets.UTF_8));
      if (root instanceof ObjectNode object
          && object.path("version").asLong(0) == IdentityStore.VERSION) {
        StateFiles.restrictFile(file);
        return object;
      }
    } catch (JacksonException e) {
      // reported below
    }
    log.warn("{} is not a valid device token file; ignoring it (the next token replaces it)", file);
    return fresh("");
  }

  private static ObjectNode fresh(String deviceId) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("version", IdentityStore.VERSION);
    root.put("deviceId", deviceId);
    root.putObject("tokens");
    return root;
  }

  private static ObjectNode tokens(ObjectNode root) {
    return root.get("tokens") instanceof ObjectNode tokens ? tokens : root.putObject("tokens");
  }

  private void write(ObjectNode root) {
    String json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    StateFiles.writeAtomically(file, json.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "DeviceAuthStore[" + file + "]";
  }
}
