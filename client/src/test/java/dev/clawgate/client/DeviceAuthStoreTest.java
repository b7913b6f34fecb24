package dev.clawgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.Json;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class DeviceAuthStoreTest {
  private static final String DEVICE = "a".repeat(64);

  @TempDir Path stateDir;

  @Test
  void storesReadsAndClearsATokenPerRole() throws Exception {
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    assertThat(store.token(DEVICE, Role.OPERATOR)).isEmpty();

    store.store(DEVICE, Role.OPERATOR, "tok-op", List.of("operator.read", "operator.write"));

    StoredDeviceToken stored = store.token(DEVICE, Role.OPERATOR).orElseThrow();
    assertThat(stored.token()).isEqualTo("tok-op");
    assertThat(stored.role()).isEqualTo(Role.OPERATOR);
    assertThat(stored.scopes()).containsExactly("operator.read", "operator.write");
    assertThat(store.token(DEVICE, Role.NODE)).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
        .isEqualTo("rw-------");
    JsonNode json = Json.mapper().readTree(Files.readString(store.file()));
    assertThat(json.path("version").asInt()).isEqualTo(1);
    assertThat(json.path("deviceId").asString()).isEqualTo(DEVICE);
    JsonNode entry = json.path("tokens").path("operator");
    assertThat(entry.propertyNames())
        .containsExactlyInAnyOrder("token", "role", "scopes", "updatedAtMs");

    assertThat(store.clear(DEVICE, Role.OPERATOR)).isTrue();
    assertThat(store.token(DEVICE, Role.OPERATOR)).isEmpty();
    assertThat(store.clear(DEVICE, Role.OPERATOR)).isFalse();
  }

  @Test
  void tokensBelongToOneDevice() {
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    store.store(DEVICE, Role.OPERATOR, "tok-a", List.of());
    String other = "b".repeat(64);

    assertThat(store.token(other, Role.OPERATOR)).isEmpty();
    assertThat(store.clear(other, Role.OPERATOR)).isFalse();
    store.store(other, Role.NODE, "tok-b", List.of());

    assertThat(store.token(other, Role.NODE)).map(StoredDeviceToken::token).contains("tok-b");
    assertThat(store.token(DEVICE, Role.OPERATOR)).isEmpty();
  }

  @Test
  void clearIfCurrentLeavesANewerTokenAlone() {
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    store.store(DEVICE, Role.OPERATOR, "newer", List.of());

    assertThat(store.clearIfCurrent(DEVICE, Role.OPERATOR, "older")).isFalse();
    assertThat(store.token(DEVICE, Role.OPERATOR)).map(StoredDeviceToken::token).contains("newer");
    assertThat(store.clearIfCurrent(DEVICE, Role.OPERATOR, "newer")).isTrue();
  }

  @Test
  void concurrentUpdatesForTwoRolesBothSurvive() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<Future<?>> writers =
          List.of(
              pool.submit(() -> write(go, Role.OPERATOR)), pool.submit(() -> write(go, Role.NODE)));
      go.countDown();
      for (Future<?> writer : writers) {
        writer.get(20, TimeUnit.SECONDS);
      }
    }
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    assertThat(store.token(DEVICE, Role.OPERATOR))
        .map(StoredDeviceToken::token)
        .contains("operator-49");
    assertThat(store.token(DEVICE, Role.NODE)).map(StoredDeviceToken::token).contains("node-49");
  }

  private Void write(CountDownLatch go, Role role) throws InterruptedException {
    go.await();
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    for (int i = 0; i < 50; i++) {
      store.store(DEVICE, role, role.wireName() + "-" + i, List.of());
    }
    return null;
  }

  @Test
  void aDamagedTokenFileReadsAsEmptyAndIsReplacedByTheNextStore() throws Exception {
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    Files.createDirectories(store.file().getParent());
    Files.writeString(store.file(), "not json");

    assertThat(store.token(DEVICE, Role.OPERATOR)).isEmpty();
    store.store(DEVICE, Role.OPERATOR, "fresh", List.of());
    assertThat(store.token(DEVICE, Role.OPERATOR)).map(StoredDeviceToken::token).contains("fresh");
  }

  @Test
  void toStringNeverShowsASecret() {
    DeviceAuthStore store = DeviceAuthStore.at(stateDir);
    StoredDeviceToken stored = store.store(DEVICE, Role.OPERATOR, "s3cret-device", List.of());
    ClientOptions options =
        ClientOptions.builder()
            .token("s3cret-shared")
            .identity(DeviceIdentity.generate())
            .deviceAuthStore(store)
            .build();

    assertThat(stored.toString()).doesNotContain("s3cret").contains("<redacted>");
    assertThat(store.toString()).doesNotContain("s3cret");
    assertThat(options.toString()).doesNotContain("s3cret");
    assertThat(options.credential().orElseThrow().toString()).doesNotContain("s3cret");
    assertThat(SharedCredential.password("s3cret-pw").toString()).doesNotContain("s3cret");
  }
}
