package dev.clawgate.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime file a gateway leaves in its state dir: written whole and private, read back exactly
 * or not at all, and believed only while the process that wrote it is alive.
 */
class GatewayRuntimeTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final Instant STARTED =
      ProcessHandle.current().info().startInstant().orElseThrow();

  @TempDir Path dir;

  private Path file() {
    return dir.resolve(GatewayRuntime.FILE_NAME);
  }

  private static GatewayRuntime runtime(long pid, String url, long startedAtMs) {
    return new GatewayRuntime(pid, url, 18789, startedAtMs, "0.1.0-test");
  }

  @Test
  void whatIsWrittenIsReadBackFromAPrivateFile() throws IOException {
    GatewayRuntime written = runtime(PID, "ws://127.0.0.1:18789", System.currentTimeMillis());

    written.write(dir);

    assertThat(GatewayRuntime.read(dir)).contains(written);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
        .isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file is left behind").containsExactly(file());
    }
  }

  @Test
  void noFileReadsAsAbsent() {
    assertThat(GatewayRuntime.read(dir)).isEmpty();
    assertThat(GatewayRuntime.read(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void aSecondWriteReplacesTheFileWholeAndReadersNeverSeeAPart() throws Exception {
    GatewayRuntime longer =
        runtime(PID, "ws://a-rather-long-host-name.example:18789/" + "x".repeat(2000), 1);
    GatewayRuntime shorter = runtime(PID, "ws://h:1", 2);
    longer.write(dir);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Optional<GatewayRuntime>> seen = new ArrayList<>();
    Thread reader =
        Thread.ofPlatform()
            .start(() -> {
              do {
                seen.add(GatewayRuntime.read(dir));
              } while (writing.get());
            });
    try {
      for (int i = 0; i < 300; i++) {
        (i % 2 == 0 ? shorter : longer).write(dir);
      }
    } finally {
      writing.set(false);
      reader.join();
    }

    assertThat(seen)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r).isIn(Optional.of(longer), Optional.of(shorter)));
    assertThat(GatewayRuntime.read(dir)).contains(longer);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file());
    }
  }

  @Test
  void everyPartOfTheFileReadsAsAbsentOrAsTheWhole() throws IOException {
    GatewayRuntime written = runtime(PID, "ws://127.0.0.1:18789", 1_700_000_000_000L);
    written.write(dir);
    byte[] whole = Files.readAllBytes(file());

    for (int length = 0; length < whole.length; length++) {
      Files.write(file(), Arrays.copyOf(whole, length));
      assertThat(GatewayRuntime.read(dir))
          .as("the first %d bytes", length)
          .satisfiesAnyOf(r -> assertThat(r).isEmpty(), r -> assertThat(r).contains(written));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "null",
        "[]",
        "{}",
        "garbage",
        "{\"pid\": 12}",
        "{\"url\": \"ws://h:1\"}",
        "{\"pid\": \"12\", \"url\": \"ws://h:1\"}",
        "{\"pid\": 1.5, \"url\": \"ws://h:1\"}",
        "{\"pid\": 12, \"url\": 5}",
        "{\"pid\": 12, \"url\": \"ws://h:1\"",
        "{\"pid\": 12, \"url\": \"ws://h:1\"} trailing"
      })
  void aDamagedFileReadsAsAbsent(String text) throws IOException {
    Files.writeString(file(), text, StandardCharsets.UTF_8);
    assertThat(GatewayRuntime.read(dir)).isEmpty();
  }

  @Test
  void binaryJunkOrADirectoryReadsAsAbsent() throws IOException {
    Files.write(file(), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '{'});
    assertThat(GatewayRuntime.read(dir)).isEmpty();

    Files.delete(file());
    Files.createDirectory(file());
    assertThat(GatewayRuntime.read(dir)).isEmpty();
  }

  @Test
  void thisProcessIsAlive() {
    assertThat(runtime(PID, "ws://h:1", System.currentTimeMillis()).alive()).isTrue();
    assertThat(runtime(PID, "ws://h:1", STARTED.toEpochMilli()).alive()).isTrue();
  }

  @Test
  void aProcessThatHasExitedIsNotAlive() throws Exception {
    Process child =
        new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long pid = child.pid();
    long startedAtMs = System.currentTimeMillis();
    child.waitFor();

    assertThat(runtime(pid, "ws://h:1", startedAtMs).alive()).isFalse();
  }

  @Test
  void aLiveProcessThatStartedAfterTheRecordedStartIsAReusedPidNotTheGateway() {
    long anHourBeforeThisProcess = STARTED.minus(Duration.ofHours(1)).toEpochMilli();

    assertThat(runtime(PID, "ws://h:1", anHourBeforeThisProcess).alive()).isFalse();
  }

  @Test
  void deleteIfOwnedByDeletesOnlyTheFileOfThatPid() throws IOException {
    runtime(PID, "ws://h:1", 1).write(dir);

    GatewayRuntime.deleteIfOwnedBy(dir, PID + 1);
    assertThat(file()).exists();

    GatewayRuntime.deleteIfOwnedBy(dir, PID);
    assertThat(file()).doesNotExist();

    GatewayRuntime.deleteIfOwnedBy(dir, PID); // nothing left to delete: no error
    assertThat(GatewayRuntime.read(dir)).isEmpty();
  }
}
