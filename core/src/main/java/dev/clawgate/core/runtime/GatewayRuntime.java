package dev.clawgate.core.runtime;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a running gateway listens, as it wrote it to {@code <state dir>/gateway.runtime.json} once
 * its port was bound. Commands on the same machine read it to find a gateway started with another
 * {@code --port} than the config's, and {@code clawgate gateway status|stop} read its pid. The
 * gateway deletes the file when it stops; after a crash the file stays, and {@link #alive()} tells.
 *
 * @param pid the gateway's process id
 * @param url the WebSocket URL to reach it from this machine
 * @param port the bound port
 * @param startedAtMs when it started listening
 * @param version the clawgate version it runs
 */
public record GatewayRuntime(long pid, String url, int port, long startedAtMs, String version) {
  /** The file's name inside the state dir. */
  public static final String FILE_NAME = "gateway.runtime.json";

  /** Process start times are coarse (clock ticks); allow for that. */
  private static final long CLOCK_SLACK_MS = 2_000;

  public GatewayRuntime {
    Objects.requireNonNull(url, "null url");
    Objects.requireNonNull(version, "null version");
  }

  /**
   * Whether the process that wrote this is still running: a live process with this pid that had
   * started by the time the file says the gateway did (so a pid reused after a crash is not taken
   * for the gateway).
   */
  public boolean alive() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(p ->
            p.info()
                .startInstant()
                .map(started -> started.toEpochMilli() <= startedAtMs + CLOCK_SLACK_MS)
                .orElse(true))
        .orElse(false);
  }

  /** The file as the gateway left it, if it is there and readable. */
  public static Optional<GatewayRuntime> read(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode node = Json.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (!node.path("pid").canConvertToLong() || !node.path("url").isString()) {
        return Optional.empty();
      }
      return Optional.of(
          new GatewayRuntime(
              node.path("pid").asLong(),
              node.path("url").asString(),
              node.path("port").asInt(),
              node.path("startedAtMs").asLong(),
              node.path("version").asString("")));
    } catch (IOException | JacksonException e) {
      return Optional.empty(); // being replaced, or damaged: as good as absent
    }
  }

  /** Writes the file atomically (readers see the old or the new one, never a part), mode 0600. */
  public void write(Path stateDir) throws IOException {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("pid", pid);
    node.put("url", url);
    node.put("port", port);
    node.put("startedAtMs", startedAtMs);
    node.put("version", version);
    Path tmp = stateDir.resolve(FILE_NAME + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, Json.mapper().writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(
          tmp,
          stateDir.resolve(FILE_NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, stateDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes the file if it is still the one process {@code pid} wrote. */
  public static void deleteIfOwnedBy(Path stateDir, long pid) {
    Optional<GatewayRuntime> current = read(stateDir);
    if (current.isPresent() && current.get().pid() == pid) {
      try {
        Files.deleteIfExists(stateDir.resolve(FILE_NAME));
      } catch (IOException e) {
        // A leftover file is harmless: readers check that its pid is alive.
      }
    }
  }
}
