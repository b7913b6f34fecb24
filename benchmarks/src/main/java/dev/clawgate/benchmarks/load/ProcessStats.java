package dev.clawgate.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/** CPU time and resident memory of a process, read from the OS (Linux {@code /proc}). */
final class ProcessStats {
  private ProcessStats() {}

  /** CPU time (user + system) of {@code pid} so far, or zero when it cannot be read. */
  static Duration cpu(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).orElse(Duration.ZERO);
  }

  /** CPU time of this process so far. */
  static Duration selfCpu() {
    return cpu(ProcessHandle.current().pid());
  }

  /**
   * CPU time all processes of the machine have used (every field of {@code /proc/stat}'s {@code
   * cpu} line but idle and iowait), or zero when unreadable. Ticks are taken as 10 ms (USER_HZ 100,
   * which Linux reports on every common architecture).
   */
  static Duration machineBusy() {
    try (var lines = Files.lines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
      String cpu = lines.filter(line -> line.startsWith("cpu ")).findFirst().orElse("");
      String[] fields = cpu.trim().split("\\s+");
      long busy = 0;
      // user nice system idle iowait irq softirq steal (guest time is already in user)
      for (int i = 1; i < Math.min(fields.length, 9); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(fields[i]);
        }
      }
      return Duration.ofMillis(busy * 10);
    } catch (IOException | RuntimeException e) {
      return Duration.ZERO;
    }
  }

  /** {@code VmRSS} of {@code pid} in KiB, when {@code /proc/<pid>/status} has it. */
  static OptionalLong rssKib(long pid) {
    try {
      return Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)
          .stream()
          .filter(line -> line.startsWith("VmRSS:"))
          .map(line -> line.replaceAll("[^0-9]", ""))
          .filter(digits -> !digits.isEmpty())
          .mapToLong(Long::parseLong)
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }
}
