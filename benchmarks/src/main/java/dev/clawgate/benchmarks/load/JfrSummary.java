package dev.clawgate.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's samples went: the methods most often on top of the stack (self) and most
 * often anywhere on it (inclusive, each method counted once per sample), as shares of all samples,
 * for threads running Java ({@code jdk.ExecutionSample}) and, separately, threads in native code
 * ({@code jdk.NativeMethodSample}: SQLite, socket writes). {@code jfr view hot-methods} gives only
 * the first list; the inclusive one says which of the gateway's own steps (dispatch, JSON writing,
 * the send path, a store transaction) a cost belongs to.
 *
 * <p>Usage: {@code java -cp clawgate-load.jar dev.clawgate.benchmarks.load.JfrSummary <file.jfr>
 * [top]}.
 */
public final class JfrSummary {
  /** Sample counts per method. */
  record Counts(long samples, Map<String, Long> self, Map<String, Long> inclusive) {}

  private JfrSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: JfrSummary <file.jfr> [top]");
      System.exit(2);
      return;
    }
    int top = args.length == 2 ? Integer.parseInt(args[1]) : 25;
    Path recording = Path.of(args[0]);
    System.out.print(text("Java execution", count(recording, "jdk.ExecutionSample"), top));
    System.out.print(text("native method", count(recording, "jdk.NativeMethodSample"), top));
  }

  static Counts count(Path recording, String eventName) throws IOException {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> inclusive = new HashMap<>();
    long samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!event.getEventType().getName().equals(eventName)) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      samples++;
      add(stack.getFrames(), self, inclusive);
    }
    return new Counts(samples, self, inclusive);
  }

  /** Counts one sample's frames (top first). */
  static void add(List<RecordedFrame> frames, Map<String, Long> self, Map<String, Long> inclusive) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < frames.size(); i++) {
      String name = name(frames.get(i).getMethod());
      if (i == 0) {
        self.merge(name, 1L, Long::sum);
      }
      if (seen.add(name)) {
        inclusive.merge(name, 1L, Long::sum);
      }
    }
  }

  static String text(String kind, Counts counts, int top) {
    StringBuilder text = new StringBuilder();
    text.append(counts.samples()).append(" ").append(kind).append(" samples\n");
    section(text, "self (top of stack)", counts.self(), counts.samples(), top);
    section(text, "inclusive (anywhere on the stack)", counts.inclusive(), counts.samples(), top);
    return text.append('\n').toString();
  }

  private static void section(
      StringBuilder text, String title, Map<String, Long> counts, long samples, int top) {
    text.append("\n").append(title).append(":\n");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(e ->
            text.append(
                String.format(
                    "  %5.1f %%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
  }

  private static String name(RecordedMethod method) {
    String type = method.getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
  }
}
