package dev.clawgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class IdentityStoreTest {
  @TempDir Path stateDir;

  @Test
  void firstUseCreatesOwnerOnlyFilesInTheReferenceFormat() throws Exception {
    DeviceIdentity identity = IdentityStore.at(stateDir).loadOrCreate();

    Path file = stateDir.resolve("identity/device.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    JsonNode json = Json.mapper().readTree(Files.readString(file));
    assertThat(json.propertyNames())
        .containsExactlyInAnyOrder(
            "version", "deviceId", "publicKeyPem", "privateKeyPem", "createdAtMs");
    assertThat(json.path("version").asInt()).isEqualTo(1);
    assertThat(json.path("deviceId").asString()).isEqualTo(identity.deviceId());
    assertThat(json.path("publicKeyPem").asString()).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(json.path("privateKeyPem").asString()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void reloadingGivesTheSameIdentityAndLeavesTheFileAlone() throws Exception {
    DeviceIdentity first = IdentityStore.at(stateDir).loadOrCreate();
    byte[] before = Files.readAllBytes(IdentityStore.at(stateDir).file());

    DeviceIdentity again = IdentityStore.at(stateDir).loadOrCreate();

    assertThat(again.deviceId()).isEqualTo(first.deviceId());
    assertThat(again.privateKeyPem()).isEqualTo(first.privateKeyPem());
    assertThat(Files.readAllBytes(IdentityStore.at(stateDir).file())).isEqualTo(before);
    assertThat(IdentityStore.at(stateDir).load())
        .map(DeviceIdentity::deviceId)
        .contains(first.deviceId());
  }

  @Test
  void loadNeverCreates() {
    assertThat(IdentityStore.at(stateDir).load()).isEmpty();
    assertThat(stateDir.resolve("identity")).doesNotExist();
  }

  @Test
  void eightThreadsRacingOnAFreshDirShareOneIdentity() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> ids = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 8; i++) {
        ids.add(
            pool.submit(() -> {
              go.await();
              return IdentityStore.at(stateDir).loadOrCreate().deviceId();
            }));
      }
      go.countDown();
      Set<String> distinct = new java.util.HashSet<>();
      for (Future<String> id : ids) {
        distinct.add(id.get(10, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
    }
    assertThat(filesIn(stateDir.resolve("identity")))
        .containsExactlyInAnyOrder("device.json", ".lock");
  }

  @Test
  void threeProcessesRacingOnAFreshDirShareOneIdentity() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long startAt = System.currentTimeMillis() + 1500;
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      processes.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  IdentityRaceMain.class.getName(),
                  stateDir.toString(),
                  Long.toString(startAt))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start());
    }
    Set<String> ids = new java.util.HashSet<>();
    for (Process process : processes) {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      ids.add(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
    assertThat(ids).hasSize(1);
    assertThat(ids.iterator().next())
        .isEqualTo(IdentityStore.at(stateDir).loadOrCreate().deviceId());
  }

  @Test
  void corruptFileIsAClearErrorAndIsNeverReplaced() throws Exception {
    Path file = IdentityStore.at(stateDir).file();
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"version\":1,\"deviceId\":\"abc\",\"publicKeyPem\":");
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> IdentityStore.at(stateDir).loadOrCreate())
        .isInstanceOfSatisfying(
            ClawgateException.class,
            e -> assertThat(e.detail()).isEqualTo(DetailCode.INVALID_CONFIG))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("will not replace it")
        .hasMessageContaining("move it aside");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void keysThatDoNotBelongTogetherAreAnErrorToo() throws Exception {
    IdentityStore.at(stateDir).loadOrCreate();
    Path file = IdentityStore.at(stateDir).file();
    ObjectNode json = (ObjectNode) Json.mapper().readTree(Files.readString(file));
    json.put("privateKeyPem", DeviceIdentity.generate().privateKeyPem());
    Files.writeString(file, json.toString());
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> IdentityStore.at(stateDir).loadOrCreate())
        .isInstanceOf(ClawgateException.class)
        .hasMessageContaining("not a valid Ed25519 pair");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aStoredIdThatDoesNotMatchTheKeyIsRewrittenWithTheDerivedId() throws Exception {
    DeviceIdentity identity = IdentityStore.at(stateDir).loadOrCreate();
    Path file = IdentityStore.at(stateDir).file();
    ObjectNode json = (ObjectNode) Json.mapper().readTree(Files.readString(file));
    long createdAt = json.path("createdAtMs").asLong();
    json.put("deviceId", "0000not-the-derived-id");
    Files.writeString(file, json.toString());

    DeviceIdentity loaded = IdentityStore.at(stateDir).loadOrCreate();

    assertThat(loaded.deviceId()).isEqualTo(identity.deviceId());
    JsonNode rewritten = Json.mapper().readTree(Files.readString(file));
    assertThat(rewritten.path("deviceId").asString()).isEqualTo(identity.deviceId());
    assertThat(rewritten.path("createdAtMs").asLong()).isEqualTo(createdAt);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  static Set<String> filesIn(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
