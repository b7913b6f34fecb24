package dev.clawgate.cli;

import dev.clawgate.cli.DoctorFinding.Status;
import dev.clawgate.protocol.Json;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The findings of one {@code clawgate doctor} run, as text (one line each and a summary) or as JSON
 * ({@code {"ok": bool, "checks": [{"check", "status", "message", "fix"?}]}}).
 *
 * <p>Every secret value doctor knows of (the shared secrets from flags, files, the environment and
 * the config) is masked in everything printed, as a last line of defence: no check puts one in a
 * message, but a parser or a gateway might echo one back.
 */
final class DoctorReport {
  /** Values shorter than this are not masked: masking "ab" everywhere would garble every line. */
  private static final int MIN_MASKED_LENGTH = 4;

  private static final String MASK = "<redacted>";

  private final List<DoctorFinding> findings;
  private final List<String> secrets;

  DoctorReport(List<DoctorFinding> findings, Collection<String> secrets) {
    this.findings = List.copyOf(findings);
    // Longest first, so a secret that contains another is masked whole.
    this.secrets =
        secrets.stream()
            .filter(s -> s.strip().length() >= MIN_MASKED_LENGTH)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  /** Whether nothing failed (warnings do not count). */
  boolean ok() {
    return findings.stream().noneMatch(f -> f.status() == Status.FAIL);
  }

  int exitCode() {
    return ok() ? Main.OK : Main.FAILED;
  }

  /** One line per finding, then a summary line. */
  String text() {
    StringBuilder out = new StringBuilder();
    for (DoctorFinding finding : findings) {
      out.append(line(finding)).append('\n');
    }
    long failed = count(Status.FAIL);
    long warned = count(Status.WARN);
    if (failed == 0 && warned == 0) {
      out.append("doctor: all ").append(findings.size()).append(" checks ok\n");
    } else {
      out.append("doctor: ")
          .append(failed)
          .append(" failed, ")
          .append(warned)
          .append(warned == 1 ? " warning" : " warnings")
          .append(" (of ")
          .append(findings.size())
          .append(" checks); each line says how to fix it\n");
    }
    return out.toString();
  }

  /**
   * The one place a finding becomes text: status, check, what was found, the fix. Status words are
   * plain and padded, so the columns line up and colour can be added here alone.
   */
  String line(DoctorFinding finding) {
    String word = String.format("%-4s", finding.status().word());
    String status =
        switch (finding.status()) {
          case OK -> Colour.green(word);
          case WARN -> Colour.yellow(word);
          case FAIL -> Colour.red(word);
        };
    String line = String.format("%s  %-14s  %s", status, finding.check(), mask(finding.message()));
    return finding.fix().map(fix -> line + "; fix: " + mask(fix)).orElse(line);
  }

  /** The JSON document (one line); {@code fix} is absent on ok findings. */
  String json() {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("ok", ok());
    ArrayNode checks = root.putArray("checks");
    for (DoctorFinding finding : findings) {
      ObjectNode check = checks.addObject();
      check.put("check", finding.check());
      check.put("status", finding.status().word());
      check.put("message", mask(finding.message()));
      finding.fix().ifPresent(fix -> check.put("fix", mask(fix)));
    }
    return Json.mapper().writeValueAsString(root);
  }

  private long count(Status status) {
    return findings.stream().filter(f -> f.status() == status).count();
  }

  private String mask(String text) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, MASK);
    }
    return masked;
  }
}
